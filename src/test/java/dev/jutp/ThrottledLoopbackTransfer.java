package dev.jutp;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One stream transfer from a sender with small socket buffers, run by {@link SendBufferStallTest} inside a
 * network namespace whose loopback is rate-limited by a tbf qdisc: datagrams wait in the qdisc,
 * charged to the sender's socket buffer, so the kernel refuses sends (EAGAIN) as on a slow uplink.
 * Prints one line, {@code ok=<bool> bytes=<n> sendBufferStalls=<n> sendBufferFullDrops=<n> retransmits=<n>}.
 */
public final class ThrottledLoopbackTransfer {
    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int size = Integer.parseInt(args[1]);
        byte[] data = new byte[size];
        new SplittableRandom(29).nextBytes(data);
        UtpOptions o = UtpOptions.defaults().withTransport(transport).withConnectTimeout(Duration.ofSeconds(10));
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // Only the sender's buffers are small: the receiver's window lets far more be in flight.
        try (UtpEndpoint rx = UtpEndpoint.bind(any, o);
             UtpEndpoint tx = UtpEndpoint.bind(any, o.withSocketBufferBytes(16 * 1024));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            UtpListener listener = rx.listen();
            Future<byte[]> received = pool.submit(() -> {
                try (UtpStream s = listener.accept(Duration.ofSeconds(10)); InputStream in = s.getInputStream()) {
                    s.setSoTimeout(60_000);
                    return in.readAllBytes();
                }
            });
            int retransmits;
            try (UtpStream s = tx.connect(rx.localAddress()); OutputStream out = s.getOutputStream()) {
                out.write(data);
                s.shutdownOutput();
                byte[] got = received.get(90, TimeUnit.SECONDS);
                retransmits = s.stats().retransmits();
                System.out.println("ok=" + Arrays.equals(data, got) + " bytes=" + got.length
                        + " sendBufferStalls=" + tx.sendBufferStalls() + " sendBufferFullDrops=" + tx.sendBufferFullDrops()
                        + " retransmits=" + retransmits);
            }
        }
    }
}
