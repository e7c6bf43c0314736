package dev.jutp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@link UtpStream#write(ByteBuffer)} and {@link UtpStream#read(ByteBuffer)}, the byte[]-free path
 * utpcat copies stdin and stdout through: direct and heap buffers, positions other than 0, chunks
 * that do not divide the rings, so the copies wrap around the ring ends; byte-exact, then EOF.
 */
class StreamByteBufferTest {
    private static final int BYTES = 3 << 20;

    @Test
    void directAndHeapBuffersCarryEveryByteAcrossTheRingEnds() throws Exception {
        byte[] data = new byte[BYTES];
        new SplittableRandom(17).nextBytes(data);
        UtpOptions o = UtpOptions.defaults().withSendBufferBytes(100_000).withReceiveBufferBytes(70_000);
        try (UtpEndpoint server = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), o);
             UtpEndpoint client = UtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0), o)) {
            UtpListener listener = server.listen();
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (UtpStream s = listener.accept(Duration.ofSeconds(30))) {
                    s.setSoTimeout(60_000);
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    ByteBuffer direct = ByteBuffer.allocateDirect(30_011);
                    ByteBuffer heap = ByteBuffer.allocate(20_003);
                    for (int i = 0; ; i++) {
                        ByteBuffer b = i % 2 == 0 ? direct : heap;
                        b.clear().position(7);           // the read fills from the position on
                        int n = s.read(b);
                        if (n < 0) {
                            break;
                        }
                        assertEquals(7 + n, b.position());
                        b.flip().position(7);
                        byte[] chunk = new byte[n];
                        b.get(chunk);
                        got.write(chunk);
                    }
                    assertEquals(0, s.read(ByteBuffer.allocate(0)), "nothing to fill: 0, not EOF");
                    return got.toByteArray();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (UtpStream c = client.connect(server.localAddress())) {
                ByteBuffer direct = ByteBuffer.allocateDirect(50_021);
                for (int off = 0, i = 0; off < BYTES; i++) {
                    int n = Math.min(BYTES - off, 3_001 + (i * 7_919) % 45_000);
                    ByteBuffer b = i % 3 == 0 ? ByteBuffer.wrap(data, off, n) : direct.clear().put(data, off, n).flip();
                    c.write(b);
                    assertFalse(b.hasRemaining(), "write takes every remaining byte");
                    off += n;
                }
                c.shutdownOutput();
                byte[] got = received.get(60, TimeUnit.SECONDS);
                assertEquals(BYTES, got.length);
                assertArrayEquals(data, got);
            }
        }
    }
}
