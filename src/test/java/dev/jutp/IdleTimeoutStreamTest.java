package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link UtpOptions#withIdleTimeout}: a stream whose peer vanishes without a FIN or RST (a raw
 * socket that handshakes, sends 100 bytes, then goes silent) fails its blocked read with
 * "connection timed out" once nothing came for the timeout, instead of waiting forever.
 */
class IdleTimeoutStreamTest {
    @Test
    void aReadFromAVanishedPeerFailsAfterTheIdleTimeout() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> UtpOptions.defaults().withIdleTimeout(Duration.ofSeconds(-1)));
        assertEquals(Duration.ZERO, UtpOptions.defaults().idleTimeout(), "off by default");
        UtpOptions o = UtpOptions.defaults().withIdleTimeout(Duration.ofSeconds(1));
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UtpEndpoint endpoint = UtpEndpoint.bind(loopback, o);
             DatagramChannel peer = DatagramChannel.open()) {
            peer.bind(loopback);
            UtpListener listener = endpoint.listen();
            peer.send(RogueSenderTest.packet(4, 0x2222, 500, 0, 0, 0), endpoint.localAddress());
            ByteBuffer in = ByteBuffer.allocate(2048);
            peer.receive(in);                               // the SYN-ACK (blocking channel)
            int theirSeq = in.getShort(16) & 0xFFFF;
            peer.send(RogueSenderTest.packet(0, 0x2223, 501, theirSeq - 1, 100, 7), endpoint.localAddress());
            try (UtpStream s = listener.accept(Duration.ofSeconds(10))) {
                s.setSoTimeout(20_000);
                InputStream input = s.getInputStream();
                assertEquals(100, input.readNBytes(100).length);
                // A SocketException, not the read timeout's SocketTimeoutException (an InterruptedIOException).
                SocketException e = assertThrows(SocketException.class, input::read);
                assertEquals("connection timed out", e.getMessage());
            }
        }
    }
}
