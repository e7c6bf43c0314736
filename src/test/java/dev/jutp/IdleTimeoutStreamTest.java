package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link UtpOptions#withIdleTimeout}: a stream whose peer vanishes without a FIN or RST (a raw
 * peer that handshakes, sends 100 bytes, then goes silent) fails with "connection timed out" once
 * nothing came for the timeout, instead of waiting forever. On the virtual network, so the bound is
 * exact and nothing can block.
 */
class IdleTimeoutStreamTest {
    @Test
    void aStreamWhosePeerVanishedFailsAfterTheIdleTimeout() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> UtpOptions.defaults().withIdleTimeout(Duration.ofSeconds(-1)));
        assertEquals(Duration.ZERO, UtpOptions.defaults().idleTimeout(), "off by default");
        UtpOptions o = UtpOptions.defaults().withIdleTimeout(Duration.ofSeconds(5));
        try (VirtualStreamNet net = new VirtualStreamNet(31)) {
            VirtualStreamNet.Host host = net.host(1, 5000, o);
            VirtualStreamNet.RawHost peer = net.raw(2, 6000);
            UtpListener listener = host.endpoint.listen();
            peer.send(RogueSenderTest.packet(4, 0x2222, 500, 0, 0, 0), host.addr);
            assertTrue(net.runUntil(() -> RogueSenderTest.synAckSeq(peer) >= 0, 1_000), "no SYN-ACK");
            int theirSeq = RogueSenderTest.synAckSeq(peer);
            peer.send(RogueSenderTest.packet(0, 0x2223, 501, theirSeq - 1, 100, 7), host.addr);
            net.run(100);
            UtpStream s = listener.poll();
            assertTrue(s != null, "accepted");
            InputStream input = s.getInputStream();
            assertEquals(100, input.readNBytes(100).length);
            long silentSince = net.nowMillis() - 90;      // the data arrived 10 ms after it was sent
            assertTrue(net.runUntil(() -> !s.isConnected(), 60_000), "the stream fails");
            long after = net.nowMillis() - silentSince;
            assertTrue(after >= 5_000 && after <= 5_000 + 1_100, "after the idle timeout (+ up to 1 s): " + after + " ms");
            // A SocketException, not the read timeout's SocketTimeoutException (an InterruptedIOException).
            SocketException e = assertThrows(SocketException.class, input::read);
            assertEquals("connection timed out", e.getMessage());
        }
    }
}
