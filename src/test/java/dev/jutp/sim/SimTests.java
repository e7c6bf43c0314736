package dev.jutp.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;

/** Shared plumbing for simulator tests: seed selection, parallel sweeps and replay commands. */
final class SimTests {
    private SimTests() {}

    /** The seeds to run: one if {@code -Djutp.sim.seed} is set, else {@code runs} from the base. */
    static long[] seeds(int runs) {
        String one = System.getProperty("jutp.sim.seed");
        if (one != null && !one.isBlank()) {
            return new long[] {Long.parseLong(one.trim())};
        }
        int n = Integer.getInteger("jutp.sim.runs", runs);
        long base = Long.getLong("jutp.sim.base", 1);
        return LongStream.range(base, base + n).toArray();
    }

    static String replay(String testClass, Profiles family, long seed) {
        return "mvn -Dtest='" + testClass + "' -Djutp.sim.family=" + family + " -Djutp.sim.seed=" + seed + " test";
    }

    /**
     * Runs one scenario of {@code family} built for {@code seed}; null if it passed, else one
     * line with the seed, the scenario, what went wrong, the counters and the replay command.
     */
    static String check(Profiles family, long seed, Scenario s) {
        String why;
        try {
            s.run();
            why = s.failure();
        } catch (RuntimeException | AssertionError e) {
            why = "threw " + e;
        }
        try {
            if (Boolean.getBoolean("jutp.sim.verbose")) {
                System.out.println(family + " seed " + seed + " [" + s.describe() + "] " + (why == null ? "OK" : why) + "\n    " + s.report());
            }
            return why == null ? null : "seed " + seed + " [" + s.describe() + "]: " + why + "\n    " + s.report()
                    + "\n    replay: " + replay("ImpairmentSweepTest", family, seed);
        } finally {
            s.close();
        }
    }

    /**
     * Runs the family's scenarios on all cores; returns one line per failure with the seed,
     * the scenario, what went wrong and the command that replays it.
     */
    static List<String> sweep(Profiles family, int runs) {
        String only = System.getProperty("jutp.sim.family");
        if (only != null && !only.isBlank() && !only.trim().equalsIgnoreCase(family.name())) {
            return List.of();
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        LongStream.of(seeds(runs)).parallel().forEach(seed -> {
            Scenario scenario = family.scenario(seed);
            String failure = check(family, seed, scenario);
            if (failure != null) {
                failures.add(failure);
            }
        });
        List<String> sorted = new ArrayList<>(failures);
        sorted.sort(null);
        return sorted;
    }
}
