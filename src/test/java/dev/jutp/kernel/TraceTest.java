package dev.jutp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The figures the congestion harness draws from a run: shares, added delay, Jain's index, rates. */
class TraceTest {
    private static final Scenario PAIR = new Scenario("pair", Shape.MBIT_20, List.of(
            new Scenario.Flow("a", FlowKind.JUTP_LEDBAT_PLUS_PLUS, 0), new Scenario.Flow("b", FlowKind.TCP_CUBIC, 2)), 4, 2, 4);

    /** Flow a: 15 Mbit/s throughout; b: nothing until it starts at 2 s, then 5 Mbit/s. Pings: 0.05 ms unloaded. */
    private static Trace trace() {
        double aPerSecond = 15e6 / 8;
        double bPerSecond = 5e6 / 8;
        return new Trace(PAIR, 0.05,
                List.of(new Trace.Point(0.5, 10.05), new Trace.Point(2.5, 40.05), new Trace.Point(3, 60.05),
                        new Trace.Point(3.5, 80.05)),
                Map.of("a", List.of(new Trace.Point(1, aPerSecond), new Trace.Point(4, 4 * aPerSecond)),
                        "b", List.of(new Trace.Point(2, 0), new Trace.Point(3, bPerSecond), new Trace.Point(4, 2 * bPerSecond))));
    }

    @Test
    void sharesAreOfTheLinkRateOverTheWindow() {
        Trace t = trace();
        assertEquals(0.75, t.share("a"), 1e-9);
        assertEquals(0.25, t.share("b"), 1e-9);
        // Between samples the total is interpolated: a half-second of b is 2.5 Mbit/s worth of 20.
        assertEquals(0.25, t.share("b", 2.5, 3), 1e-9);
    }

    @Test
    void addedDelayIsTheMedianRttInTheWindowMinusTheUnloadedRtt() {
        assertEquals(60, trace().medianAddedDelayMs(), 1e-9);   // 40, 60, 80 ms in [2, 4]; 10 ms at 0.5 s is outside
    }

    @Test
    void jainIndexIsOneForEqualFlowsAndFallsTowardOneOverN() {
        Trace t = trace();
        // x = (3.75, 1.25) MB: (5)^2 / (2 * (14.0625 + 1.5625)) = 25 / 31.25
        assertEquals(0.8, t.jain("a", "b"), 1e-9);
        assertEquals(1.0, t.jain("a", "a"), 1e-9);
    }

    @Test
    void throughputIsBinnedInMbitPerSecond() {
        List<Trace.Point> b = trace().throughputMbit("b", 1);
        assertEquals(List.of(new Trace.Point(0.5, 0), new Trace.Point(1.5, 0), new Trace.Point(2.5, 5), new Trace.Point(3.5, 5)), b);
        assertEquals(15, trace().throughputMbit("a", 1).get(2).value(), 1e-9);
    }
}
