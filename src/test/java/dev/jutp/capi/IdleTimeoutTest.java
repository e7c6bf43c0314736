package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code JUTP_IDLE_TIMEOUT}: a receiver whose sender vanished (no FIN, no RST, nothing) fails
 * with ETIMEDOUT once it heard nothing for the timeout; libutp's socket, and jutp's by default,
 * waits forever since it has nothing of its own in flight to time out. A live idle peer's
 * keep-alives (every 29 s) keep the connection. Virtual time.
 */
class IdleTimeoutTest {
    static final int TIMEOUT_MS = 60_000;

    /** A and B connected and B has heard from A; from now on nothing A sends arrives. */
    static UtpSocket connectedThenAVanishes(Harness h) {
        UtpSocket a = h.connect();
        utp_write(a, Harness.bytes(new byte[100]), 100);
        h.deliver();
        assertEquals(100, h.sideB.received.size());
        h.sideA.dropOutgoing = d -> true;
        return h.sideB.accepted.get(0);
    }

    @Test
    void aReceiverWhoseSenderVanishedTimesOut() {
        try (Harness h = new Harness()) {
            assertEquals(0, utp_context_get_option(h.sideB.ctx, JUTP_IDLE_TIMEOUT), "off by default");
            assertEquals(0, utp_context_set_option(h.sideB.ctx, JUTP_IDLE_TIMEOUT, TIMEOUT_MS));
            assertEquals(TIMEOUT_MS, utp_context_get_option(h.sideB.ctx, JUTP_IDLE_TIMEOUT));
            connectedThenAVanishes(h);
            long vanished = h.nowMicros / 1000;
            h.advance(TIMEOUT_MS - 1_000, 500);
            assertEquals(0, h.sideB.count(UTP_ON_ERROR), "not before the timeout");
            h.advance(2_000, 500);
            assertEquals(1, h.sideB.count(UTP_ON_ERROR, UTP_ETIMEDOUT));
            long at = h.sideB.events.stream().filter(e -> e.type() == UTP_ON_ERROR).findFirst().orElseThrow().time();
            assertTrue(at - vanished >= TIMEOUT_MS && at - vanished <= TIMEOUT_MS + 1_000, "at " + (at - vanished) + " ms");
        }
    }

    @Test
    void offByDefaultTheReceiverWaitsAsLibutpDoes() {
        try (Harness h = new Harness()) {
            connectedThenAVanishes(h);
            h.advance(10 * 60_000, 1_000);
            assertEquals(0, h.sideB.count(UTP_ON_ERROR));
        }
    }

    @Test
    void keepAlivesOfALiveIdlePeerKeepTheConnection() {
        try (Harness h = new Harness()) {
            utp_context_set_option(h.sideA.ctx, JUTP_IDLE_TIMEOUT, TIMEOUT_MS);
            utp_context_set_option(h.sideB.ctx, JUTP_IDLE_TIMEOUT, TIMEOUT_MS);
            UtpSocket a = h.connect();
            utp_write(a, Harness.bytes(new byte[100]), 100);
            h.deliver();
            h.advance(10 * 60_000, 1_000);              // ten idle minutes
            assertEquals(0, h.sideA.count(UTP_ON_ERROR) + h.sideB.count(UTP_ON_ERROR));
        }
    }

    @Test
    void negativeValuesAreRefused() {
        try (Harness h = new Harness()) {
            assertEquals(-1, utp_context_set_option(h.sideB.ctx, JUTP_IDLE_TIMEOUT, -1));
            assertEquals(0, utp_context_get_option(h.sideB.ctx, JUTP_IDLE_TIMEOUT));
        }
    }
}
