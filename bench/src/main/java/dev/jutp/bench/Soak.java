package dev.jutp.bench;

import dev.jutp.UtpEndpoint;
import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;
import dev.jutp.interop.ImpairingRelay;
import dev.jutp.sim.LinkConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak: many stream-API connections between two endpoints on loopback through a lossy
 * {@link ImpairingRelay}, each worker cycling connections (open, echo a random-sized payload
 * byte-exact, close) for the given time. Prints per interval: connections completed and failed,
 * bytes echoed, heap used after GC, live threads, open connections. Flat heap and thread columns
 * are the result.
 *
 * <p>Arguments (all optional): minutes (5), workers (200), loss (0.02), interval seconds (30).
 */
public final class Soak {
    private static final int MAX_PAYLOAD = 64 << 10;

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        double loss = args.length > 2 ? Double.parseDouble(args[2]) : 0.02;
        int intervalSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;

        UtpOptions options = UtpOptions.defaults().withConnectTimeout(Duration.ofSeconds(20));
        LinkConfig link = LinkConfig.of(5).jitterMillis(2).loss(loss);
        AtomicLong completed = new AtomicLong(), failed = new AtomicLong(), bytes = new AtomicLong();
        AtomicInteger open = new AtomicInteger();
        List<String> firstFailures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (UtpEndpoint server = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), options);
             ImpairingRelay relay = ImpairingRelay.start(server.localAddress(), link, link, 42);
             UtpEndpoint client = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), options)) {
            UtpListener listener = server.listen();
            Thread acceptor = Thread.ofVirtual().start(() -> acceptLoop(listener));
            long end = System.nanoTime() + (long) (minutes * 60e9);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                threads.add(Thread.ofVirtual().start(() -> {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(worker);
                    while (System.nanoTime() < end) {
                        byte[] data = new byte[1 + random.nextInt(MAX_PAYLOAD)];
                        random.nextBytes(data);
                        open.incrementAndGet();
                        try (UtpStream s = client.connect(relay.address())) {
                            Thread writer = Thread.ofVirtual().start(() -> {
                                try {
                                    s.getOutputStream().write(data);
                                    s.shutdownOutput();
                                } catch (IOException e) {
                                    // the reader below sees the same failure
                                }
                            });
                            byte[] back = s.getInputStream().readAllBytes();
                            writer.join();
                            if (!Arrays.equals(data, back)) {
                                throw new IOException("echo differs: " + back.length + " of " + data.length + " bytes");
                            }
                            completed.incrementAndGet();
                            bytes.addAndGet(data.length);
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            if (firstFailures.size() < 5) {
                                firstFailures.add(e.toString());
                            }
                        } finally {
                            open.decrementAndGet();
                        }
                    }
                }));
            }
            System.out.printf("soak: %.1f min, %d workers, loss %.1f %% each way, 5 ms latency, payload 1 B..64 KB%n",
                    minutes, workers, loss * 100);
            System.out.println("  time_s  completed  failed  MB_echoed  heap_MB_after_gc  threads  open");
            long t0 = System.nanoTime();
            print(t0, completed, failed, bytes, open);
            while (System.nanoTime() < end) {
                TimeUnit.MILLISECONDS.sleep(Math.min(intervalSeconds * 1000L,
                        Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
                print(t0, completed, failed, bytes, open);
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(60));
            }
            print(t0, completed, failed, bytes, open);
            acceptor.interrupt();
            System.out.println("relay to server: " + relay.toServerCounters());
            System.out.println("relay to client: " + relay.toClientCounters());
            if (!firstFailures.isEmpty()) {
                System.out.println("first failures: " + firstFailures);
            }
        }
        Thread.sleep(500);
        System.out.printf("after close: heap %.1f MB after GC, %d threads%n", heapAfterGc() / 1e6, liveThreads());
    }

    private static void acceptLoop(UtpListener listener) {
        while (true) {
            UtpStream s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;                     // listener closed with its endpoint
            }
            Thread.ofVirtual().start(() -> {
                try (s) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[16 << 10];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        s.getOutputStream().write(buf, 0, n);
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    // the client counts the failure
                }
            });
        }
    }

    private static void print(long t0, AtomicLong completed, AtomicLong failed, AtomicLong bytes, AtomicInteger open) {
        System.out.printf("  %6.0f  %9d  %6d  %9.1f  %16.1f  %7d  %4d%n", (System.nanoTime() - t0) / 1e9,
                completed.get(), failed.get(), bytes.get() / 1e6, heapAfterGc() / 1e6, liveThreads(), open.get());
    }

    private static long heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /** Platform threads (virtual threads are not listed). */
    private static int liveThreads() {
        return Thread.getAllStackTraces().size();
    }
}
