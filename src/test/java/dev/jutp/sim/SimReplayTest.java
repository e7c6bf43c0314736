package dev.jutp.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the sweep promises on failure: the seed alone replays a run, and the failure says how. */
class SimReplayTest {

    @Test
    void theSeedAloneReplaysARunExactly() {
        String first = runAndReport(Profiles.MIXED, 54);
        assertEquals(first, runAndReport(Profiles.MIXED, 54), "same seed, same run");
        assertTrue(!first.equals(runAndReport(Profiles.MIXED, 55)), "another seed, another run: " + first);
    }

    @Test
    void aFailingScenarioPrintsItsSeedAndTheCommandThatReplaysIt() {
        // One second of virtual time is far too little for 1 MiB at up to 30 % loss: a stall.
        String line = SimTests.check(Profiles.LOSS, 54, Profiles.LOSS.scenario(54).bound(1));
        assertNotNull(line);
        assertTrue(line.startsWith("seed 54 ["), line);
        assertTrue(line.contains("stalled past 1 s"), line);
        assertTrue(line.contains("replay: mvn -Dtest='ImpairmentSweepTest' -Djutp.sim.family=LOSS -Djutp.sim.seed=54 test"), line);
        assertNull(SimTests.check(Profiles.LOSS, 54, Profiles.LOSS.scenario(54)), "the same seed passes with its real bound");
    }

    private static String runAndReport(Profiles family, long seed) {
        Scenario s = family.scenario(seed).run();
        try {
            assertNull(s.failure());
            return s.describe() + " " + s.report();
        } finally {
            s.close();
        }
    }
}
