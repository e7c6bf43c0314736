package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link UtpEndpoint#listen()} takes effect before it returns: a SYN sent right after it is
 * answered. (It used to queue the switch to the I/O thread, so such a SYN could be ignored and a
 * real peer lost 3 s to its SYN retransmission.) The SYN here is sent once, never retransmitted.
 */
class ListenTest {
    @Test
    void aSynSentRightAfterListenReturnsIsAnswered() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (DatagramSocket peer = new DatagramSocket(loopback)) {
            peer.setSoTimeout(5_000);      // a SYN-ACK is due within a loopback trip; this bounds the wait
            byte[] in = new byte[2048];
            DatagramPacket reply = new DatagramPacket(in, in.length);
            for (int round = 0; round < 20; round++) {
                try (UtpEndpoint endpoint = UtpEndpoint.bind(loopback)) {
                    endpoint.listen();
                    ByteBuffer syn = RogueSenderTest.packet(4, 0x4000 + round, 1, 0, 0, 0);
                    peer.send(new DatagramPacket(syn.array(), syn.arrayOffset() + syn.position(), syn.remaining(),
                            endpoint.localAddress()));
                    boolean answered = false;
                    // Waits for the answer (a timeout fails the test); skips stray datagrams, at most 100.
                    for (int i = 0; i < 100 && !answered; i++) {
                        reply.setLength(in.length);
                        try {
                            peer.receive(reply);
                        } catch (SocketTimeoutException e) {
                            break;
                        }
                        ByteBuffer b = ByteBuffer.wrap(in, 0, reply.getLength());
                        answered = reply.getSocketAddress().equals(endpoint.localAddress())
                                && (b.get(0) >> 4) == 2 && (b.getShort(2) & 0xFFFF) == 0x4000 + round;
                    }
                    assertTrue(answered, "round " + round + ": the SYN was not answered");
                }
            }
        }
    }
}
