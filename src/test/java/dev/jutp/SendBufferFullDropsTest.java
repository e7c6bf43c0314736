package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jutp.net.Transports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@link UtpEndpoint#sendBufferFullDrops()}: readable from any thread while the I/O thread sends, never
 * decreasing, and 0 when the kernel refused nothing. On loopback the kernel releases a datagram's
 * send-buffer charge as soon as it hands it to the receiver, so a loopback sender is never refused:
 * the transfer below must complete with the count at 0. (With small buffers loopback drops happen at the
 * receiver's buffer instead, invisible to the sender; uTP recovers them, slowly, so that case is
 * measured by bench/harness.sh, not here.)
 */
class SendBufferFullDropsTest {
    @ParameterizedTest
    @ValueSource(strings = {"nio", "linux"})
    void countIsReadableFromAnyThreadAndZeroWhenNothingWasRefused(String transport) throws Exception {
        assumeTrue(transport.equals("nio") || Transports.linuxSupported(), "linux transport unavailable");
        UtpOptions o = UtpOptions.defaults().withTransport(Transport.fromId(transport)).withConnectTimeout(Duration.ofSeconds(10));
        byte[] data = new byte[2_000_000];
        new Random(6).nextBytes(data);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UtpEndpoint rx = UtpEndpoint.bind(any, o);
             UtpEndpoint tx = UtpEndpoint.bind(any, o);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertEquals(0, tx.sendBufferFullDrops());
            UtpListener listener = rx.listen();
            Future<byte[]> received = pool.submit(() -> {
                try (UtpStream s = listener.accept(Duration.ofSeconds(10)); InputStream in = s.getInputStream()) {
                    s.setSoTimeout(30_000);
                    return in.readAllBytes();
                }
            });
            Future<Long> sampled = pool.submit(() -> { // a foreign thread watching the count
                long last = 0;
                for (int i = 0; i < 2_000 && !received.isDone(); i++) {
                    long now = tx.sendBufferFullDrops();
                    assertTrue(now >= last, "count went down: " + last + " -> " + now);
                    last = now;
                    Thread.sleep(1);
                }
                return last;
            });
            try (UtpStream s = tx.connect(rx.localAddress()); OutputStream out = s.getOutputStream()) {
                out.write(data);
                s.shutdownOutput();
                assertArrayEquals(data, received.get(60, TimeUnit.SECONDS));
            }
            long seen = sampled.get(10, TimeUnit.SECONDS);
            assertEquals(0, seen);
            assertEquals(0, tx.sendBufferFullDrops());
            assertEquals(0, rx.sendBufferFullDrops());
        }
    }
}
