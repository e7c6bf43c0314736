package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
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

    /** The SYN-ACK's seq_nr among what {@code rogue} received, or -1. */
    static int synAckSeq(VirtualStreamNet.RawHost rogue) {
        for (byte[] d : rogue.inbox) {
            if ((d[0] >> 4) == 2) {
                return ByteBuffer.wrap(d).getShort(16) & 0xFFFF;
            }
        }
        return -1;
    }

    /** The highest ack_nr in the STATE packets {@code rogue} received, counting from {@code highest}. */
    static int highestAck(VirtualStreamNet.RawHost rogue, int highest) {
        for (byte[] d : rogue.inbox) {
            if ((d[0] >> 4) == 2) {
                int ack = ByteBuffer.wrap(d).getShort(18) & 0xFFFF;
                if (((ack - highest) & 0xFFFF) < 0x8000) {
                    highest = ack;
                }
            }
        }
        return highest;
    }

    /** On the virtual network: the rogue's 2 MB arrive in one burst, and the acks are read once all settled. */
    @Test
    void peerIgnoringTheWindowCannotGrowTheStreamBuffer() throws Exception {
        UtpOptions o = UtpOptions.defaults().withReceiveBufferBytes(RECEIVE_BUFFER);
        try (VirtualStreamNet net = new VirtualStreamNet(21)) {
            VirtualStreamNet.Host host = net.host(1, 5000, o);
            VirtualStreamNet.RawHost rogue = net.raw(2, 6000);
            UtpListener listener = host.endpoint.listen();
            int recvId = 0x1234, isn = 100;
            rogue.send(packet(4, recvId, isn, 0, 0, 0), host.addr);
            assertTrue(net.runUntil(() -> synAckSeq(rogue) >= 0, 1_000), "no SYN-ACK");
            int theirSeq = synAckSeq(rogue);
            for (int k = 1; k <= PACKETS; k++) {
                rogue.send(packet(0, recvId + 1, isn + k, theirSeq - 1, PAYLOAD, k), host.addr);
            }
            net.run(1_000);
            UtpStream stream = listener.poll();
            assertTrue(stream != null, "accepted");

            long held = stream.core().unreadBytes();
            assertTrue(held <= RECEIVE_BUFFER + SLACK, "stream holds " + held + " bytes");
            assertTrue(held >= RECEIVE_BUFFER / 2, "the window's worth was taken: " + held);
            int accepted = (int) (held / PAYLOAD);
            assertEquals(isn + accepted, highestAck(rogue, isn), "acked exactly what was kept");

            // The application reads what was kept: packets 1..accepted, in order, intact.
            InputStream input = stream.getInputStream();
            byte[] got = input.readNBytes(accepted * PAYLOAD);
            for (int k = 1; k <= accepted; k++) {
                byte[] expected = new byte[PAYLOAD];
                Arrays.fill(expected, (byte) k);
                assertTrue(Arrays.equals(expected, 0, PAYLOAD, got, (k - 1) * PAYLOAD, k * PAYLOAD), "packet " + k);
            }
        }
    }
}
