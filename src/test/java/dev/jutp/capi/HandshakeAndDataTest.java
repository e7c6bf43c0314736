package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** Smoke path: handshake, a small write each way, and a graceful close of both ends. */
class HandshakeAndDataTest {
    @Test
    void handshakeDataAndCloseBothWays() {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_CONNECT));
            assertEquals(1, h.sideB.accepted.size());
            UtpSocket b = h.sideB.accepted.get(0);

            byte[] hello = "hello from A".getBytes();
            assertEquals(hello.length, utp_write(a, Harness.bytes(hello), hello.length));
            h.deliver();
            assertArrayEquals(hello, h.sideB.received.toByteArray());

            byte[] reply = "and hello back from B".getBytes();
            assertEquals(reply.length, utp_write(b, Harness.bytes(reply), reply.length));
            h.deliver();
            assertArrayEquals(reply, h.sideA.received.toByteArray());

            h.sideA.closeOnEof = true;
            utp_close(b);
            h.advance(2000, 100);
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_EOF));
            assertEquals(1, h.sideB.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING), h.sideB.events::toString);
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING), h.sideA.events::toString);
            assertEquals(0, h.sideA.count(UTP_ON_ERROR) + h.sideB.count(UTP_ON_ERROR));
            assertTrue(a.isDestroyed());
            assertTrue(Arrays.equals(hello, h.sideB.received.toByteArray()));
        }
    }
}
