package dev.jutp.engine.cc;

import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.engine.cc.LedbatPlusPlus.Phase;
import org.junit.jupiter.api.Test;

class LedbatPlusPlusTest {
    static final int PACKET = 1000;
    static final long RTT = 120_000;            // µs; base = RTT = 2·target, so the gain is 1 unless a test says otherwise

    final AckSample a = new AckSample();
    long nowMicros = 1_000_000_000L;

    LedbatPlusPlusTest() {
        a.packetSize = PACKET;
        a.sndbuf = 1 << 24;
        a.rttMicros = RTT;
        a.baseRttMicros = RTT;
        a.targetMicros = 0;                     // the default, 60 ms
    }

    /** One ack of {@code bytes} with round-trip queuing delay {@code delayMicros}, at the current time. */
    void ack(LedbatPlusPlus l, long bytes, long delayMicros) {
        a.ackedBytes = bytes;
        a.roundTripQueuingMicros = delayMicros;
        a.nowMicros = nowMicros;
        a.nowMillis = nowMicros / 1000;
        a.lastWindowFullMillis = a.nowMillis;   // window-limited: growth allowed
        l.onAck(a);
    }

    /** A controller out of slow start (by delay) with a window of {@code window} bytes. */
    LedbatPlusPlus avoiding(long window) {
        LedbatPlusPlus l = new LedbatPlusPlus((int) window);
        ack(l, PACKET, 50_000);
        assertEquals(Phase.CONGESTION_AVOIDANCE, l.phase());
        assertEquals(window, l.window());
        return l;
    }

    @Test
    void gainIsReducedByTheBaseDelay() {
        assertEquals(1.0, LedbatPlusPlus.gain(60_000, 120_000), "2·target/base = 1");
        assertEquals(1.0, LedbatPlusPlus.gain(60_000, 500_000), "never above 1");
        assertEquals(1.0 / 3, LedbatPlusPlus.gain(60_000, 40_000), 1e-12, "ceil(3)");
        assertEquals(1.0 / 4, LedbatPlusPlus.gain(60_000, 35_000), 1e-12, "ceil(3.43)");
        assertEquals(1.0 / 16, LedbatPlusPlus.gain(60_000, 1_000), 1e-12, "capped at 1/16 on short paths");
        assertEquals(1.0 / 16, LedbatPlusPlus.gain(60_000, 0), 1e-12, "unknown base: the smallest gain");
        assertEquals(1.0 / 2, LedbatPlusPlus.gain(25_000, 25_000), 1e-12, "scales with the target");
    }

    @Test
    void belowTargetTheWindowGrowsByGainPacketsPerRoundTrip() {
        LedbatPlusPlus l = avoiding(20 * PACKET);
        for (int i = 0; i < 20; i++) {
            ack(l, PACKET, 10_000);
        }
        assertEquals(21 * PACKET, l.window(), 50, "gain 1: about one packet per window acknowledged");
        a.baseRttMicros = 15_000;                   // 2·60/15 = 8: gain 1/8
        long before = l.window();
        for (int i = 0; i < 21; i++) {
            ack(l, PACKET, 10_000);
        }
        assertEquals(before + PACKET / 8, l.window(), 10, "gain 1/8");
    }

    @Test
    void slowStartGrowsByGainTimesAckedAndExitsAtThreeQuartersOfTheTarget() {
        LedbatPlusPlus l = new LedbatPlusPlus(4 * PACKET);
        a.baseRttMicros = 30_000;                   // gain 1/4
        ack(l, PACKET, 44_000);                     // below 45 ms
        assertEquals(Phase.SLOW_START, l.phase());
        assertEquals(4 * PACKET + PACKET / 4, l.window());
        ack(l, PACKET, 45_001);                     // above 3/4 of 60 ms
        assertEquals(Phase.CONGESTION_AVOIDANCE, l.phase());
        assertEquals(4 * PACKET + PACKET / 4, l.window(), "leaving slow start keeps the window");
        assertEquals(l.window(), l.ssthresh());
    }

    @Test
    void slowStartAlsoEndsAtSsthresh() {
        LedbatPlusPlus l = new LedbatPlusPlus(PACKET);
        for (int i = 0; i < 40 && l.inSlowStart(); i++) {
            ack(l, l.window(), 0);                  // gain 1: doubles per window
        }
        assertFalse(l.inSlowStart());
        assertEquals(Ledbat.INITIAL_SSTHRESH, l.window());
    }

