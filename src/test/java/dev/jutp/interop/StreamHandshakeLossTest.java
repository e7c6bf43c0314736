package dev.jutp.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.UtpEndpoint;
import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;
import dev.jutp.sim.LinkConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The stream API's handshake survives the loss of any one, and any two, of the four handshake
 * datagrams (SYN and the initiator's first DATA towards the acceptor; SYN-ACK and the acceptor's
 * next datagram back), in each state the acceptor can be in: not yet accepted by the application
 * (the stream waits in the listener's backlog), accepted with the listener closed at once (what
 * {@code utpcat -l} does: it ignored a repeated SYN until this was fixed), and accepted and
 * speaking first. The stream API has no virtual network, so this runs on loopback through
 * {@link ImpairingRelay} with drops chosen by position, not by chance. Cases run concurrently;
 * a lost SYN or SYN-ACK costs the initiator its 3 s SYN timeout, so the test takes about 15 s.
 */
class StreamHandshakeLossTest {
    static final byte[] UP = pattern(3000, 1);
    static final byte[] DOWN = pattern(3000, 2);
    static final Duration BOUND = Duration.ofSeconds(40);
    /** Positions per direction that carry the handshake: 0 and 1 each way. */
    static final long[][] HANDSHAKE = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};   // {direction (0 = to acceptor), position}

    enum Acceptor { NOT_YET_ACCEPTED, STOPS_LISTENING, SPEAKS_FIRST }

    @ParameterizedTest
    @EnumSource(Acceptor.class)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void anySingleOrPairOfLostHandshakeDatagramsIsSurvived(Acceptor mode) throws Exception {
        List<long[][]> cases = new ArrayList<>();
        for (int i = 0; i < HANDSHAKE.length; i++) {
            cases.add(new long[][] {HANDSHAKE[i]});
            for (int j = i + 1; j < HANDSHAKE.length; j++) {
                cases.add(new long[][] {HANDSHAKE[i], HANDSHAKE[j]});
            }
        }
        List<String> failures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (long[][] drops : cases) {
                results.add(pool.submit(() -> run(mode, drops)));
            }
            for (int i = 0; i < cases.size(); i++) {
                String problem = results.get(i).get(BOUND.toSeconds() + 30, TimeUnit.SECONDS);
                if (problem != null) {
                    failures.add(describe(cases.get(i)) + ": " + problem);
                }
            }
        }
        assertTrue(failures.isEmpty(), mode + ": " + failures.size() + " of " + cases.size() + " drop sets failed:\n"
                + String.join("\n", failures));
    }

    private static String describe(long[][] drops) {
        StringBuilder b = new StringBuilder("drop");
        for (long[] d : drops) {
            b.append(d[0] == 0 ? " to-acceptor#" : " to-initiator#").append(d[1]);
        }
        return b.toString();
    }

    /** One connection through a relay dropping {@code drops}; null if both sides got every byte and EOF. */
    private static String run(Acceptor mode, long[][] drops) {
        Set<Long> toServer = new java.util.HashSet<>();
        Set<Long> toClient = new java.util.HashSet<>();
        for (long[] d : drops) {
            (d[0] == 0 ? toServer : toClient).add(d[1]);
        }
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        UtpOptions options = UtpOptions.defaults().withConnectTimeout(BOUND);
        try (UtpEndpoint server = UtpEndpoint.bind(loopback, options);
             UtpEndpoint client = UtpEndpoint.bind(loopback, options);
             ImpairingRelay relay = ImpairingRelay.start(server.localAddress(), LinkConfig.of(1), LinkConfig.of(1), 1)
                     .dropPositions(toServer, toClient)) {
            UtpListener listener = server.listen();
            CountDownLatch connected = new CountDownLatch(1);
            String[] acceptorProblem = new String[1];
            Thread acceptor = Thread.ofVirtual().start(() -> acceptorProblem[0] = serve(mode, listener, connected));
            String clientProblem;
            try (UtpStream s = client.connect(relay.address())) {
                connected.countDown();
                s.setSoTimeout((int) BOUND.toMillis());
                s.getOutputStream().write(UP);
                s.shutdownOutput();
                byte[] got = s.getInputStream().readAllBytes();
                clientProblem = Arrays.equals(DOWN, got) ? null : "initiator read " + got.length + " bytes, not the " + DOWN.length + " sent";
            } catch (Exception e) {
                clientProblem = "initiator: " + e;
            } finally {
                connected.countDown();
            }
            if (!acceptor.join(BOUND)) {
                acceptor.interrupt();
                return "acceptor still running after " + BOUND + (clientProblem == null ? "" : "; " + clientProblem);
            }
            return clientProblem != null ? clientProblem : acceptorProblem[0];
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String serve(Acceptor mode, UtpListener listener, CountDownLatch connected) {
        try {
            if (mode == Acceptor.NOT_YET_ACCEPTED && !connected.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                return "the initiator never connected";
            }
            try (UtpStream s = listener.accept(BOUND)) {
                if (mode == Acceptor.STOPS_LISTENING) {
                    listener.close();
                }
                s.setSoTimeout((int) BOUND.toMillis());
                InputStream in = s.getInputStream();
                if (mode == Acceptor.SPEAKS_FIRST) {
                    s.getOutputStream().write(DOWN);
                    s.shutdownOutput();
                }
                byte[] got = in.readNBytes(UP.length);
                if (mode != Acceptor.SPEAKS_FIRST) {
                    s.getOutputStream().write(DOWN);
                    s.shutdownOutput();
                }
                if (!Arrays.equals(UP, got) || in.read() != -1) {
                    return "acceptor read " + got.length + " bytes, or no EOF after them";
                }
            }
            return null;
        } catch (Exception e) {
            return "acceptor: " + e;
        }
    }

    static byte[] pattern(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + salt);
        }
        return b;
    }
}
