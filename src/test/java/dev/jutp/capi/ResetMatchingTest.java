package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.jutp.capi.ConformanceDataTest.Pair;
import dev.jutp.capi.Harness.Datagram;
import org.junit.jupiter.api.Test;

/**
 * Which connection an RST reaches when several share a peer. RSTs name a connection by its receive
 * or its send id, so one id can name two connections; the RST's ack_nr (the seq it answers) tells
 * them apart, and an ack_nr naming none of our recent packets is not an answer to us at all.
 */
class ResetMatchingTest {

    private static long errorsOf(Harness.Side side, UtpSocket s) {
        return side.events.stream().filter(e -> e.type() == UTP_ON_ERROR && e.socket() == s).count();
    }

    @Test
    void rstNamingTwoConnectionsReachesTheOneWhoseSeqItAnswers() {
        try (Harness h = new Harness()) {
            h.sideA.acceptConnections();
            UtpSocket outgoing = h.connect();                 // A: recv x, send x+1
            Datagram syn = h.sentBy(h.sideA).get(0);
            int x = syn.connId();
            // B opens a connection to A with id x: A's side of it has recv x+1 and send x.
            h.inject(h.sideA, Harness.packet(4, x, 777, 0, 1 << 20, 0, 0, null, null), Harness.ADDR_B);
            assertEquals(1, h.sideA.accepted.size());
            UtpSocket incoming = h.sideA.accepted.get(0);
            int synAckSeq = h.lastSentBy(h.sideA).seq();

            // Id x is the outgoing connection's recv id and the incoming one's send id.
            h.inject(h.sideA, Harness.packet(3, x, 1, synAckSeq, 0, 0, 0, null, null), Harness.ADDR_B);
            assertEquals(1, errorsOf(h.sideA, incoming));
            assertEquals(0, errorsOf(h.sideA, outgoing));

            h.inject(h.sideA, Harness.packet(3, x, 1, syn.seq(), 0, 0, 0, null, null), Harness.ADDR_B);
            assertEquals(1, errorsOf(h.sideA, outgoing));
            assertEquals(1, errorsOf(h.sideA, incoming));
        }
    }

    @Test
    void rstWhoseAckNamesNoRecentPacketIsIgnoredAndCounted() {
        try (Harness h = new Harness()) {
            Pair p = new Pair(h);
            UtpContextStats stats = utp_get_context_stats(h.sideA.ctx);
            h.inject(h.sideA, Harness.packet(3, p.connFromB, 1, (p.isnA + 30_000) & 0xFFFF, 0, 0, 0, null, null), Harness.ADDR_B);
            assertEquals(0, h.sideA.count(UTP_ON_ERROR));
            assertEquals(1, stats.resetsIgnored());

            byte[] msg = "still here".getBytes();
            assertEquals(msg.length, utp_write(p.a, Harness.bytes(msg), msg.length));
            h.deliver();
            assertEquals("still here", h.sideB.received.toString());

            // The same RST answering the packet just sent is accepted.
            int lastSeq = h.lastSentBy(h.sideA).seq();
            h.inject(h.sideA, Harness.packet(3, p.connFromB, 1, lastSeq, 0, 0, 0, null, null), Harness.ADDR_B);
            assertEquals(1, h.sideA.count(UTP_ON_ERROR, UTP_ECONNRESET));
        }
    }

    @Test
    void newConnectionsAvoidIdsNextToExistingOnesToTheSamePeer() {
        try (Harness h = new Harness()) {
            int s = 0x1234;
            h.scriptedRandom.add((long) s);
            h.scriptedRandom.add(100L);                       // ISN
            UtpSocket first = h.connect();
            // Each of these would share an id with the first connection (recv s, send s+1).
            h.scriptedRandom.add((long) s + 1);
            h.scriptedRandom.add((long) s - 1);
            h.scriptedRandom.add((long) s);
            h.scriptedRandom.add((long) s + 500);
            h.scriptedRandom.add(200L);                       // ISN
            UtpSocket second = utp_create_socket(h.sideA.ctx);
            assertEquals(0, utp_connect(second, Harness.ADDR_B));
            Datagram syn2 = h.lastSentBy(h.sideA);
            assertEquals(s + 500, syn2.connId());
            assertNotEquals(first, second);
        }
    }
}
