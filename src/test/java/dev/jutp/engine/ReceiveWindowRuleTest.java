package dev.jutp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The admission rule on its own: in-order bytes by payload, out-of-order packets by the slot they pin. */
class ReceiveWindowRuleTest {
    static final int SLOT = 2048;
    static final int SLACK = ReceiveWindow.SLACK_BYTES;

    @Test
    void theEdgeIsTheFurthestOfEveryWindowAdvertised() {
        ReceiveWindow w = new ReceiveWindow(true, SLOT);
        w.advertise(0, 10_000);
        w.advertise(5_000, 0);             // the application holds everything: the edge does not move back
        assertEquals(10_000, w.edge());
        w.advertise(6_000, -2_000);        // holding more than RCVBUF
        assertEquals(10_000, w.edge());
        w.advertise(8_000, 4_000);
        assertEquals(12_000, w.edge());
    }

    @Test
    void inOrderPayloadIsChargedByItsBytes() {
        ReceiveWindow w = new ReceiveWindow(true, SLOT);
        w.advertise(0, 10_000);
        assertTrue(w.admitsInOrder(10_000 + SLACK - 100, 100));
        assertFalse(w.admitsInOrder(10_000 + SLACK - 100, 101));
        assertTrue(w.admitsInOrder(1_000_000, 0), "an empty packet takes nothing");
    }

    @Test
    void outOfOrderPacketsAreChargedByTheSlotTheyPinWhateverTheirPayload() {
        ReceiveWindow w = new ReceiveWindow(true, SLOT);
        w.advertise(0, 64 * 1024);
        assertEquals(SLOT, w.outOfOrderCharge(1));
        assertEquals(SLOT, w.outOfOrderCharge(1400));
        assertEquals(0, w.outOfOrderCharge(0));
        long held = 0;
        int admitted = 0;
        for (int i = 0; i < 1023 && w.admitsOutOfOrder(0, held, 1); i++) {
            held += w.outOfOrderCharge(1);
            admitted++;
        }
        assertEquals((64 * 1024 + SLACK) / SLOT, admitted, "1-byte packets: one slot each up to window + slack");
        assertTrue(w.admitsOutOfOrder(0, held, 0), "an empty packet pins no slot");
    }

    @Test
    void notEnforcedAdmitsEverything() {
        ReceiveWindow w = new ReceiveWindow(false, SLOT);
        assertTrue(w.admitsInOrder(1L << 40, 1400));
        assertTrue(w.admitsOutOfOrder(0, 1L << 40, 1));
    }
}
