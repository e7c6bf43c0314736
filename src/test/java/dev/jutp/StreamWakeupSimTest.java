package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * How often the application threads of a bulk transfer are woken, on the virtual network: a
 * blocked writer once a quarter of its send buffer is free (not at every acknowledgement), a
 * blocked reader at most once per I/O pass (not at every datagram). Each wake-up costs a context
 * switch, and on a machine whose cores are busy, a wait for a core (bench/README.md: utpcat).
 */
class StreamWakeupSimTest {
    private static final int BUFFER = 1 << 20;
    private static final int SIZE = 8 << 20;

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7 + (i >>> 10));
        }
        return b;
    }

    @Test
    void aBulkTransferWakesTheWriterPerQuarterBufferAndTheReaderAtMostOncePerPass() throws Exception {
        UtpOptions o = UtpOptions.defaults().withSendBufferBytes(BUFFER).withReceiveBufferBytes(BUFFER);
        try (VirtualStreamNet net = new VirtualStreamNet(17)) {
            net.latencyNanos = TimeUnit.MILLISECONDS.toNanos(5);
            VirtualStreamNet.Host a = net.host(1, 5000, o);
            VirtualStreamNet.Host b = net.host(2, 6000, o);
            UtpListener l = b.endpoint.listen();
            UtpStream client = a.endpoint.startConnect(b.addr);
            AtomicReference<UtpStream> accepted = new AtomicReference<>();
            assertTrue(net.runUntil(() -> client.isConnected()
                    && accepted.updateAndGet(s -> s != null ? s : l.poll()) != null, 5_000), "handshake");
            UtpStream server = accepted.get();

            byte[] data = pattern(SIZE);
            CompletableFuture<Throwable> written = new CompletableFuture<>();
            net.app(() -> {
                try {
                    client.getOutputStream().write(data);      // one call: blocks until all is taken
                    client.shutdownOutput();
                    written.complete(null);
                } catch (Throwable t) {
                    written.complete(t);
                }
            });
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            CompletableFuture<Throwable> read = new CompletableFuture<>();
            net.app(() -> {
                try (InputStream in = server.getInputStream()) {
                    byte[] buf = new byte[256 * 1024];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        got.write(buf, 0, n);
                    }
                    read.complete(null);
                } catch (IOException | RuntimeException e) {
                    read.complete(e);
                }
            });
            long passesBefore = b.passes;
            long datagramsBefore = b.datagramsIn;
            assertTrue(net.runUntil(read::isDone, 120_000), "transfer finished; got " + got.size());
            assertEquals(null, written.getNow(null));
            assertEquals(null, read.getNow(null));
            assertArrayEquals(data, got.toByteArray());

            long writerWaits = client.core().wakeCounts().writerWaits();
            long readerWakeups = server.core().wakeCounts().readerWakeups();
            long receiverPasses = b.passes - passesBefore;
            long datagrams = b.datagramsIn - datagramsBefore;
            // 8 MiB through a 1 MiB buffer refilled a quarter at a time: 20 waits measured. Woken as
            // soon as any room was free, the writer waited 73 times.
            assertTrue(writerWaits <= SIZE / (BUFFER / 4) + 4, "writer waits " + writerWaits);
            assertTrue(writerWaits >= 1, "the 1 MiB buffer must have filled");
            // Woken per datagram, the reader would be signalled once per datagram that found it waiting.
            String counts = "reader wake-ups " + readerWakeups + ", receiver passes " + receiverPasses + ", datagrams "
                    + datagrams;
            assertTrue(readerWakeups <= receiverPasses + SIZE / (64 * 1024), counts);   // one a pass, or per 64 KiB
            assertTrue(readerWakeups * 3 < datagrams, counts);
            System.out.println(counts + ", writer waits " + writerWaits);
        }
    }
}