    @Test
    void aboveTargetTheDecreaseIsMultiplicativeAndCappedAtHalfPerRoundTrip() {
        LedbatPlusPlus l = avoiding(100 * PACKET);
        // delay 1.25 × target: per RTT W += gain·MSS − W·(1.25 − 1) = 1000 − 25000 (−24 %)
        for (int i = 0; i < 100; i++) {
            ack(l, PACKET, 75_000);
        }
        assertTrue(l.window() > 74 * PACKET && l.window() < 78 * PACKET, "about −24 %: " + l.window());
        LedbatPlusPlus m = avoiding(100 * PACKET);
        ack(m, 100 * PACKET, 300_000);              // 5 × target would be −4·W: capped at −W/2
        assertEquals(50 * PACKET, m.window());
        ack(m, 50 * PACKET, 10_000_000);
        assertEquals(25 * PACKET, m.window(), "still at most half per round trip");
    }

    @Test
    void windowNeverFallsBelowTwoPacketsOrAboveTheSendBuffer() {
        LedbatPlusPlus l = avoiding(3 * PACKET);
        for (int i = 0; i < 10; i++) {
            ack(l, 3 * PACKET, 10_000_000);
        }
        assertEquals(2 * PACKET, l.window());
        a.sndbuf = 10 * PACKET;
        LedbatPlusPlus big = new LedbatPlusPlus(9 * PACKET);
        ack(big, 9 * PACKET, 0);
        assertEquals(10 * PACKET, big.window());
    }

    @Test
    void theRoundTripQueueDrivesTheWindowNotTheOneWayDelay() {
        // Both directions through one queue (a shaped loopback, a half-duplex radio): the first
        // packet of a burst finds the queue empty, so its one-way delay reads near zero, while
        // its ack waits behind the burst and the round trip carries the whole queue.
        LedbatPlusPlus l = avoiding(40 * PACKET);
        a.queuingDelayMicros = 500;
        for (int i = 0; i < 40; i++) {
            ack(l, PACKET, 120_000);
        }
        assertTrue(l.window() <= 20 * PACKET, "twice the target on the round trip: at least halved, got " + l.window());
    }

    @Test
    void noGrowthWhenTheSenderWasNotWindowLimited() {
        LedbatPlusPlus l = avoiding(20 * PACKET);
        a.ackedBytes = 20 * PACKET;
        a.roundTripQueuingMicros = 0;
        a.nowMicros = nowMicros;
        a.nowMillis = nowMicros / 1000;
        a.lastWindowFullMillis = a.nowMillis - 1001;
        l.onAck(a);
        assertEquals(20 * PACKET, l.window());
    }

    @Test
    void slowdownScheduleAndWindow() {
        LedbatPlusPlus l = avoiding(40 * PACKET);     // slow start ended now
        long exit = nowMicros;
        assertEquals(exit + 2 * RTT, l.nextSlowdown().at(), "first slowdown two RTTs after slow start");
        nowMicros = exit + 2 * RTT - 1;
        ack(l, PACKET, 0);
        assertEquals(Phase.CONGESTION_AVOIDANCE, l.phase());
        long before = l.window();

        nowMicros = exit + 2 * RTT;
        long start = nowMicros;
        ack(l, PACKET, 0);
        assertEquals(Phase.SLOWDOWN, l.phase());
        assertEquals(2 * PACKET, l.window(), "two packets during the slowdown");
        assertEquals(before, l.ssthresh(), "no queue: the whole window to climb back to");
        assertFalse(l.nextSlowdown().armed());
        nowMicros = start + 2 * RTT - 1;
        ack(l, 2 * PACKET, 0);
        assertEquals(2 * PACKET, l.window(), "held for two RTTs whatever the acks say");

        nowMicros = start + 2 * RTT;
        ack(l, 2 * PACKET, 0);
        assertEquals(Phase.SLOW_START, l.phase(), "then slow start");
        assertEquals(4 * PACKET, l.window(), "an ordinary slow start: the window grows by what was acked");
        for (int i = 0; i < 20 && l.inSlowStart(); i++) {
            nowMicros += RTT;
            ack(l, l.window(), 0);
        }
        assertEquals(Phase.CONGESTION_AVOIDANCE, l.phase());
        assertEquals(before, l.window(), "back to the window before the slowdown");
        long duration = nowMicros - start;
        assertTrue(9 * duration > LedbatPlusPlus.MIN_SLOWDOWN_INTERVAL_MICROS);
        assertEquals(nowMicros + 9 * duration, l.nextSlowdown().at(), "next one 9× the slowdown's duration later");
    }

    @Test
    void aSlowdownGivesUpThreeQuartersOfTheFlowsShareOfTheQueue() {
        LedbatPlusPlus l = avoiding(40 * PACKET);
        nowMicros += 2 * RTT;
        ack(l, PACKET, 40_000);                    // queue 40 ms over a 120 ms base: a quarter of the RTT
        assertEquals(Phase.SLOWDOWN, l.phase());
        assertEquals(40 * PACKET * (1 - 0.75 * 40_000 / 160_000.0), l.ssthresh(), 1.0);

        LedbatPlusPlus bigger = avoiding(80 * PACKET);
        nowMicros += 2 * RTT;
        ack(bigger, PACKET, 40_000);
        assertEquals(2 * (40 * PACKET - l.ssthresh()), 80 * PACKET - bigger.ssthresh(), 2.0,
                "twice the window gives up twice as much: unequal windows converge");
    }

