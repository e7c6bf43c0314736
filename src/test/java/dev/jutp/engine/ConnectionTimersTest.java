package dev.jutp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A connection's timers alone, on a virtual clock: when each is due and what the earliest one is. */
class ConnectionTimersTest {

    static ConnectionTimers connected(long lastReceived) {
        ConnectionTimers t = new ConnectionTimers();
        t.situation.connected = true;
        t.situation.lastReceivedMillis = lastReceived;
        return t;
    }

    @Test
    void aFreshConnectionHasNoTimerUntilItSendsOrQueues() {
        ConnectionTimers t = new ConnectionTimers();
        assertFalse(t.retransmissionDue(Long.MAX_VALUE));
        assertFalse(t.keepAliveDue(Long.MAX_VALUE, 0));
        assertFalse(t.takeZeroWindowProbe(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, t.next(0), "SYN_SENT without anything armed: no work");
    }

    @Test
    void timersArmedAtTimeZeroAreStillTimers() {
        ConnectionTimers t = connected(0);
        t.sent(0);
        t.armRetransmission(0, 1000);
        t.situation.packetsQueued = true;
        assertEquals(1000, t.next(0));
        assertFalse(t.retransmissionDue(999));
        assertTrue(t.retransmissionDue(1000));
        assertEquals(1000, t.retransmissionTimeoutMillis());
    }

    @Test
    void theKeepAliveCountsFromTheLastSendAndMayGoEarly() {
        ConnectionTimers t = connected(0);
        t.sent(5_000);
        assertEquals(5_000 + ConnectionTimers.KEEPALIVE_MILLIS, t.next(5_000));
        assertFalse(t.keepAliveDue(33_999, 0));
        assertTrue(t.keepAliveDue(34_000, 0));
        assertTrue(t.keepAliveDue(33_000, 1_000), "grouped with a wake-up up to a second early");
        assertFalse(t.keepAliveDue(32_999, 1_000));
        t.sent(30_000);
        assertFalse(t.keepAliveDue(34_000, 0), "any datagram postpones it");
    }

    @Test
    void anIdleWindowDecayMayWaitButOutstandingPacketsMayNot() {
        ConnectionTimers t = connected(0);
        t.sent(0);
        t.armRetransmission(0, 3_000);
        assertEquals(3_000 + ConnectionTimers.LAZY_TIMER_SLACK_MILLIS, t.next(0));
        t.situation.packetsQueued = true;
        assertEquals(3_000, t.next(0));
        t.situation.rackTimersRun = true;
        assertEquals(700, t.next(700), "RACK-TLP with packets out: every tick");
    }

    @Test
    void theZeroWindowProbeGoesOncePerClosing() {
        ConnectionTimers t = connected(0);
        t.sent(0);
        t.peerWindowClosed(1_000);
        t.situation.peerWindowZero = true;
        assertEquals(1_000 + ConnectionTimers.ZERO_WINDOW_PROBE_MILLIS, t.next(1_000));
        t.situation.peerWindowZero = false;
        assertEquals(ConnectionTimers.KEEPALIVE_MILLIS, t.next(1_000), "an open window has no probe");
        assertFalse(t.takeZeroWindowProbe(15_999));
        assertTrue(t.takeZeroWindowProbe(16_000));
        assertFalse(t.takeZeroWindowProbe(16_000), "taken");
    }

    @Test
    void aHalfClosedSilentPeerIsProbedThenGivenUp() {
        ConnectionTimers t = connected(1_000);
        t.sent(1_000);
        t.situation.halfClosedIdle = true;
        long firstProbe = 1_000 + ConnectionTimers.HALF_CLOSED_PROBE_AFTER_MILLIS;
        t.sent(firstProbe - 5);             // keep the keep-alive out of the way
        assertEquals(firstProbe, t.next(20_000));
        assertTrue(t.halfClosedProbeAllowed(firstProbe), "no probe yet: no spacing");
        t.halfClosedProbeSent(firstProbe);
        t.sent(firstProbe);
        assertFalse(t.halfClosedProbeAllowed(firstProbe + ConnectionTimers.HALF_CLOSED_PROBE_MILLIS - 1));
        assertTrue(t.halfClosedProbeAllowed(firstProbe + ConnectionTimers.HALF_CLOSED_PROBE_MILLIS));
        assertEquals(firstProbe + ConnectionTimers.HALF_CLOSED_PROBE_MILLIS, t.next(firstProbe));
        t.situation.lastReceivedMillis = -100_000;  // silent for ages: the give-up is the earliest
        assertEquals(-100_000 + ConnectionTimers.HALF_CLOSED_GIVE_UP_MILLIS, t.next(firstProbe));
    }

    @Test
    void silenceLimitsCountFromTheLastPacketHeard() {
        ConnectionTimers t = new ConnectionTimers();
        t.situation.halfOpen = true;
        t.situation.lastReceivedMillis = 2_000;
        assertEquals(2_000 + ConnectionTimers.SYN_RECV_SILENCE_MILLIS + 1 + ConnectionTimers.LAZY_TIMER_SLACK_MILLIS, t.next(2_000));
        ConnectionTimers idle = connected(2_000);
        idle.sent(2_000);
        idle.situation.idleTimeoutMillis = 10_000;
        assertEquals(2_000 + 10_000 + 1 + ConnectionTimers.LAZY_TIMER_SLACK_MILLIS, idle.next(2_000));
    }
}
