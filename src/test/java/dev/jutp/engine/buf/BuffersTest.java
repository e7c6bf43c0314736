package dev.jutp.engine.buf;

import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.wire.Seq;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

class BuffersTest {
    @Test
    void slabRecyclesSlotsAndGrowsByChunks() {
        try (PacketSlab slab = new PacketSlab(2048)) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                assertTrue(seen.add(slab.take()));
            }
            assertEquals(300, slab.slotsInUse());
            assertEquals(2L * 256 * 2048, slab.bytesReserved());
            for (int s : seen) {
                slab.release(s);
            }
            assertEquals(0, slab.slotsInUse());
            assertEquals(256L * 2048, slab.bytesReserved(), "one spare chunk kept, the other given back");
            int again = slab.take();
            assertTrue(seen.contains(again));
            assertEquals(256L * 2048, slab.bytesReserved());
            // distinct slots never overlap
            int a = slab.take(), b = slab.take();
            assertNotEquals(slab.offset(a) + (slab.segment(a) == slab.segment(b) ? 0 : 1), slab.offset(b));
        }
    }

    @Test
    void slabGivesChunksBackAfterABurstAndKeepsOneSpare() {
        try (PacketSlab slab = new PacketSlab(2048)) {
            int[] burst = new int[10 * PacketSlab.SLOTS_PER_CHUNK];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = slab.take();
            }
            assertEquals(10L * 256 * 2048, slab.bytesReserved());
            // A few long-lived slots taken during the burst, the rest released in a scattered order.
            Set<Integer> kept = Set.of(burst[3], burst[700], burst[2559]);
            for (int i = 0; i < burst.length; i++) {
                int s = burst[(i * 7) % burst.length];
                if (!kept.contains(s)) {
                    slab.release(s);
                }
            }
            assertEquals(3, slab.slotsInUse());
            // The chunks holding the kept slots stay, plus at most one spare chunk.
            assertTrue(slab.bytesReserved() <= 4L * 256 * 2048, "reserved " + slab.bytesReserved());
            assertTrue(slab.chunksFreed() >= 6);
            // New slots fill the lowest chunks first, so live slots gather there.
            for (int i = 0; i < 100; i++) {
                assertTrue(slab.take() < 2 * PacketSlab.SLOTS_PER_CHUNK);
            }
            // Taking and releasing one slot at a chunk boundary never frees and re-allocates per slot.
            long freedBefore = slab.chunksFreed();
            for (int i = 0; i < 1000; i++) {
                slab.release(slab.take());
            }
            assertEquals(freedBefore, slab.chunksFreed());
        }
    }

    @Test
    void sendQueueKeepsEntriesAcrossGrowthAndWrap() {
        SendQueue q = new SendQueue();
        int oldest = 0xFFF0;
        for (int i = 0; i < 100; i++) {
            int seq = Seq.add(oldest, i);
            q.put(oldest, i, seq, 1000 + i, 20 + i, i);
        }
        assertTrue(q.capacity() >= 101);
        for (int i = 0; i < 100; i++) {
            int seq = Seq.add(oldest, i);
            assertEquals(1000 + i, q.slotOf(seq));
            assertEquals(i, q.payload(seq));
            assertEquals(20 + i, q.length(seq));
        }
        q.markSent(oldest, 77);
        assertEquals(1, q.transmissions(oldest));
        assertEquals(77, q.sentMicros(oldest));
        assertEquals(1000, q.remove(oldest));
        assertFalse(q.contains(oldest));
        assertEquals(-1, q.remove(oldest));
    }

    @Test
    void reorderBufferAcceptsUpTo1023AheadAndClears() {
        ReorderBuffer r = new ReorderBuffer();
        int next = 0xFF00;
        r.put(next, Seq.add(next, 1023), 5, 10);
        r.put(next, Seq.add(next, 3), 6, 11);
        assertEquals(2, r.count());
        assertTrue(r.capacity() >= 1024);
        assertEquals(5, r.slotOf(Seq.add(next, 1023)));
        assertEquals(11, r.length(Seq.add(next, 3)));
        assertEquals(6, r.remove(Seq.add(next, 3)));
        assertEquals(1, r.count());
        Set<Integer> released = new HashSet<>();
        r.clear(released::add);
        assertEquals(Set.of(5), released);
        assertEquals(0, r.count());
    }

    @Test
    void emptyPacketsWaitWithoutASlabSlot() {
        ReorderBuffer r = new ReorderBuffer();
        int next = 100;
        r.put(next, 102, ReorderBuffer.NO_PAYLOAD, 0);
        r.put(next, 103, 7, 1);
        assertEquals(2, r.count());
        assertEquals(1, r.slabSlots());
        assertTrue(r.holds(next, 102));
        assertEquals(ReorderBuffer.NO_PAYLOAD, r.remove(102));
        assertEquals(1, r.slabSlots());
        r.put(next, 104, ReorderBuffer.NO_PAYLOAD, 0);
        Set<Integer> released = new HashSet<>();
        r.clear(released::add);
        assertEquals(Set.of(7), released, "only real slots go back to the slab");
        assertEquals(0, r.slabSlots());
    }

    @Test
    void holdsIsExactBeyondTheRingWhereContainsAliases() {
        ReorderBuffer r = new ReorderBuffer();
        int next = 0xFFF0;
        r.put(next, Seq.add(next, 2), 9, 100);
        int alias = Seq.add(next, 2 + r.capacity());   // same ring index, never stored
        assertTrue(r.contains(alias));
        assertFalse(r.holds(next, alias));
        assertTrue(r.holds(next, Seq.add(next, 2)));
        assertFalse(r.holds(next, Seq.add(next, 1)));
    }
}