    @Test
    void onAShortPathSlowdownsAreAtLeastASecondApart() {
        a.rttMicros = 2_000;
        a.baseRttMicros = 1_000;
        LedbatPlusPlus l = avoiding(8 * PACKET);
        nowMicros += 2 * 2_000;
        ack(l, PACKET, 0);
        assertEquals(Phase.SLOWDOWN, l.phase());
        nowMicros += 2 * 2_000;
        ack(l, 2 * PACKET, 0);
        assertEquals(1.0 / 16, LedbatPlusPlus.gain(60_000, 1_000));
        assertEquals(4 * PACKET, l.window(), "the climb back doubles per RTT whatever the gain");
        for (int i = 0; i < 20 && l.inSlowStart(); i++) {
            nowMicros += 2_000;
            ack(l, l.window(), 0);
        }
        assertEquals(Phase.CONGESTION_AVOIDANCE, l.phase());
        assertEquals(nowMicros + LedbatPlusPlus.MIN_SLOWDOWN_INTERVAL_MICROS, l.nextSlowdown().at(),
                "9× a few milliseconds would slow the flow down many times a second");
    }

    @Test
    void onlyAQueueAboveTheTargetEndsTheClimbBackEarly() {
        LedbatPlusPlus l = avoiding(40 * PACKET);
        nowMicros += 2 * RTT;
        ack(l, PACKET, 0);
        assertEquals(Phase.SLOWDOWN, l.phase());
        nowMicros += 2 * RTT;
        ack(l, 2 * PACKET, 0);
        ack(l, 2 * PACKET, 50_000);                // another flow's queue at 5/6 of the target
        assertEquals(Phase.SLOW_START, l.phase(), "not ended at 3/4 of the target, as the first slow start is");
        ack(l, 2 * PACKET, 61_000);                // above the target
        assertEquals(Phase.CONGESTION_AVOIDANCE, l.phase());
        assertTrue(l.window() < 40 * PACKET);
        assertTrue(l.nextSlowdown().armed());
    }

    @Test
    void lossHalvesAtMostOncePerRoundTripAndEndsSlowStart() {
        LedbatPlusPlus l = new LedbatPlusPlus(80 * PACKET);
        ack(l, PACKET, 0);
        assertTrue(l.inSlowStart());
        assertTrue(l.onLoss(10_000, 50));
        assertFalse(l.inSlowStart());
        assertTrue(l.nextSlowdown().armed(), "a loss ends slow start like the delay does");
        assertEquals(40 * PACKET, l.window(), PACKET);
        assertFalse(l.onLoss(10_099, 50), "inside 100 ms");
        assertTrue(l.onLoss(10_100, 50));
        assertEquals(20 * PACKET, l.window(), PACKET);
    }

    @Test
    void lossDuringASlowdownLowersTheWindowToClimbBackTo() {
        LedbatPlusPlus l = avoiding(40 * PACKET);
        nowMicros += 2 * RTT;
        ack(l, PACKET, 0);
        assertEquals(Phase.SLOWDOWN, l.phase());
        long target = l.ssthresh();
        assertTrue(l.onLoss(nowMicros / 1000, 100));
        assertEquals(2 * PACKET, l.window());
        assertEquals(target / 2, l.ssthresh());
    }

    @Test
    void timeoutRestartsFromOnePacketWithHalfTheWindowAsSsthresh() {
        LedbatPlusPlus l = avoiding(40 * PACKET);
        l.onTimeout(true, PACKET);
        assertEquals(PACKET, l.window());
        assertEquals(20 * PACKET, l.ssthresh());
        assertEquals(Phase.SLOW_START, l.phase());
        assertFalse(l.nextSlowdown().armed());
        LedbatPlusPlus idle = avoiding(30 * PACKET);
        idle.onTimeout(false, PACKET);
        assertEquals(20 * PACKET, idle.window(), "idle: two thirds, as libutp");
    }

    @Test
    void anExplicitTargetReplacesTheDefault() {
        LedbatPlusPlus l = new LedbatPlusPlus(10 * PACKET);
        a.targetMicros = 200_000;
        ack(l, PACKET, 100_000);                    // under 3/4 of 200 ms
        assertTrue(l.inSlowStart());
        assertEquals(60_000, LedbatPlusPlus.DEFAULT_TARGET_MICROS);
        assertEquals(60_000, CongestionController.defaultTargetMicros(CongestionController.LEDBAT_PLUS_PLUS));
        assertEquals(100_000, CongestionController.defaultTargetMicros(CongestionController.LEDBAT));
    }
}
