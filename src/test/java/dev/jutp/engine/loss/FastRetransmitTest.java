package dev.jutp.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fast-resend marker, the duplicate-ack count and the post-timeout recovery, on made-up sequence numbers. */
class FastRetransmitTest {

    @Test
    void theMarkerStartsAtTheIsnAndOnlyMovesForward() {
        FastRetransmit f = new FastRetransmit();
        f.start(0xFFFE);
        assertTrue(f.notYetResent(0xFFFE));
        assertFalse(f.notYetResent(0xFFFD));
        f.handledThrough(0xFFFF);           // across the 16-bit wrap
        assertTrue(f.notYetResent(0));
        assertFalse(f.notYetResent(0xFFFF));
        f.handledThrough(0xFFF0);           // an old ack: no step back
        assertFalse(f.notYetResent(0xFFFF));
        assertTrue(f.notYetResent(0));
    }

    @Test
    void exactlyTheThirdDuplicateInARowTriggers() {
        FastRetransmit f = new FastRetransmit();
        assertFalse(f.countAck(true));
        assertFalse(f.countAck(true));
        assertTrue(f.countAck(true));
        assertFalse(f.countAck(true), "the fourth does not trigger again");
        assertFalse(f.countAck(false));
        assertFalse(f.countAck(true));
        assertFalse(f.countAck(true));
        assertTrue(f.countAck(true), "a window update starts the count over");
        f.sackMarks(2);
        assertTrue(f.countAck(true), "SACK marks count as duplicates");
        f.sackMarks(1);
        f.clearDuplicates();
        assertFalse(f.countAck(true));
    }

    @Test
    void afterATimeoutEachAckOnTheOldestReleasesItsResendUntilOneDoesNot() {
        FastRetransmit f = new FastRetransmit();
        f.start(10);
        assertFalse(f.releaseAfterTimeout(10, false), "no timeout yet");
        f.timedOut();
        assertTrue(f.recoveringFromTimeout());
        assertTrue(f.releaseAfterTimeout(10, false));
        f.handledThrough(10);
        assertTrue(f.releaseAfterTimeout(11, false));
        f.handledThrough(11);
        assertFalse(f.releaseAfterTimeout(15, false), "the ack jumped past the marker: recovery over");
        assertFalse(f.recoveringFromTimeout());
        f.timedOut();
        assertFalse(f.releaseAfterTimeout(12, true), "nothing left to resend");
        assertFalse(f.recoveringFromTimeout());
    }

    @Test
    void theSackThresholdFollowsTheWindowOnlyOutsideLibutpMode() {
        assertEquals(3, FastRetransmit.sackThreshold(2, true));
        assertEquals(1, FastRetransmit.sackThreshold(1, false));
        assertEquals(1, FastRetransmit.sackThreshold(2, false));
        assertEquals(2, FastRetransmit.sackThreshold(3, false));
        assertEquals(3, FastRetransmit.sackThreshold(4, false));
        assertEquals(3, FastRetransmit.sackThreshold(500, false));
    }

    @Test
    void aSecondResendWaitsARoundTripPlusFourDeviations() {
        // rtt 20 ms, var 5 ms: wait 40 ms after the retransmission
        assertFalse(FastRetransmit.resendAgain(2, 1_000_000, 1_040_000, true, 20, 5));
        assertTrue(FastRetransmit.resendAgain(2, 1_000_000, 1_040_001, true, 20, 5));
        assertFalse(FastRetransmit.resendAgain(1, 0, 9_000_000, true, 20, 5), "never resent yet: the marker's job");
        assertFalse(FastRetransmit.resendAgain(3, 0, 9_000_000, false, 0, 0), "no RTT sample: wait for the RTO");
        assertFalse(FastRetransmit.resendAgain(2, 0, 10_000, true, 0, 0), "at least 10 ms");
        assertTrue(FastRetransmit.resendAgain(2, 0, 10_001, true, 0, 0));
    }
}
