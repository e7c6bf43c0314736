package dev.jutp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Thousands of concurrent connections (2,000 in CI; 10,000 with -Djutp.scale.connections=10000) between two endpoints on loopback (one listening endpoint, one
 * connecting endpoint, default transport), all open at once, each then echoing 2 KB both ways
 * byte-exact. Prints the handshake rate, the heap per idle connection (both ends) and both
 * endpoints' drop counters (engine and kernel), which show why connections failed if any did.
 */
class ManyConnectionsTest {
    static final int N = Integer.getInteger("jutp.scale.connections", 2_000);
    static final int BYTES = 2048;

    @Test
    void thousandsOfConcurrentConnectionsEachEchoTwoKilobytes() throws Exception {
        UtpOptions options = UtpOptions.defaults().withMaxConnections(N + 100).withConnectTimeout(Duration.ofSeconds(30));
        long heapBefore = usedHeapAfterGc();
        try (UtpEndpoint server = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), options);
             UtpEndpoint client = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), options)) {
            UtpListener listener = server.listen();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch allOpen = new CountDownLatch(N);
            CountDownLatch goEcho = new CountDownLatch(1);
            CountDownLatch serversDone = new CountDownLatch(N);
            Thread acceptor = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < N; i++) {
                    try {
                        UtpStream s = listener.accept();
                        Thread.ofVirtual().start(() -> echo(s, failures, serversDone));
                    } catch (IOException e) {
                        failures.add(e);
                        return;
                    }
                }
            });
            // At most 500 handshakes in flight: a client that writes first confirms its connection
            // within a round trip, so the listener's default 1000-connection SYN backlog holds.
            Semaphore handshakes = new Semaphore(500);
            List<Thread> clients = new ArrayList<>();
            AtomicInteger verified = new AtomicInteger();
            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                int id = i;
                handshakes.acquire();
                clients.add(Thread.ofVirtual().start(() -> {
                    byte[] data = pattern(id);
                    try (UtpStream s = client.connect(server.localAddress())) {
                        s.getOutputStream().write(data, 0, 16);   // confirms the connection at the listener
                        handshakes.release();
                        allOpen.countDown();
                        goEcho.await();
                        s.getOutputStream().write(data, 16, BYTES - 16);
                        s.shutdownOutput();
                        byte[] back = s.getInputStream().readAllBytes();
                        if (Arrays.equals(data, back)) {
                            verified.incrementAndGet();
                        } else {
                            failures.add(new AssertionError("connection " + id + ": " + back.length + " bytes, not the same"));
                        }
                    } catch (Exception e) {
                        handshakes.release();
                        allOpen.countDown();
                        failures.add(new IOException("client " + id + ": " + e, e));
                    }
                }));
            }
            assertTrue(allOpen.await(120, TimeUnit.SECONDS), "connections open: " + (N - allOpen.getCount()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long heapOpen = usedHeapAfterGc();
            System.out.printf("%d connections open at once in %.2f s: %.0f handshakes/s; heap %d bytes per idle connection (both ends: "
                    + "two streams, two engine connections)%n", N, seconds, N / seconds, (heapOpen - heapBefore) / N);
            goEcho.countDown();
            long echoStart = System.nanoTime();
            try {
                long deadline = echoStart + TimeUnit.SECONDS.toNanos(180);
                for (Thread t : clients) {
                    t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                }
                assertTrue(serversDone.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS),
                        "server echoes unfinished: " + serversDone.getCount());
                acceptor.join(Duration.ofSeconds(10));
            } finally {
                System.out.printf("echo phase %.1f s; verified %d; failures %d; unfinished clients %d%n",
                        (System.nanoTime() - echoStart) / 1e9, verified.get(), failures.size(),
                        clients.stream().filter(Thread::isAlive).count());
                System.out.println("server " + server.countersSummary() + " kernelDrops=" + kernelDrops(server.localAddress().getPort()));
                System.out.println("client " + client.countersSummary() + " kernelDrops=" + kernelDrops(client.localAddress().getPort()));
                failures.stream().collect(java.util.stream.Collectors.groupingBy(
                        t -> t.getMessage().replaceAll("\\d+", "#"), java.util.stream.Collectors.counting()))
                        .forEach((k, v) -> System.out.println(v + " x " + k));
            }
            assertEquals(List.of(), failures.stream().limit(5).map(Throwable::toString).toList(), failures.size() + " failures");
            assertEquals(N, verified.get());
        }
    }

    private static void echo(UtpStream s, ConcurrentLinkedQueue<Throwable> failures, CountDownLatch done) {
        try (s) {
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            s.getOutputStream().write(all);
            s.shutdownOutput();
        } catch (IOException e) {
            failures.add(new IOException("server: " + e, e));
        } finally {
            done.countDown();
        }
    }

    private static byte[] pattern(int id) {
        byte[] b = new byte[BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (id * 31 + i * 7);
        }
        return b;
    }

    /** Datagrams the kernel dropped for the UDP socket on {@code port} (Linux /proc/net/udp), -1 if unknown. */
    static long kernelDrops(int port) {
        try {
            String suffix = String.format(":%04X", port);
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/udp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 12 && f[1].endsWith(suffix)) {
                    return Long.parseLong(f[f.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
