package dev.jutp;

import static dev.jutp.StreamDigest.drain;
import static dev.jutp.StreamDigest.sha256;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream API over real UDP on loopback, one subclass per transport: what only real sockets show
 * (kernel buffers, ICMP, threads, the application's clock for read and connect timeouts). Protocol
 * timing (linger, silence, idle timeouts, a vanished peer) is exact on the virtual network instead:
 * {@link StreamLifecycleSimTest}, {@link StreamScaleSimTest}, {@link IdleTimeoutStreamTest}.
 */
abstract class AbstractUtpStreamTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    abstract String transport();

    UtpOptions options() {
        return UtpOptions.defaults().withTransport(Transport.fromId(transport())).withConnectTimeout(Duration.ofSeconds(5));
    }

    static byte[] pattern(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code total} bytes of a seeded stream in 64 KiB chunks; returns their SHA-256. */
    static String send(OutputStream out, long seed, long total) throws IOException {
        MessageDigest md = sha256();
        Random r = new Random(seed);
        byte[] chunk = new byte[64 << 10];
        long left = total;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            r.nextBytes(chunk);
            out.write(chunk, 0, n);
            md.update(chunk, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Two writers and two readers on one stream: copies run outside the stream's lock, one per ring
     * at a time, so no byte may be lost, doubled or taken twice. Writes of odd sizes into small
     * buffers make the writers wait and take turns; the readers' pieces are summed per byte value.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentWritersAndReadersLoseAndDoubleNothing() throws Exception {
        int each = 6_000_000;
        UtpOptions small = options().withSendBufferBytes(96 * 1024).withReceiveBufferBytes(96 * 1024);
        try (UtpListener listener = UtpListener.bind(LOOPBACK, small);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<UtpStream> accepted = pool.submit(() -> listener.accept(Duration.ofSeconds(30)));
            try (UtpStream client = UtpStream.connect(listener.localAddress(), small);
                 UtpStream server = accepted.get(30, TimeUnit.SECONDS)) {
                long[] sent = new long[256];
                List<Future<long[]>> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    int seed = w;
                    writers.add(pool.submit(() -> {
                        long[] counts = new long[256];
                        Random r = new Random(seed);
                        OutputStream out = client.getOutputStream();
                        for (int left = each; left > 0; ) {
                            byte[] b = new byte[Math.min(left, 1 + r.nextInt(40_000))];
                            r.nextBytes(b);
                            out.write(b);
                            for (byte x : b) {
                                counts[x & 0xff]++;
                            }
                            left -= b.length;
                        }
                        return counts;
                    }));
                }
                List<Future<long[]>> readers = new ArrayList<>();
                for (int rd = 0; rd < 2; rd++) {
                    int size = rd == 0 ? 1_000 : 70_000;
                    readers.add(pool.submit(() -> {
                        long[] counts = new long[256];
                        InputStream in = server.getInputStream();
                        byte[] b = new byte[size];
                        for (int n; (n = in.read(b)) >= 0; ) {
                            for (int i = 0; i < n; i++) {
                                counts[b[i] & 0xff]++;
                            }
                        }
                        return counts;
                    }));
                }
                for (Future<long[]> w : writers) {
                    long[] c = w.get(100, TimeUnit.SECONDS);
                    for (int i = 0; i < 256; i++) {
                        sent[i] += c[i];
                    }
                }
                client.shutdownOutput();
                long[] got = new long[256];
                for (Future<long[]> rd : readers) {
                    long[] c = rd.get(100, TimeUnit.SECONDS);
                    for (int i = 0; i < 256; i++) {
                        got[i] += c[i];
                    }
                }
                assertArrayEquals(sent, got, "every byte value arrived as often as it was written");
                assertEquals(2L * each, Arrays.stream(got).sum());
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void fiftyMegabytesEachWayAtOnce() throws Exception {
        long size = 50L * 1000 * 1000;
        try (UtpListener listener = UtpListener.bind(LOOPBACK, options());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertEquals(transport(), listener.endpoint().transportName());
            Future<UtpStream> accepted = pool.submit(() -> listener.accept(Duration.ofSeconds(30)));
            try (UtpStream client = UtpStream.connect(listener.localAddress(), options());
                 UtpStream server = accepted.get(30, TimeUnit.SECONDS)) {
                Future<String> clientSent = pool.submit(() -> {
                    String h = send(client.getOutputStream(), 1, size);
                    client.shutdownOutput();
                    return h;
                });
                Future<String> serverSent = pool.submit(() -> {
                    String h = send(server.getOutputStream(), 2, size);
                    server.shutdownOutput();
                    return h;
                });
                Future<String[]> serverGot = pool.submit(() -> drain(server.getInputStream()));
                String[] clientGot = drain(client.getInputStream());
                assertEquals(Long.toString(size), clientGot[0]);
                assertEquals(serverSent.get(150, TimeUnit.SECONDS), clientGot[1]);
                String[] s = serverGot.get(150, TimeUnit.SECONDS);
                assertEquals(Long.toString(size), s[0]);
                assertEquals(clientSent.get(150, TimeUnit.SECONDS), s[1]);
                UtpStreamStats st = client.stats();
                assertEquals(size, st.bytesSent());
                assertEquals(size, st.bytesReceived());
                assertTrue(st.packetsSent() > size / 1500, st.toString());
            }
        }
    }

    /**
     * With the kernel's default socket buffers (~208 KiB) a window larger than the buffer lets one
     * burst overflow the receiver (libutp collapses there); the window is capped at half the granted
     * buffer, so nothing is dropped and nothing is retransmitted.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void defaultKernelBuffersDropNothing() throws Exception {
        long size = 20L * 1000 * 1000;
        UtpOptions o = options().withSocketBufferBytes(0);
        try (UtpListener listener = UtpListener.bind(LOOPBACK, o);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String[]> got = pool.submit(() -> {
                try (UtpStream server = listener.accept(Duration.ofSeconds(30))) {
                    return drain(server.getInputStream());
                }
            });
            try (UtpStream client = UtpStream.connect(listener.localAddress(), o)) {
                String sent = send(client.getOutputStream(), 3, size);
                client.shutdownOutput();
                String[] r = got.get(100, TimeUnit.SECONDS);
                assertEquals(Long.toString(size), r[0]);
                assertEquals(sent, r[1]);
                UtpStreamStats st = client.stats();
                assertEquals(0, st.retransmits(), st.toString());
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void halfCloseThenReadReplyToEof() throws Exception {
        try (UtpListener listener = UtpListener.bind(LOOPBACK, options());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> serverSaw = pool.submit(() -> {
                try (UtpStream s = listener.accept(Duration.ofSeconds(30))) {
                    byte[] request = s.getInputStream().readAllBytes();   // to the client's FIN
                    byte[] reply = ("reply to " + request.length).getBytes(StandardCharsets.US_ASCII);
                    s.getOutputStream().write(reply);
                    return request;
                }
            });
            try (UtpStream client = UtpStream.connect(listener.localAddress(), options())) {
                byte[] request = pattern(7, 100_000);
                client.getOutputStream().write(request);
                client.shutdownOutput();
                assertThrows(IOException.class, () -> client.getOutputStream().write(1));
                byte[] reply = client.getInputStream().readAllBytes();
                assertEquals("reply to 100000", new String(reply, StandardCharsets.US_ASCII));
                assertArrayEquals(request, serverSaw.get(30, TimeUnit.SECONDS));
                assertEquals(-1, client.getInputStream().read());
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeBothSidesCleanly() throws Exception {
        try (UtpListener listener = UtpListener.bind(LOOPBACK, options())) {
            UtpStream client = UtpStream.connect(listener.localAddress(), options());
            UtpStream server = listener.accept(Duration.ofSeconds(30));
            assertEquals(client.localAddress().getPort(), server.remoteAddress().getPort());
            assertEquals(listener.localAddress().getPort(), client.remoteAddress().getPort());
            client.getOutputStream().write(pattern(3, 5000));
            client.close();
            // The server still gets every byte, then a clean EOF (not a reset).
            byte[] got = server.getInputStream().readAllBytes();
            assertArrayEquals(pattern(3, 5000), got);
            server.close();
            server.close();                     // idempotent
            IOException e = assertThrows(IOException.class, () -> client.getInputStream().read());
            assertEquals("stream closed", e.getMessage());
            e = assertThrows(IOException.class, () -> client.getOutputStream().write(1));
            assertEquals("stream closed", e.getMessage());
            assertEquals(5000, client.stats().bytesSent());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void connectToNothingIsRefusedWithIcmpElseTimesOut() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(LOOPBACK)) {
            port = probe.getLocalPort();        // free again once closed: nothing listens there
        }
        UtpOptions o = options().withConnectTimeout(Duration.ofMillis(1500));
        IOException e = assertThrows(IOException.class,
                () -> UtpStream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), o));
        if (transport().equals("linux")) {
            // IP_RECVERR: the kernel's port unreachable refuses the SYN at once.
            assertTrue(e instanceof ConnectException && e.getMessage().equals("connection refused"), e.toString());
        } else {
            // A DatagramChannel never sees ICMP: the SYN goes unanswered.
            assertTrue(e instanceof SocketTimeoutException && e.getMessage().equals("connect timed out"), e.toString());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void connectToNonListeningEndpointTimesOut() throws Exception {
        try (UtpEndpoint quiet = UtpEndpoint.bind(LOOPBACK, options());
             UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, options())) {
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> ep.connect(quiet.localAddress(), Duration.ofMillis(800)));
            assertEquals("connect timed out", e.getMessage());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void readTimeoutThenStillUsable() throws Exception {
        try (UtpListener listener = UtpListener.bind(LOOPBACK, options());
             UtpStream client = UtpStream.connect(listener.localAddress(), options());
             UtpStream server = listener.accept(Duration.ofSeconds(10))) {
            client.setSoTimeout(300);
            assertEquals(300, client.getSoTimeout());
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            assertEquals("read timed out", e.getMessage());
            server.getOutputStream().write(42);
            client.setSoTimeout(10_000);
            assertEquals(42, client.getInputStream().read());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void thousandConcurrentStreamsOnVirtualThreads() throws Exception {
        int streams = 1000;
        int bytes = 4096;
        try (UtpListener listener = UtpListener.bind(LOOPBACK, options());
             UtpEndpoint clients = UtpEndpoint.bind(LOOPBACK, options().withConnectTimeout(Duration.ofSeconds(60)));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicInteger served = new AtomicInteger();
            pool.submit(() -> {
                for (int i = 0; i < streams; i++) {
                    UtpStream s = listener.accept(Duration.ofSeconds(60));
                    pool.submit(() -> {
                        try (s) {
                            byte[] all = s.getInputStream().readAllBytes();
                            s.getOutputStream().write(all);
                            served.incrementAndGet();
                        }
                        return null;
                    });
                }
                return null;
            });
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                long seed = i;
                results.add(pool.submit(() -> {
                    try (UtpStream s = clients.connect(listener.localAddress())) {
                        byte[] data = pattern(seed, bytes);
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                        return Arrays.equals(data, s.getInputStream().readAllBytes());
                    }
                }));
            }
            int ok = 0;
            for (Future<Boolean> f : results) {
                if (f.get(100, TimeUnit.SECONDS)) {
                    ok++;
                }
            }
            assertEquals(streams, ok);
            assertEquals(streams, served.get());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void incomingYieldsStreamsAndEndsOnClose() throws Exception {
        try (UtpEndpoint server = UtpEndpoint.bind(LOOPBACK, options());
             UtpEndpoint client = UtpEndpoint.bind(LOOPBACK, options());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            UtpListener listener = server.listen();
            Future<List<String>> names = pool.submit(() -> listener.incoming().map(s -> {
                try (s) {
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    return e.toString();
                }
            }).collect(Collectors.toList()));
            for (int i = 0; i < 3; i++) {
                try (UtpStream s = client.connect(server.localAddress())) {
                    s.getOutputStream().write(("stream " + i).getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    assertEquals(-1, s.getInputStream().read());     // the server closed after reading
                }
            }
            listener.close();
            assertEquals(List.of("stream 0", "stream 1", "stream 2"), names.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void nonUtpDatagramGoesToHandler() throws Exception {
        try (UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, options());
             DatagramSocket plain = new DatagramSocket(LOOPBACK)) {
            CompletableFuture<String> got = new CompletableFuture<>();
            ep.setDatagramHandler((ByteBuffer b, InetSocketAddress from) -> {
                if (from.getPort() == plain.getLocalPort()) {
                    got.complete(StandardCharsets.US_ASCII.decode(b).toString());
                }
            });
            byte[] msg = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe".getBytes(StandardCharsets.US_ASCII);
            plain.send(new DatagramPacket(msg, msg.length, ep.localAddress()));
            assertEquals(new String(msg, StandardCharsets.US_ASCII), got.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void misuseIsRejected() throws Exception {
        try (UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, options())) {
            assertThrows(NullPointerException.class, () -> ep.connect(null));
            assertThrows(IllegalArgumentException.class, () -> ep.connect(ep.localAddress(), Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class,
                    () -> ep.connect(InetSocketAddress.createUnresolved("example.invalid", 1)));
            assertThrows(IllegalArgumentException.class, () -> options().withReceiveBufferBytes(0));
            assertThrows(IllegalArgumentException.class, () -> options().withSocketBufferBytes(-1));
            assertThrows(IllegalArgumentException.class, () -> Transport.fromId("tcp"));
            assertThrows(NullPointerException.class, () -> options().withConnectTimeout(null));
            UtpListener l = ep.listen();
            assertThrows(IllegalArgumentException.class, () -> l.accept(Duration.ZERO));
            assertThrows(SocketTimeoutException.class, () -> l.accept(Duration.ofMillis(50)));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void endpointCloseEndsStreamsAndRefusesNewWork() throws Exception {
        UtpListener listener = UtpListener.bind(LOOPBACK, options());
        UtpEndpoint ep = UtpEndpoint.bind(LOOPBACK, options());
        UtpStream client = ep.connect(listener.localAddress());
        UtpStream server = listener.accept(Duration.ofSeconds(10));
        client.getOutputStream().write(pattern(9, 20_000));
        ep.close();                                  // FIN after the data
        assertArrayEquals(pattern(9, 20_000), server.getInputStream().readAllBytes());
        assertThrows(IOException.class, () -> ep.connect(listener.localAddress()));
        assertThrows(IllegalStateException.class, ep::listen);
        IOException e = assertThrows(IOException.class, () -> client.getInputStream().read());
        assertEquals("endpoint closed", e.getMessage());
        listener.close();
        assertThrows(IOException.class, () -> listener.accept());
    }

    /** Live I/O threads of endpoints (named jutp-io-PORT). */
    private static long ioThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jutp-io-")).count();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void droppedConnectStreamsReleaseTheirEndpointThreadAndSocket() throws Exception {
        int n = 20;
        try (UtpListener listener = UtpListener.bind(LOOPBACK, options())) {
            long before = ioThreads();
            List<UtpStream> servers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                UtpStream.connect(listener.localAddress(), options()).getOutputStream().write(i);   // dropped
                servers.add(listener.accept(Duration.ofSeconds(30)));
            }
            for (int i = 0; i < n; i++) {
                UtpStream s = servers.get(i);
                s.setSoTimeout(30_000);
                assertEquals(i, s.getInputStream().read());
            }
            // Each dropped stream made its own endpoint: an I/O thread and a UDP socket.
            for (int round = 0; round < 300 && ioThreads() > before; round++) {
                System.gc();
                Thread.sleep(100);
            }
            assertEquals(before, ioThreads(), "every dropped stream's endpoint thread ended");
            for (UtpStream s : servers) {
                assertEquals(-1, s.getInputStream().read(), "the peer saw the FIN");
                s.close();
            }
        }
    }

    @Test
    void anAddressFamilyMismatchFailsAtOnceNamingBothFamilies() throws Exception {
        try (UtpEndpoint v4 = UtpEndpoint.bind(LOOPBACK, options())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> v4.connect(new InetSocketAddress(InetAddress.getByName("::1"), 9)));
            assertEquals("address family mismatch: the endpoint is bound to IPv4 address 127.0.0.1 and cannot reach"
                    + " IPv6 address 0:0:0:0:0:0:0:1", e.getMessage());
        }
    }
}
