package dev.jutp.engine.cc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ClockDriftTest {
    @Test
    void steadyClocksHaveNoDriftAndNoPenalty() {
        ClockDrift d = new ClockDrift();
        d.reset(0);
        for (long t = 0; t <= 60_000; t += 100) {
            d.addSample(50_000, t);
        }
        assertEquals(0, d.drift());
        assertEquals(0, d.penaltyMicros());
    }

    @Test
    void aPeerWhoseDelaysFallFastIsPenalised() {
        ClockDrift d = new ClockDrift();
        d.reset(0);
        int delay = 1_000_000_000;
        for (long t = 0; t <= 120_000; t += 100) {
            d.addSample(delay, t);
            delay -= 10_000;                // −500 ms per 5 s: far beyond the 200 ms threshold
        }
        assertTrue(d.drift() < -200_000, "drift " + d.drift());
        assertTrue(d.penaltyMicros() > 0);
    }

    @Test
    void slowHonestDriftIsNotPenalised() {
        ClockDrift d = new ClockDrift();
        d.reset(0);
        int delay = 1_000_000;
        for (long t = 0; t <= 120_000; t += 100) {
            d.addSample(delay, t);
            delay -= 10;                    // −0.5 ms per 5 s (100 ppm)
        }
        assertTrue(d.drift() < 0 && d.drift() > -2_000, "drift " + d.drift());
        assertEquals(0, d.penaltyMicros());
    }
}
