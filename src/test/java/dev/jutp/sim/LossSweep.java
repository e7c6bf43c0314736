package dev.jutp.sim;

import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * Completion times of one transfer over many seeds: 2 MB over 10 ms each way with 2 % random loss
 * each way (issue 16's path), no bottleneck, in one loss-recovery mode. Seeds run on all cores.
 */
public final class LossSweep {
    public static final int BYTES = 2_000_000;
    public static final long ONE_WAY_MILLIS = 10;
    public static final double LOSS = 0.02;

    private LossSweep() {}

    /** Sorted completion seconds for seeds {@code base .. base+runs-1}; a failed transfer throws. */
    public static double[] completionSeconds(int mode, long base, int runs) {
        double[] t = LongStream.range(base, base + runs).parallel().mapToDouble(seed -> {
            Scenario s = new Scenario(seed, BYTES, LinkConfig.of(ONE_WAY_MILLIS).loss(LOSS), LinkConfig.of(ONE_WAY_MILLIS).loss(LOSS))
                    .lossRecovery(mode).bound(300);
            try {
                s.run();
                String why = s.failure();
                if (why != null) {
                    throw new AssertionError("seed " + seed + " mode " + mode + ": " + why + "\n    " + s.report());
                }
                if (s.completionSeconds() > Double.parseDouble(System.getProperty("jutp.sim.lossSweepReportAbove", "1e9"))) {
                    System.out.println("slow seed " + seed + " mode " + mode + ": " + s.report());   // -Djutp.sim.lossSweepReportAbove=SECONDS
                }
                return s.completionSeconds();
            } finally {
                s.close();
            }
        }).toArray();
        Arrays.sort(t);
        return t;
    }

    /** The q-quantile (0..1) of sorted values, nearest rank. */
    public static double quantile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.clamp(i, 0, sorted.length - 1)];
    }
}
