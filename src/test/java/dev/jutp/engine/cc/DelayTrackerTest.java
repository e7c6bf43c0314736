package dev.jutp.engine.cc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DelayTrackerTest {
    static final int NONE = Integer.MAX_VALUE;

    @Test
    void ourQueuingDelayIsTheEchoedDelayAboveItsBase() {
        DelayTracker t = new DelayTracker();
        t.reset(0);
        t.onPacket(0, 0, 40_000, 0);
        t.onPacket(0, 0, 70_000, 10);
        t.onPacket(0, 0, 65_000, 20);
        t.onPacket(0, 0, 60_000, 30);
        assertEquals(20_000, t.ourDelayMicros(), "min of the last three above the 40 ms base");
        assertEquals(20_000, t.queuingDelayMicros(1_000_000));
        assertEquals(5_000, t.queuingDelayMicros(5_000), "never more than the round trip it is part of");
        assertTrue(t.hasSamples());
    }

    @Test
    void baseIsReMeasuredWhenTheQueueDrains() {
        // A latecomer first sees another flow's standing queue as its base (50 ms); when that flow
        // slows down the queue drains, the base drops to the path's 10 ms and the same 50 ms
        // reading is now 40 ms of queue.
        DelayTracker t = new DelayTracker();
        t.reset(0);
        for (int i = 0; i < 5; i++) {
            t.onPacket(0, 0, 50_000, i);
        }
        assertEquals(0, t.ourDelayMicros(), "the standing queue looks like no queue at all");
        t.onPacket(0, 0, 10_000, 10);
        for (int i = 0; i < 3; i++) {
            t.onPacket(0, 0, 50_000, 20 + i);
        }
        assertEquals(40_000, t.ourDelayMicros());
    }

    @Test
    void theirShrinkingBaseRaisesOursUpTo10Ms() {
        DelayTracker t = new DelayTracker();
        t.reset(0);
        t.onPacket(1_000, 101_000, 40_000, 0);      // their delay 100 ms; our base 40 ms
        t.onPacket(0, 0, 48_000, 1);
        t.onPacket(0, 0, 48_000, 2);
        t.onPacket(0, 0, 48_000, 3);
        assertEquals(8_000, t.ourDelayMicros());
        t.onPacket(2_000, 97_000, NONE, 4);         // their base shrinks by 5 ms: their clock is slower
        t.onPacket(0, 0, 48_000, 5);
        t.onPacket(0, 0, 48_000, 6);
        t.onPacket(0, 0, 48_000, 7);
        assertEquals(3_000, t.ourDelayMicros(), "our base raised by the same 5 ms");
        t.onPacket(3_000, 50_000, NONE, 8);         // 48 ms less: a jump, not skew; not compensated
        t.onPacket(0, 0, 48_000, 9);
        t.onPacket(0, 0, 48_000, 10);
        t.onPacket(0, 0, 48_000, 11);
        assertEquals(3_000, t.ourDelayMicros());
    }

    @Test
    void capByRoundTripMovesOurBaseUp() {
        DelayTracker t = new DelayTracker();
        t.reset(0);
        t.onPacket(0, 0, 10_000, 0);
        for (int i = 1; i <= 3; i++) {
            t.onPacket(0, 0, 90_000, i);
        }
        assertEquals(80_000, t.ourDelayMicros());
        t.capByRoundTrip(30_000);
        for (int i = 4; i <= 6; i++) {
            t.onPacket(0, 0, 90_000, i);
        }
        assertEquals(30_000, t.ourDelayMicros(), "a queue longer than the round trip is a base that moved");
    }

    @Test
    void aZeroMicrosecondDelayIsEchoedAsOne() {
        DelayTracker t = new DelayTracker();
        t.reset(0);
        t.onPacket(5_000, 5_000, NONE, 0);
        assertEquals(1, t.replyMicros());
        t.onPacket(0, 7_000, NONE, 1);
        assertEquals(0, t.replyMicros(), "no timestamp from the peer: nothing to echo");
        t.onPacket(5_000, 7_000, NONE, 2);
        assertEquals(2_000, t.replyMicros());
    }

    @Test
    void baseRoundTripIsTheLeastOfTheLastOneToTwoMinutes() {
        DelayTracker t = new DelayTracker();
        t.reset(0);
        assertEquals(0, t.baseRttMicros(), "unknown before any sample");
        assertEquals(0, t.smoothedRttMicros());
        t.addRoundTrip(20_000, 0);
        t.addRoundTrip(80_000, 1_000);
        assertEquals(20_000, t.baseRttMicros());
        assertEquals(27_500, t.smoothedRttMicros(), "1/8 of the way to 80 ms");
        t.addRoundTrip(50_000, 60_000);             // a new bucket: the 20 ms is still remembered
        assertEquals(20_000, t.baseRttMicros());
        t.addRoundTrip(60_000, 120_000);            // two buckets on: it is forgotten (route change)
        assertEquals(50_000, t.baseRttMicros());
        t.addRoundTrip(0, 130_000);
        t.addRoundTrip(Long.MAX_VALUE, 130_000);
        assertEquals(50_000, t.baseRttMicros(), "no sample: ignored");
    }

    @Test
    void roundTripQueuingIsTheLeastRecentRoundTripAboveTheBase() {
        DelayTracker t = new DelayTracker();
        t.reset(0);
        assertEquals(0, t.roundTripQueuingMicros(), "no sample yet");
        t.addRoundTrip(10_000, 1);                  // the base
        assertEquals(0, t.roundTripQueuingMicros());
        for (long rtt : new long[] {70_000, 60_000, 80_000, 75_000}) {
            t.addRoundTrip(rtt, 2);
        }
        assertEquals(50_000, t.roundTripQueuingMicros(), "least of the last four (60 ms) above the 10 ms base");
        t.addRoundTrip(90_000, 3);
        t.addRoundTrip(85_000, 3);                  // 70 and 60 ms left the last four
        assertEquals(65_000, t.roundTripQueuingMicros());
        t.addRoundTrip(12_000, 4);                  // the queue drained
        assertEquals(2_000, t.roundTripQueuingMicros());
        t.reset(5);
        assertEquals(0, t.roundTripQueuingMicros(), "reset forgets the samples");
    }
}
