package dev.jutp.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;


/**
 * Integrity under impairment: for every family in {@link Profiles}, {@value #RUNS_PER_FAMILY}
 * seeded scenarios (10 families, 1,000 per run), each a 1–2 MiB transfer that must arrive
 * exactly once and in order (byte comparison and SHA-256), with both ends reaching DESTROYING
 * within the virtual-time bound. Seeds are fixed so CI is reproducible; {@code -Djutp.sim.seed=N}
 * runs one seed, {@code -Djutp.sim.runs=N} scales the sweep, {@code -Djutp.sim.base=N} moves it.
 */
class ImpairmentSweepTest {
    static final int RUNS_PER_FAMILY = 100;

    @ParameterizedTest
    @EnumSource(Profiles.class)
    void everyByteArrivesOnceInOrder(Profiles family) {
        List<String> failures = SimTests.sweep(family, RUNS_PER_FAMILY);
        assertTrue(failures.isEmpty(), () -> failures.size() + " of the " + family + " scenarios failed:\n"
                + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }
}
