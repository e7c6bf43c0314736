package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A peer that ignores the window a stream advertises (it handshakes, then sends 2 MB while the
 * application reads nothing) cannot make the stream buffer more than its receive buffer plus
 * the engine's 16 KiB of slack; what was dropped is not acknowledged, and once the application
 * reads, the stream goes on with the bytes it kept, in order.
 */
class RogueSenderTest {
    static final int RECEIVE_BUFFER = 64 * 1024;
    static final int SLACK = 16 * 1024;
    static final int PAYLOAD = 1000;
    static final int PACKETS = 2_000;

    static ByteBuffer packet(int type, int connId, int seq, int ack, int payloadBytes, int fill) {
        ByteBuffer b = ByteBuffer.allocate(20 + payloadBytes);
        b.put((byte) ((type << 4) | 1)).put((byte) 0).putShort((short) connId);
        b.putInt((int) System.nanoTime()).putInt(0).putInt(1 << 20);
        b.putShort((short) seq).putShort((short) ack);
        for (int i = 0; i < payloadBytes; i++) {
            b.put((byte) fill);
        }
        return b.flip();
    }

    @Test
    void peerIgnoringTheWindowCannotGrowTheStreamBuffer() throws Exception {
        UtpOptions o = UtpOptions.defaults().withReceiveBufferBytes(RECEIVE_BUFFER).withConnectTimeout(Duration.ofSeconds(10));
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UtpEndpoint endpoint = UtpEndpoint.bind(loopback, o);
             DatagramChannel rogue = DatagramChannel.open()) {
            rogue.bind(loopback);
            rogue.configureBlocking(false);
            UtpListener listener = endpoint.listen();
            InetSocketAddress target = endpoint.localAddress();

            int recvId = 0x1234, isn = 100;
            rogue.send(packet(4, recvId, isn, 0, 0, 0), target);
            ByteBuffer in = ByteBuffer.allocate(2048);
            int theirSeq = -1;
            for (int i = 0; i < 1000 && theirSeq < 0; i++) {
                in.clear();
                if (rogue.receive(in) != null && (in.get(0) >> 4) == 2) {
                    theirSeq = in.getShort(16) & 0xFFFF;
                } else {
                    Thread.sleep(5);
                }
            }
            assertTrue(theirSeq >= 0, "no SYN-ACK");
            UtpStream stream = listener.accept(Duration.ofSeconds(10));

            int highestAck = isn;
            for (int k = 1; k <= PACKETS; k++) {
                rogue.send(packet(0, recvId + 1, isn + k, theirSeq - 1, PAYLOAD, k), target);
                if (k % 32 == 0) {
                    Thread.sleep(1);            // keep within the kernel's receive buffer
                }
                highestAck = drainAcks(rogue, in, highestAck);
            }
            for (int i = 0; i < 200; i++) {      // let the I/O thread finish what was queued
                Thread.sleep(5);
                highestAck = drainAcks(rogue, in, highestAck);
            }

            long held = stream.core().unreadBytes();
            assertTrue(held <= RECEIVE_BUFFER + SLACK, "stream holds " + held + " bytes");
            assertTrue(held >= RECEIVE_BUFFER / 2, "the window's worth was taken: " + held);
            int accepted = (int) (held / PAYLOAD);
            assertEquals(isn + accepted, highestAck, "acked exactly what was kept");

            // The application reads what was kept: packets 1..accepted, in order, intact.
            stream.setSoTimeout(5_000);
            InputStream input = stream.getInputStream();
            byte[] got = input.readNBytes(accepted * PAYLOAD);
            for (int k = 1; k <= accepted; k++) {
                byte[] expected = new byte[PAYLOAD];
                Arrays.fill(expected, (byte) k);
                assertTrue(Arrays.equals(expected, 0, PAYLOAD, got, (k - 1) * PAYLOAD, k * PAYLOAD), "packet " + k);
            }
        }
    }

    private static int drainAcks(DatagramChannel rogue, ByteBuffer in, int highest) throws Exception {
        for (int i = 0; i < 10_000; i++) {
            in.clear();
            if (rogue.receive(in) == null) {
                return highest;
            }
            if ((in.get(0) >> 4) == 2) {
                int ack = in.getShort(18) & 0xFFFF;
                if (((ack - highest) & 0xFFFF) < 0x8000) {
                    highest = ack;
                }
            }
        }
        return highest;
    }
}
