package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.engine.Invariants;
import dev.jutp.wire.Seq;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Wraparound (the README's "Wraparound"): sequence numbers across several 65,536 wraps under
 * loss and reordering, the microsecond clock crossing 2^32 (and a callback that itself wraps at
 * 2^32) with jumps forward and back, and connection id 0xFFFF, whose send id wraps to 0.
 */
class WraparoundTest {
    /** Loses and reorders datagrams in both directions with a seeded source. */
    static void impair(Harness h, long seed, double loss, double reorder) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Harness.Datagram> held = new ArrayList<>();
        h.globalDrop = d -> {
            double x = r.nextDouble();
            if (x < loss) {
                return true;
            }
            if (x < loss + reorder && held.size() < 8) {
                held.add(d);                // overtaken by the next datagram
                return true;
            }
            h.network.add(d);
            h.network.addAll(held);
            held.clear();
            return true;                    // already queued, in the new order
        };
    }

    @Test
    void sequenceNumbersWrapThreeTimesUnderLossAndReorder() {
        try (Harness h = new Harness(41)) {
            h.scriptedRandom.add(0xFFFFL);      // A's connection id
            h.scriptedRandom.add(0xFFF0L);      // A's ISN: the first wrap comes after 16 packets
            h.scriptedRandom.add(0xFFFAL);      // B's ISN
            for (Harness.Side s : new Harness.Side[] {h.sideA, h.sideB}) {
                utp_set_callback(s.ctx, UTP_GET_UDP_MTU, a -> 64);   // 44-byte payloads: many packets per MB
            }
            int packets = 3 * 65_536 + 10_000;
            LiveTransfer x = new LiveTransfer(h, packets * 44, 17, packets * 44);
            assertEquals(0xFFF0, h.sent.get(0).seq(), "SYN at the scripted ISN");
            impair(h, 5, 0.01, 0.01);
            x.finishExact(3_600_000);
            int sent = x.connA().stats().packetsSent;
            assertTrue(sent >= packets, "packets sent " + sent);
            assertTrue(x.connA().stats().fastRetransmits > 100, "loss was recovered by SACK");
            assertTrue(x.connB().stats().payloadBytesDelivered == x.data.length);
            System.out.printf("seq wrap: %d packets sent (%d wraps), %d fast retransmits, %d RTO retransmits%n",
                    sent, (0xFFF0 + sent) / 65_536, x.connA().stats().fastRetransmits, x.connA().stats().timeoutRetransmits);
        }
    }

    @Test
    void microsecondClockCrossingTwoToTheThirtyTwoAndJumping() {
        try (Harness h = new Harness(42)) {
            h.nowMicros = (1L << 32) - 3_000_000;     // wire timestamps wrap 3 s in
            LiveTransfer x = new LiveTransfer(h, 4 << 20, 18, 64 * 1024);
            for (int i = 0; i < 400; i++) {
                x.step(20);
                x.checkInvariants();
                if (i == 100) {
                    h.nowMicros += 1_000_000;         // jump forward 1 s
                } else if (i == 200) {
                    h.nowMicros -= 1_000_000;         // and back 1 s
                }
            }
            assertTrue(h.nowMicros > (1L << 32), "the clock crossed 2^32");
            x.finishExact(120_000);
            assertTrue(x.connA().congestionWindow() > 2 * 1382, "window collapsed: " + x.connA().congestionWindow());
        }
    }

    @Test
    void microsecondCallbackThatItselfWrapsAtTwoToTheThirtyTwo() {
        try (Harness h = new Harness(43)) {
            h.nowMicros = (1L << 32) - 100_000;     // the callback wraps to 0 100 ms in
            for (Harness.Side s : new Harness.Side[] {h.sideA, h.sideB}) {
                utp_set_callback(s.ctx, UTP_GET_MICROSECONDS, a -> h.nowMicros & 0xFFFF_FFFFL);  // a 32-bit µs counter
            }
            LiveTransfer x = new LiveTransfer(h, 2 << 20, 19, 32 * 1024);
            x.finishExact(120_000);
            assertTrue(h.nowMicros > (1L << 32), "the callback wrapped");
            assertTrue(x.connA().rttMillis() >= 0 && x.connA().rttMillis() < 1000, "rtt " + x.connA().rttMillis());
        }
    }

    @Test
    void connectionIdFfffEndToEnd() {
        try (Harness h = new Harness(44)) {
            h.scriptedRandom.add(0xFFFFL);
            LiveTransfer x = new LiveTransfer(h, 512 * 1024, 20);
            assertEquals(0xFFFF, x.connA().recvId());
            assertEquals(0x0000, x.connA().sendId());
            assertEquals(0x0000, x.connB().recvId());
            assertEquals(0xFFFF, x.connB().sendId());
            x.finishExact(60_000);
            // B answers A's next packet with an RST carrying id 0 once it has lost the connection
            byte[] msg = "late".getBytes();
            utp_write(x.a, Harness.bytes(msg), msg.length);
            Harness.Datagram late = h.lastSentBy(h.sideA);
            assertEquals(0, late.connId());
            h.network.clear();
            h.inject(h.sideA, Harness.resetAnswering(late), Harness.ADDR_B);
            assertEquals(1, h.sideA.count(UTP_ON_ERROR, UTP_ECONNRESET));
            assertEquals(Seq.add(0xFFFF, 1), x.connA().sendId());
        }
    }
}
