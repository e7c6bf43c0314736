package dev.jutp.engine.cc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class MtuSearchTest {
    @Test
    void fullSizeProbeAckedFinishesAtTheCeiling() {
        MtuSearch m = new MtuSearch();
        m.reset(1402, 0, true);
        assertTrue(m.shouldProbe(1402));
        assertFalse(m.shouldProbe(576), "not above the floor");
        m.probeSent(7, 1402);
        assertTrue(m.isProbe(7));
        m.probeAcked(100);
        assertEquals(1402, m.guess());
        assertFalse(m.searching());
    }

    @Test
    void lostProbesBinarySearchDownToTheFloor() {
        MtuSearch m = new MtuSearch();
        m.reset(1402, 0, true);
        int rounds = 0;
        while (m.searching() && rounds++ < 20) {
            assertTrue(m.shouldProbe(m.guess()) || m.guess() == m.ceiling());
            m.probeSent(rounds, Math.max(m.guess(), m.floor() + 1));
            m.probeLost(rounds);
        }
        assertEquals(MtuSearch.FLOOR, m.guess());
        assertTrue(rounds < 12, "binary search, not linear: " + rounds);
    }

    @Test
    void icmpBelowTheFloorClampsInsteadOfAborting() {
        MtuSearch m = new MtuSearch();
        m.reset(1402, 0, true);
        m.fragmentationNeeded(100, 5);
        assertEquals(MtuSearch.FLOOR, m.guess());
        assertEquals(MtuSearch.FLOOR, m.ceiling());
        assertTrue(m.floor() <= m.ceiling());
    }

    @Test
    void icmpUsesTheReportedSizeAtOnce() {
        MtuSearch m = new MtuSearch();
        m.reset(1402, 0, true);
        m.fragmentationNeeded(1200, 5);
        assertEquals(1200, m.guess());
        assertTrue(m.shouldProbe(1200));
    }

    @Test
    void reSearchIsDueAfterThirtyMinutes() {
        MtuSearch m = new MtuSearch();
        m.reset(1402, 0, true);
        m.probeSent(1, 1402);
        m.probeAcked(10);
        assertFalse(m.rediscoveryDue(10 + MtuSearch.REDISCOVERY_MILLIS));
        assertTrue(m.rediscoveryDue(11 + MtuSearch.REDISCOVERY_MILLIS));
    }
}
