package dev.jutp.interop;

import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;
import dev.jutp.sim.PathProfile;
import dev.jutp.sim.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.jutp.interop.LibutpInteropTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's named path profiles, on loopback through {@link ImpairingRelay}, with real
 * libutp (npm utp-native, src/test/interop/utp_peer.js) and jutp at either end: libutp→libutp,
 * jutp→libutp, libutp→jutp and jutp→jutp, 1 MiB each. Every byte is checked against the shared
 * pattern on the receiving side; each transfer must finish within {@link #BOUND}. One exception:
 * in the libutp→libutp reference pair (no jutp code), the bytes and EOF must arrive, but libutp's
 * own close may hang (twice in 30-odd full runs the sender never saw the receiver's FIN through 2 %
 * loss and waited out the bound); that is printed as a note after {@link #REFERENCE_CLOSE_WAIT}
 * instead of failing the build. The completion
 * time (receiver's accept to its EOF, wall clock) is printed per profile and pair, beside the
 * simulator's figure for the same profile and seed; they go to docs/congestion.md.
 *
 * <p>Wall-clock figures on a shared 2-core machine are noisy; nothing here asserts a time
 * except the generous completion bound. Run alone:
 * {@code mvn -B test -Dtest=LibutpRelayInteropTest -Djutp.shim.skip=true}.
 */
class LibutpRelayInteropTest {
    static final int BYTES = 1 << 20;
    static final long SEED = 2024;
    static final long BOUND_SECONDS = 120;
    static final Duration BOUND = Duration.ofSeconds(BOUND_SECONDS);
    static final Duration REFERENCE_CLOSE_WAIT = Duration.ofSeconds(30);
    static final List<PathProfile> PROFILES = List.of(PathProfile.CLEAN_50MS, PathProfile.LOSS2_50MS,
            PathProfile.BURST_100MS, PathProfile.REORDER_DUP, PathProfile.LOSS1_100MS);

    enum Impl { LIBUTP, JUTP }

    /** profile label → "sender→receiver" → completion seconds, for the table. */
    static final Map<String, Map<String, String>> RESULTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void tools() {
        Peer.requireNode();
    }

    /**
     * The four pairs of one profile run one after another, each through its own relay. Run at
     * once (as they were at first), a busy 2-core machine starved the node processes: a libutp
     * receiver that falls behind closes its window, and when the window update is lost it waits
     * for libutp's 15 s zero-window probe, which took a libutp receiver past a minute in CI.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    @Timeout(value = 4 * (BOUND_SECONDS + 30), unit = TimeUnit.SECONDS)
    void allPairsThroughTheRelay(PathProfile profile) throws Exception {
        for (Impl from : Impl.values()) {
            for (Impl to : Impl.values()) {
                System.out.println(transfer(profile, from, to));
            }
        }
    }

    static Stream<PathProfile> profiles() {
        return PROFILES.stream();
    }

    /** One transfer through a fresh relay; returns a report line, records the completion time. */
    static String transfer(PathProfile profile, Impl from, Impl to) throws Exception {
        PathProfile.Path path = profile.path();
        long start = System.nanoTime();
        double seconds;
        String relayReport;
        try (Receiver receiver = to == Impl.LIBUTP ? new LibutpReceiver() : new JutpReceiver();
             ImpairingRelay relay = ImpairingRelay.start(receiver.address(), path.forward, path.backward, SEED);
             Sender sender = from == Impl.LIBUTP ? new LibutpSender(relay.address()) : new JutpSender(relay.address())) {
            seconds = receiver.awaitComplete();
            if (from == Impl.LIBUTP && to == Impl.LIBUTP) {
                relayReport = ((LibutpSender) sender).awaitCloseOrNote() + relay;
            } else {
                sender.awaitDone();
                relayReport = relay.toString();
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String pair = from.name().toLowerCase() + "→" + to.name().toLowerCase();
        assertTrue(wall < BOUND.toSeconds(), profile.label + " " + pair + " took " + wall + " s, bound " + BOUND);
        RESULTS.computeIfAbsent(profile.label, k -> new ConcurrentHashMap<>()).put(pair, "%.2f".formatted(seconds));
        return "relay %s %s: %.2f s (run %.1f s) %s".formatted(profile.label, pair, seconds, wall, relayReport);
    }

    @AfterAll
    static void table() {
        String[] pairs = {"libutp→libutp", "jutp→libutp", "libutp→jutp", "jutp→jutp"};
        StringBuilder b = new StringBuilder("\n| profile | simulator jutp→jutp |");
        for (String p : pairs) {
            b.append(' ').append(p).append(" |");
        }
        b.append("\n|---|---|---|---|---|---|\n");
        for (PathProfile p : PROFILES) {
            Map<String, String> row = RESULTS.getOrDefault(p.label, Map.of());
            b.append("| ").append(p.label).append(" | ").append("%.2f".formatted(simulatedSeconds(p))).append(" |");
            for (String pair : pairs) {
                b.append(' ').append(row.getOrDefault(pair, "—")).append(" |");
            }
            b.append('\n');
        }
        System.out.println("completion time, seconds, 1 MiB, seed " + SEED + " (receiver accept to EOF)" + b);
    }

    /** The same profile and seed in the simulator: the data phase of a 1 MiB transfer, virtual seconds. */
    static double simulatedSeconds(PathProfile profile) {
        PathProfile.Path path = profile.path();
        Scenario s = new Scenario(SEED, BYTES, path.forward, path.backward).bound(600).run();
        try {
            return s.failure() == null ? BYTES * 8.0 / s.transfer.goodputBitsPerSecond() : Double.NaN;
        } finally {
            s.close();
        }
    }

    // ------------------------------------------------------------------ the two ends

    interface Receiver extends AutoCloseable {
        InetSocketAddress address() throws Exception;

        /** Waits until every byte and EOF arrived, checks them; returns seconds from accept to EOF. */
        double awaitComplete() throws Exception;
    }

    interface Sender extends AutoCloseable {
        void awaitDone() throws Exception;
    }

    static List<String> node(String... args) {
        List<String> c = new ArrayList<>(List.of(LibutpInteropTest.NODE, "utp_peer.js"));
        c.addAll(List.of(args));
        c.addAll(List.of("--bytes", Integer.toString(BYTES), "--timeout-ms", Long.toString(BOUND.toMillis()),
                "--linger-ms", "1500"));
        return c;
    }

    /** utp_peer.js listen sink: checks the pattern itself and reports accept-to-EOF time. */
    static final class LibutpReceiver implements Receiver {
        final Peer peer;
        final int port;

        LibutpReceiver() throws Exception {
            peer = Peer.start(node("listen", "--host", "127.0.0.1", "--port", "0", "--mode", "sink"));
            port = Integer.parseInt(json(peer.await(l -> l.contains("\"listening\""), Duration.ofSeconds(30)), "port"));
        }

        @Override
        public InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }

        @Override
        public double awaitComplete() throws Exception {
            String eof = peer.await(l -> l.contains("\"eof\"") || l.contains("\"error\""), BOUND);
            assertEquals(Integer.toString(BYTES), json(eof, "bytes"), eof);
            String done = peer.await(l -> l.contains("\"done\"") || l.contains("\"error\""), Duration.ofSeconds(30));
            assertTrue(done.contains("\"ok\":true"), done);     // includes the byte-by-byte pattern check
            assertEquals(Integer.toString(BYTES), json(done, "received"), done);
            return Double.parseDouble(json(eof, "ms")) / 1000;
        }

        @Override
        public void close() throws Exception {
            peer.close();
        }
    }

    /** utp_peer.js connect send: the pattern, then FIN; done once the receiver's FIN arrived. */
    static final class LibutpSender implements Sender {
        final Peer peer;

        LibutpSender(InetSocketAddress relay) throws Exception {
            peer = Peer.start(node("connect", "--host", "127.0.0.1", "--port", Integer.toString(relay.getPort()), "--mode", "send"));
        }

        @Override
        public void awaitDone() throws Exception {
            awaitDone(BOUND);
        }

        private void awaitDone(Duration bound) throws Exception {
            String done = peer.await(l -> l.contains("\"done\"") || l.contains("\"error\""), bound);
            assertTrue(done.contains("\"ok\":true"), done);
            assertEquals(Integer.toString(BYTES), json(done, "sent"), done);
        }

        /** The reference pair: "" once libutp's close completed, else a note saying it hung. */
        String awaitCloseOrNote() throws Exception {
            try {
                awaitDone(REFERENCE_CLOSE_WAIT);
                return "";
            } catch (AssertionError e) {
                return "[NOTE libutp sender's close did not complete within " + REFERENCE_CLOSE_WAIT.toSeconds()
                        + " s after the receiver got every byte and EOF; libutp's own behaviour, not gating: "
                        + e.getMessage().lines().findFirst().orElse("") + "] ";
            }
        }

        @Override
        public void close() throws Exception {
            peer.close();
        }
    }

    /** jutp's stream API accepting one connection and checking every byte against the pattern. */
    static final class JutpReceiver implements Receiver {
        final UtpListener listener;
        final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        final Future<Double> result;

        JutpReceiver() throws Exception {
            listener = UtpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), UtpOptions.defaults());
            result = pool.submit(this::receive);
        }

        private double receive() throws Exception {
            try (UtpStream s = listener.accept(BOUND)) {
                long accepted = System.nanoTime();
                long total = LibutpInteropTest.drainPattern(s.getInputStream(), BYTES);
                double seconds = (System.nanoTime() - accepted) / 1e9;
                assertEquals(BYTES, total);
                s.shutdownOutput();                     // our FIN: the sender's signal that all arrived
                return seconds;
            }
        }

        @Override
        public InetSocketAddress address() {
            return listener.localAddress();
        }

        @Override
        public double awaitComplete() throws Exception {
            return result.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            pool.shutdownNow();
            listener.close();
            pool.close();
        }
    }

    /** jutp's stream API sending the pattern, FIN, then waiting for the receiver's FIN. */
    static final class JutpSender implements Sender {
        final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        final Future<Void> result;

        JutpSender(InetSocketAddress relay) {
            result = pool.submit(() -> {
                UtpOptions o = UtpOptions.defaults().withConnectTimeout(Duration.ofSeconds(10));
                // close() returns once the receiver acknowledged every byte and throws naming the
                // bytes not delivered otherwise. Waiting for the receiver's FIN instead made the
                // result hang on libutp's close: utp_peer.js exits 1.5 s after EOF, and a FIN lost
                // on this path is not always resent by then (the half-closed sender then gives up
                // after 60 s of silence with "connection timed out").
                UtpStream s = UtpStream.connect(relay, o);
                LibutpInteropTest.sendPattern(s.getOutputStream(), BYTES);
                s.close();
                return null;
            });
        }

        @Override
        public void awaitDone() throws Exception {
            result.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            pool.shutdownNow();
            pool.close();
        }
    }
}
