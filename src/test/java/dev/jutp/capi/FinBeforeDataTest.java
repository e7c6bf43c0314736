package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * An initiator that connects and closes without sending a byte: its FIN is the first thing the
 * acceptor hears after the SYN (libutp PR #112: a FIN in SYN_RECV was ignored, the socket lingered).
 * The acceptor reports EOF, both sides end with DESTROYING, and nobody sees an error.
 */
class FinBeforeDataTest {
    @Test
    void finAsTheFirstPacketAfterTheSynEndsTheConnectionCleanly() {
        try (Harness h = new Harness()) {
            h.sideB.closeOnEof = true;
            UtpSocket a = h.connect();
            UtpSocket b = h.sideB.accepted.get(0);
            utp_close(a);
            h.advance(5_000, 100);
            assertEquals(1, h.sideB.count(UTP_ON_STATE_CHANGE, UTP_STATE_EOF), h.sideB.events.toString());
            assertEquals(0, h.sideA.count(UTP_ON_ERROR) + h.sideB.count(UTP_ON_ERROR), h.sent.toString());
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING));
            assertEquals(1, h.sideB.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING));
            assertEquals(0, h.sideB.received.size());
        }
    }
}
