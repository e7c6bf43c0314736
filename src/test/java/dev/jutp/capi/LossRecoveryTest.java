package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.capi.ConformanceDataTest.Flight;
import dev.jutp.capi.Harness.Datagram;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * jutp's loss-recovery additions to libutp, one behaviour per test, with forged acks from B
 * (timestamp difference 0, so LEDBAT sees no delay samples and the window moves only where a
 * test makes it): early retransmit, re-resending a fast retransmission that was itself lost, and
 * one packet always allowed in flight. Each test fails if its behaviour is taken out of
 * {@code Connection} (the engine's differences table in docs/congestion.md).
 */
class LossRecoveryTest {

    @Test
    void earlyRetransmitResendsWithFewerThanThreeMarksWhenFewPacketsAreInFlight() {
        try (Harness h = Harness.classicLedbat()) {
            // Three in flight: at most two packets above the hole can be SACKed, so the threshold is 2.
            Flight f = new Flight(h, 0, 3);
            f.injectIntoA(f.stateFromB(f.first - 1, Harness.sack(0)));
            assertTrue(f.resent().isEmpty(), "one mark is not enough with three in flight: " + f.resent());
            f.injectIntoA(f.stateFromB(f.first - 1, Harness.sack(0, 1)));
            assertEquals(List.of(f.first), seqs(f.resent()));
        }
        try (Harness h = Harness.classicLedbat()) {
            // Two in flight: the one packet above the hole is the evidence.
            Flight f = new Flight(h, 0, 2);
            f.injectIntoA(f.stateFromB(f.first - 1, Harness.sack(0)));
            assertEquals(List.of(f.first), seqs(f.resent()));
        }
        try (Harness h = Harness.classicLedbat()) {
            // Eight in flight: libutp's three marks still apply (check35 has the positive case).
            Flight f = new Flight(h, 0, 8);
            f.injectIntoA(f.stateFromB(f.first - 1, Harness.sack(0, 1)));
            assertTrue(f.resent().isEmpty(), f.resent().toString());
        }
    }

    @Test
    void aLostFastRetransmissionIsResentAgainAfterARoundTripOfFurtherSacks() {
        try (Harness h = Harness.classicLedbat()) {
            Flight f = new Flight(h, 0);
            f.injectIntoA(f.stateFromB(f.first - 1, Harness.sack(0, 1, 2)));
            assertEquals(List.of(f.first), seqs(f.resent()), "first fast retransmission");
            // More SACKs at once: the retransmission may still be on its way, so no resend yet.
            f.injectIntoA(f.stateFromB(f.first - 1, Harness.sack(0, 1, 2, 3)));
            assertEquals(1, f.resent().size(), f.resent().toString());
            // 100 ms later (well before the 1 s RTO; no tick runs) two new packets leave and are
            // SACKed a millisecond later, so the RTT stays about a millisecond: the retransmission
            // of F, 101 ms old, has been overtaken by later packets and was lost too.
            h.nowMicros += 100_000;
            int before = h.sentBy(h.sideA).size();
            assertEquals(2 * 1382, utp_write(f.p.a, Harness.bytes(new byte[2 * 1382]), 2 * 1382));
            assertEquals(2, h.sentBy(h.sideA).size() - before, "two new packets sent");
            h.nowMicros += 1_000;
            // The same evidence condemns the three packets after the SACKed ones (F+5..F+7, sent
            // with the flight and never SACKed): RACK resends them too (libutp mode would not).
            f.injectIntoA(f.stateFromB(f.first - 1, Harness.sack(0, 1, 2, 3, 7, 8)));
            assertEquals(List.of(f.first, f.first, f.first + 5, f.first + 6, f.first + 7, f.first + 8, f.first + 9),
                    seqs(f.resent()).stream().sorted().toList(),
                    "F resent again on SACK evidence, not on RTO (besides the two new packets)");
            assertEquals(5, utp_get_stats(f.p.a).rexmit());
        }
    }

    @Test
    void onePacketMayLeaveWhenTheWindowIsBelowAPacketAndNothingIsInFlight() {
        try (Harness h = Harness.classicLedbat()) {
            Flight f = new Flight(h, 0);
            // An RTO sets the window to one packet and restarts slow start.
            h.nowMicros += 3_100_000;
            utp_check_timeouts(h.sideA.ctx);
            assertTrue(utp_get_stats(f.p.a).timeoutRetransmits() > 0, "the RTO fired");
            long packet = f.p.a.connection().congestionWindow();
            // Then B reports 900 ms of queueing delay (three samples fill the min-of-3 filter):
            // the first ack with it ends slow start, the second cuts the window to its floor.
            for (int i = 0; i < 3; i++) {
                f.injectIntoA(stateFromB(f, f.first - 1, 900_000));
            }
            h.nowMicros += 900_000;
            f.injectIntoA(stateFromB(f, f.first, 900_000));
            h.nowMicros += 900_000;
            f.injectIntoA(stateFromB(f, f.first + 1, 900_000));
            long window = f.p.a.connection().congestionWindow();
            assertTrue(window < packet, "window " + window + " below one packet (" + packet + ")");
            // Everything acked without a delay sample: nothing in flight, the window unchanged.
            f.injectIntoA(f.stateFromB(f.first + 7, null));
            assertEquals(0, f.p.a.connection().bytesInFlight());
            assertEquals(window, f.p.a.connection().congestionWindow());
            int before = h.sentBy(h.sideA).size();
            assertEquals(1382, utp_write(f.p.a, Harness.bytes(new byte[1382]), 1382));
            List<Datagram> after = h.sentBy(h.sideA).subList(before, h.sentBy(h.sideA).size());
            assertEquals(1, after.stream().filter(d -> d.type() == 0).count(),
                    "one packet leaves at once instead of waiting for the RTO (libutp's Q37): " + after);
        }
    }

    /** A STATE from B acking {@code ack} that reports A's one-way delay as {@code delayMicros}. */
    static byte[] stateFromB(Flight f, int ack, int delayMicros) {
        int seqB = f.p.h.lastSentBy(f.p.h.sideB).seq();
        return Harness.packet(2, f.p.connFromB, seqB, ack & 0xFFFF, 1 << 20, 1, delayMicros, null, null);
    }

    static List<Integer> seqs(List<Datagram> ds) {
        return ds.stream().map(Datagram::seq).toList();
    }
}
