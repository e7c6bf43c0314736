package dev.jutp.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12's latecomer target in virtual time: two LEDBAT++ flows through a 20 Mbit/s bottleneck
 * with a 400 ms buffer, the second starting 10 s after the first; Jain's fairness index of their
 * throughputs over 12–32 s must be at least 0.9, on a loopback/LAN path (0.2 ms base RTT) and a
 * WAN one (40 ms). With the draft's rules the latecomer took ~90 % of the link (Jain 0.596 and
 * 0.565): it took the first flow's standing queue for its base delay, and each of the first
 * flow's slowdowns ended its climb back at a few packets.
 */
class LatecomerFairnessTest {
    static final long SEED = Long.getLong("jutp.sim.seed", 7);
    static final double MIN_JAIN = 0.9;

    /** Jain's index of two throughputs: 1 when equal, 0.5 when one flow has everything. */
    static double jain(double a, double b) {
        return (a + b) * (a + b) / (2 * (a * a + b * b));
    }

    @ParameterizedTest(name = "base RTT {0} us")
    @ValueSource(longs = {200, 40_000})
    void aLatecomerGetsItsShare(long baseRttMicros) {
        Bottleneck b = Bottleneck.withOneWayMicros(SEED, 20_000_000, 400, baseRttMicros / 2).ledbatPlusPlus().startUtp();
        try {
            b.sim.at(Sim.START_MICROS + 10_000_000, b::startSecondUtp);
            b.runUntilSeconds(32);
            long first = b.deliveredBetween(12, 32, true);
            long second = b.deliveredBetween(12, 32, Bottleneck.Sample::secondUtpBytes);
            double fairness = jain(first, second);
            String figures = String.format("base RTT %d us: first %.2f Mbit/s, latecomer %.2f Mbit/s, Jain %.3f, link %.2f, queue %.1f ms"
                            + " (seed %d; replay: mvn -Dtest=LatecomerFairnessTest -Djutp.sim.seed=%d test)",
                    baseRttMicros, first * 8 / 20e6, second * 8 / 20e6, fairness, b.utilisation(first + second, 12, 32),
                    b.meanQueueDelayMillis(12, 32), SEED, SEED);
            System.out.println(figures);
            assertTrue(fairness >= MIN_JAIN, "the latecomer must get its share: " + figures);
        } finally {
            b.close();
        }
    }
}
