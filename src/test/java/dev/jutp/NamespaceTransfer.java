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
 * One stream transfer over loopback, run in a child JVM inside a network namespace whose
 * loopback a test shaped ({@link SendBufferStallTest}, {@link PathMtuBlackHoleTest}). Arguments:
 * transport, bytes, the sender's socket buffer size (0: default). Prints one line,
 * {@code ok=<bool> bytes=<n> sendBufferStalls=<n> sendBufferFullDrops=<n> retransmits=<n> mtu=<n>}.
 */
public final class NamespaceTransfer {
    private NamespaceTransfer() {
    }

    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int size = Integer.parseInt(args[1]);
        int senderSocketBuffer = Integer.parseInt(args[2]);
        byte[] data = new byte[size];
        new SplittableRandom(29).nextBytes(data);
        UtpOptions o = UtpOptions.defaults().withTransport(Transport.fromId(transport)).withConnectTimeout(Duration.ofSeconds(10));
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UtpEndpoint rx = UtpEndpoint.bind(any, o);
             UtpEndpoint tx = UtpEndpoint.bind(any, senderSocketBuffer > 0 ? o.withSocketBufferBytes(senderSocketBuffer) : o);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            UtpListener listener = rx.listen();
            Future<byte[]> received = pool.submit(() -> {
                try (UtpStream s = listener.accept(Duration.ofSeconds(10)); InputStream in = s.getInputStream()) {
                    s.setSoTimeout(60_000);
                    return in.readAllBytes();
                }
            });
            try (UtpStream s = tx.connect(rx.localAddress()); OutputStream out = s.getOutputStream()) {
                out.write(data);
                s.shutdownOutput();
                byte[] got = received.get(90, TimeUnit.SECONDS);
                UtpStreamStats st = s.stats();
                System.out.println("ok=" + Arrays.equals(data, got) + " bytes=" + got.length
                        + " sendBufferStalls=" + tx.sendBufferStalls() + " sendBufferFullDrops=" + tx.sendBufferFullDrops()
                        + " retransmits=" + st.retransmits() + " mtu=" + st.mtu());
            }
        }
    }
}
