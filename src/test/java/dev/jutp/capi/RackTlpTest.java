package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.LossRecovery;
import dev.jutp.UtpOptions;
import dev.jutp.capi.ConformanceDataTest.Flight;
import dev.jutp.capi.Harness.Datagram;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * JUTP_LOSS_RECOVERY: RACK-TLP (the default) against libutp's rules on the same scripted losses
 * (forged acks from B, virtual time, every DATA from A lost after the flight is sent). Each RACK-TLP
 * assertion is checked against libutp mode in the same test, so taking RACK-TLP out fails it.
 */
class RackTlpTest {

    @Test
    void theOptionDefaultsToRackTlpAndRefusesOtherValues() {
        try (Harness h = new Harness()) {
            assertEquals(JUTP_LOSS_RECOVERY_RACK_TLP, utp_context_get_option(h.sideA.ctx, JUTP_LOSS_RECOVERY));
            assertEquals(0, utp_context_set_option(h.sideA.ctx, JUTP_LOSS_RECOVERY, JUTP_LOSS_RECOVERY_LIBUTP));
            assertEquals(JUTP_LOSS_RECOVERY_LIBUTP, utp_context_get_option(h.sideA.ctx, JUTP_LOSS_RECOVERY));
            assertEquals(-1, utp_context_set_option(h.sideA.ctx, JUTP_LOSS_RECOVERY, 2));
            assertEquals(JUTP_LOSS_RECOVERY_LIBUTP, utp_context_get_option(h.sideA.ctx, JUTP_LOSS_RECOVERY));
        }
        assertEquals(LossRecovery.RACK_TLP, UtpOptions.defaults().lossRecovery());
        assertEquals(LossRecovery.LIBUTP,
                UtpOptions.defaults().withLossRecovery(LossRecovery.LIBUTP).lossRecovery());
    }

    @Test
    void aLostTailIsProbedAfterAboutTwoRttsInsteadOfTheOneSecondRto() {
        long rack = firstResendAfterTailLoss(false);
        long libutp = firstResendAfterTailLoss(true);
        assertTrue(rack < 100, "RACK-TLP probes within 100 ms (RTT ~1 ms), not " + rack + " ms");
        assertTrue(libutp >= 1000, "libutp waits for the RTO: " + libutp + " ms");
    }

    /** Milliseconds from sending three packets (all lost) to A's first retransmission, ticking every 5 ms. */
    private static long firstResendAfterTailLoss(boolean libutpMode) {
        try (Harness h = libutpMode ? new Harness().libutpLossRecovery() : new Harness()) {
            Flight f = new Flight(h, 0, 3);
            long start = h.nowMicros;
            for (int step = 0; step < 1000 && f.resent().isEmpty(); step++) {
                h.nowMicros += 5_000;
                h.tick();
            }
            long firstMillis = (h.nowMicros - start) / 1000;
            List<Datagram> resent = f.resent();
            assertTrue(!resent.isEmpty(), "something is resent within 5 s");
            if (!libutpMode) {
                assertEquals(f.first + 2, resent.get(0).seq(), "the probe is the newest packet");
                // Unanswered, the probes go on with the wait doubled each time (and each one's bytes
                // were in flight already, so the window is not exceeded); no RTO yet.
                List<Long> probeTimes = new java.util.ArrayList<>(List.of(h.nowMicros));
                while (h.nowMicros - start < 900_000) {
                    h.nowMicros += 5_000;
                    h.tick();
                    if (f.resent().size() > probeTimes.size()) {
                        probeTimes.add(h.nowMicros);
                    }
                }
                assertTrue(probeTimes.size() >= 3 && probeTimes.size() <= 7, "probes at " + probeTimes);
                for (int i = 2; i < probeTimes.size(); i++) {
                    long previous = probeTimes.get(i - 1) - probeTimes.get(i - 2);
                    long gap = probeTimes.get(i) - probeTimes.get(i - 1);
                    assertTrue(gap >= 2 * previous - 10_000, "backoff: probes at " + probeTimes);
                }
                assertTrue(f.resent().stream().allMatch(d -> d.seq() == f.first + 2), f.resent().toString());
                assertEquals(probeTimes.size(), utp_get_stats(f.p.a).tailLossProbes());
                assertEquals(0, utp_get_stats(f.p.a).timeoutRetransmits());
            } else {
                assertEquals(0, utp_get_stats(f.p.a).tailLossProbes());
            }
            return firstMillis;
        }
    }

    @Test
    void oneSackOfTheNewestPacketCondemnsTheOlderOnesOnceTheReorderWindowPasses() {
        List<Integer> rack = resentAfterOneSack(false);
        List<Integer> libutp = resentAfterOneSack(true);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), rack, "RACK: every packet sent before the SACKed one");
        assertEquals(List.of(), libutp, "libutp needs three marks");
    }

    /** Offsets from F of what A resends within 20 ms of a SACK for F+7 alone, 20 ms after the flight left. */
    private static List<Integer> resentAfterOneSack(boolean libutpMode) {
        try (Harness h = libutpMode ? new Harness().libutpLossRecovery() : new Harness()) {
            Flight f = new Flight(h, 0, 8);
            h.nowMicros += 20_000;
            f.injectIntoA(f.stateFromB(f.first - 1, Harness.sack(6)));       // bit 6: F-1+2+6 = F+7
            for (int step = 0; step < 4; step++) {
                h.nowMicros += 5_000;
                h.tick();
            }
            if (!libutpMode) {
                assertEquals(7, utp_get_stats(f.p.a).rackRetransmits());
            }
            return f.resent().stream().map(d -> (d.seq() - f.first) & 0xFFFF).sorted().toList();
        }
    }
}
