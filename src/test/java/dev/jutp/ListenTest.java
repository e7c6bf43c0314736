package dev.jutp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
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
        try (DatagramChannel peer = DatagramChannel.open()) {
            peer.bind(loopback);
            peer.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(2048);
            for (int round = 0; round < 20; round++) {
                try (UtpEndpoint endpoint = UtpEndpoint.bind(loopback)) {
                    endpoint.listen();
                    peer.send(RogueSenderTest.packet(4, 0x4000 + round, 1, 0, 0, 0), endpoint.localAddress());
                    boolean answered = false;
                    for (int i = 0; i < 500 && !answered; i++) {      // up to ~2.5 s
                        in.clear();
                        if (peer.receive(in) != null) {
                            answered = (in.get(0) >> 4) == 2 && (in.getShort(2) & 0xFFFF) == 0x4000 + round;
                        } else {
                            Thread.sleep(5);
                        }
                    }
                    assertTrue(answered, "round " + round + ": the SYN was not answered");
                }
            }
        }
    }
}
