package dev.jutp.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * libutp's classic LEDBAT (pinned: the bounds are its 100 ms target's; LEDBAT++ is checked by
 * {@link BbrCompetitionTest}) at a 10 Mbit/s bottleneck with a 500 ms buffer and a 50 ms base RTT: alone, uTP fills
 * the link while holding the queue near the 100 ms target; against a Reno flow it yields; when
 * the Reno flow stops it takes the link back. All in virtual time.
 */
class LedbatBottleneckTest {
    static final long SEED = Long.getLong("jutp.sim.seed", 7);

    static Bottleneck scenario() {
        Bottleneck b = new Bottleneck(SEED, 10_000_000, 500, 25).classicLedbat().startUtp();
        b.sim.at(Sim.START_MICROS + 40_000_000, b.reno::start);
        b.sim.at(Sim.START_MICROS + 70_000_000, b.reno::stop);
        b.runUntilSeconds(100);
        return b;
    }

    private static final Bottleneck RUN = scenario();

    private static String replay() {
        return " (seed " + SEED + "; replay: mvn -Dtest=LedbatBottleneckTest -Djutp.sim.seed=" + SEED + " test)";
    }

    /** The figures docs/congestion.md quotes, from the same run the assertions check. */
    @AfterAll
    static void printFigures() {
        long utp = RUN.deliveredBetween(50, 70, true);
        long reno = RUN.deliveredBetween(50, 70, false);
        System.out.printf("seed %d: queueing delay 20-40 s %.1f ms; utilisation alone %.1f %%; uTP share vs Reno 50-70 s %.1f %% (link %.1f %%); "
                        + "utilisation 85-100 s %.1f %%%n", SEED, RUN.meanQueueDelayMillis(20, 40),
                100 * RUN.utilisation(RUN.deliveredBetween(20, 40, true), 20, 40), 100.0 * utp / (utp + reno),
                100 * RUN.utilisation(utp + reno, 50, 70), 100 * RUN.utilisation(RUN.deliveredBetween(85, 100, true), 85, 100));
    }

    @Test
    void queueingDelaySettlesWithinTargetPlus25Percent() {
        double delay = RUN.meanQueueDelayMillis(20, 40);
        assertTrue(delay <= 125 && delay >= 50, "mean queueing delay 20–40 s: " + delay + " ms" + replay());
    }

    @Test
    void aloneItFillsTheLink() {
        double u = RUN.utilisation(RUN.deliveredBetween(20, 40, true), 20, 40);
        assertTrue(u >= 0.90, "utilisation alone: " + u + replay());
    }

    @Test
    void itYieldsToReno() {
        long utp = RUN.deliveredBetween(50, 70, true);
        long reno = RUN.deliveredBetween(50, 70, false);
        double share = (double) utp / (utp + reno);
        assertTrue(share <= 0.15, "uTP share against Reno 50–70 s: " + share + replay());
        assertTrue(RUN.utilisation(utp + reno, 50, 70) >= 0.90, "the link stays full while they compete" + replay());
    }

    @Test
    void itRecoversWhenRenoStops() {
        double u = RUN.utilisation(RUN.deliveredBetween(85, 100, true), 85, 100);
        assertTrue(u >= 0.90, "utilisation 15–30 s after Reno stopped: " + u + replay());
    }
}
