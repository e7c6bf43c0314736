package dev.jutp.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * uTP against a BBR-like flow ({@link BbrFlow}) at a 10 Mbit/s bottleneck with a 400 ms buffer and
 * a 20 ms base RTT: uTP runs alone for 20 s, then BBR joins; BBR's share of what crosses the link
 * in 30–60 s is measured. BBR keeps a queue of a few tens of milliseconds: LEDBAT++ (60 ms target,
 * multiplicative decrease) gets out of its way, libutp's LEDBAT (100 ms target, additive decrease)
 * keeps most of the link. The same bound is asserted both ways, so the test tells them apart.
 */
class BbrCompetitionTest {
    static final long SEED = Long.getLong("jutp.sim.seed", 7);
    static final double MIN_BBR_SHARE = 0.85;

    static Bottleneck run(boolean classic) {
        Bottleneck b = new Bottleneck(SEED, 10_000_000, 400, 10);
        if (classic) {
            b.classicLedbat();
        } else {
            b.ledbatPlusPlus();
        }
        b.startUtp();
        b.sim.at(Sim.START_MICROS + 20_000_000, b.bbr::start);
        b.runUntilSeconds(60);
        return b;
    }

    static double bbrShare(Bottleneck b) {
        long utp = b.deliveredBetween(30, 60, true);
        long bbr = b.deliveredBetween(30, 60, Bottleneck.Sample::bbrBytes);
        return (double) bbr / (utp + bbr);
    }

    private static String describe(Bottleneck b) {
        return String.format(" (BBR share %.3f, link %.2f, queue %.1f ms, %s; seed %d, replay: mvn -Dtest=BbrCompetitionTest -Djutp.sim.seed=%d test)",
                bbrShare(b), b.utilisation(b.deliveredBetween(30, 60, true) + b.deliveredBetween(30, 60, Bottleneck.Sample::bbrBytes), 30, 60),
                b.meanQueueDelayMillis(30, 60), b.bbr, SEED, SEED);
    }

    @Test
    void ledbatPlusPlusYieldsToBbr() {
        Bottleneck b = run(false);
        try {
            double alone = b.utilisation(b.deliveredBetween(10, 20, true), 10, 20);
            double queue = b.meanQueueDelayMillis(10, 20);
            System.out.printf("LEDBAT++ alone: link %.2f, queue %.1f ms; with BBR:%s%n", alone, queue, describe(b));
            assertTrue(alone >= 0.90, "alone LEDBAT++ fills the link: " + alone);
            assertTrue(queue <= 75, "alone LEDBAT++ holds the queue near its 60 ms target: " + queue + " ms");
            assertTrue(bbrShare(b) >= MIN_BBR_SHARE, "LEDBAT++ must leave BBR the link" + describe(b));
            assertTrue(b.utilisation(b.deliveredBetween(30, 60, true) + b.deliveredBetween(30, 60, Bottleneck.Sample::bbrBytes), 30, 60) >= 0.9,
                    "the link stays full" + describe(b));
        } finally {
            b.close();
        }
    }

    @Test
    void classicLedbatDoesNotYieldToBbr() {
        Bottleneck b = run(true);
        try {
            System.out.printf("classic LEDBAT with BBR:%s%n", describe(b));
            assertTrue(bbrShare(b) < MIN_BBR_SHARE, "the bound must tell LEDBAT++ from libutp's LEDBAT" + describe(b));
        } finally {
            b.close();
        }
    }
}
