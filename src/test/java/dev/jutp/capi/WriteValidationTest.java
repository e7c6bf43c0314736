package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 #6: a write with a bad segment anywhere in it fails before any byte is taken. Before,
 * utp_writev queued the earlier vectors (the peer got them) and then threw, and each failure
 * leaked a 2 KiB packet slot.
 */
class WriteValidationTest {
    static MemorySegment closedSegment(long size) {
        Arena arena = Arena.ofConfined();
        MemorySegment seg = arena.allocate(size);
        arena.close();
        return seg;
    }

    static void assertNothingWritten(Harness h, UtpSocket a, int slotsBefore, int sentBefore) {
        assertEquals(slotsBefore, h.sideA.ctx.engine.slab().slotsInUse(), "no packet slot taken or leaked");
        assertEquals(sentBefore, h.sentBy(h.sideA).size(), "nothing sent");
        h.advance(3_000, 100);
        assertEquals(0, h.sideB.received.size(), "the peer received nothing");
        assertEquals(6, utp_write(a, MemorySegment.ofArray("after!".getBytes()), 6), "the socket still works");
        h.advance(3_000, 100);
        assertEquals("after!", h.sideB.received.toString());
    }

    @Test
    void aClosedLaterVectorFailsTheWholeWritev() {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            int slots = h.sideA.ctx.engine.slab().slotsInUse();
            int sent = h.sentBy(h.sideA).size();
            MemorySegment[] iov = {MemorySegment.ofArray(new byte[100]), closedSegment(50)};
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> utp_writev(a, iov, 2));
            assertTrue(e.getMessage().contains("iov[1]") && e.getMessage().contains("nothing was written"), e.getMessage());
            assertNothingWritten(h, a, slots, sent);
        }
    }

    @Test
    void aClosedBufferFailsUtpWriteWithoutLeakingASlot() {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            int slots = h.sideA.ctx.engine.slab().slotsInUse();
            int sent = h.sentBy(h.sideA).size();
            assertThrows(IllegalStateException.class, () -> utp_write(a, closedSegment(3000), 3000));
            assertNothingWritten(h, a, slots, sent);
        }
    }

    @Test
    void aVectorConfinedToAnotherThreadFailsTheWholeWritev() throws InterruptedException {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            int slots = h.sideA.ctx.engine.slab().slotsInUse();
            int sent = h.sentBy(h.sideA).size();
            AtomicReference<MemorySegment> foreign = new AtomicReference<>();
            Arena[] owner = new Arena[1];
            Thread t = new Thread(() -> {
                owner[0] = Arena.ofConfined();
                foreign.set(owner[0].allocate(64));
            });
            t.start();
            t.join(10_000);
            MemorySegment[] iov = {MemorySegment.ofArray(new byte[2000]), foreign.get()};
            assertThrows(IllegalStateException.class, () -> utp_writev(a, iov, 2));
            assertNothingWritten(h, a, slots, sent);
        }
    }
}
