package dev.jutp.bench;

import dev.jutp.Transport;
import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end loopback throughput of the stream API, jutp to jutp in one JVM, per transport: one
 * sender writes N bytes in 64 KiB writes, one receiver reads them; MB/s is N / (first connect to
 * receiver EOF), CPU-s/GB is the whole process's CPU time (both endpoints, both I/O threads) per
 * 10^9 bytes.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes
 * dev.jutp.bench.LoopbackThroughput [bytes=1e9] [transports=nio,linux] [rounds=3] [socketBufferBytes]}
 * (socketBufferBytes: SO_RCVBUF/SO_SNDBUF to request, 0 = the kernel's defaults; default: UtpOptions')
 */
public final class LoopbackThroughput {
    public static void main(String[] args) throws Exception {
        long bytes = args.length > 0 ? (long) Double.parseDouble(args[0]) : 1_000_000_000L;
        List<String> transports = List.of((args.length > 1 ? args[1] : "nio,linux").split(","));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int socketBuffer = args.length > 3 ? Integer.parseInt(args[3]) : -1;
        for (int r = 0; r < rounds; r++) {
            for (String t : transports) {
                long cpu0 = cpuNanos();
                long t0 = System.nanoTime();
                long got = run(t, bytes, socketBuffer);
                long nanos = System.nanoTime() - t0;
                long cpu = cpuNanos() - cpu0;
                System.out.printf("round %d transport %-5s bytes %d  %.1f MB/s  %.2f CPU-s/GB%n", r, t, got,
                        got / 1e6 / (nanos / 1e9), cpu / 1e9 / (got / 1e9));
            }
        }
    }

    static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
    }

    static long run(String transport, long bytes, int socketBuffer) throws Exception {
        UtpOptions o = UtpOptions.defaults().withTransport(Transport.fromId(transport)).withConnectTimeout(Duration.ofSeconds(10));
        if (socketBuffer >= 0) {
            o = o.withSocketBufferBytes(socketBuffer);
        }
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UtpListener l = UtpListener.bind(any, o);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> received = pool.submit(() -> {
                try (UtpStream s = l.accept(Duration.ofSeconds(10))) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[1 << 16];
                    long total = 0;
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        total += n;
                    }
                    return total;
                }
            });
            try (UtpStream s = UtpStream.connect(l.localAddress(), o)) {
                OutputStream out = s.getOutputStream();
                byte[] chunk = new byte[1 << 16];
                for (long left = bytes; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
                s.shutdownOutput();
                return received.get(600, TimeUnit.SECONDS);
            }
        }
    }
}
