package dev.jutp.engine.buf;

import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.wire.Seq;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

class BuffersTest {
    @Test
    void slabRecyclesSlotsAndGrowsByChunks() {
        long othersBefore = PacketSlab.liveBytesAllSlabs();
        try (PacketSlab slab = new PacketSlab(2048)) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                assertTrue(seen.add(slab.take()));
            }
            assertEquals(300, slab.slotsInUse());
            // Chunks of 16, 32, 64, 128 and 256 slots: a small context holds 32 KiB, not 512.
            assertEquals((16 + 32 + 64 + 128 + 256) * 2048L, slab.bytesReserved());
            assertEquals(slab.bytesReserved(), PacketSlab.liveBytesAllSlabs() - othersBefore);
            for (int s : seen) {
                slab.release(s);
            }
            assertEquals(0, slab.slotsInUse());
            assertTrue(slab.bytesReserved() <= PacketSlab.SPARE_SLOTS * 2048L, "chunks given back, at most a spare's worth kept: " + slab.bytesReserved());
            long kept = slab.bytesReserved();
            int again = slab.take();
            assertTrue(seen.contains(again));
            assertEquals(kept, slab.bytesReserved());
            // distinct slots never overlap
            int a = slab.take(), b = slab.take();
            assertNotEquals(slab.offset(a) + (slab.segment(a) == slab.segment(b) ? 0 : 1), slab.offset(b));
        }
    }

    @Test
    void slabGivesChunksBackAfterABurstAndKeepsASpare() {
        try (PacketSlab slab = new PacketSlab(2048)) {
            int[] burst = new int[10 * PacketSlab.SLOTS_PER_CHUNK];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = slab.take();
            }
            long peak = slab.bytesReserved();
            assertEquals((16 + 32 + 64 + 128 + 256 * 10) * 2048L, peak);
            // A few long-lived slots taken during the burst, the rest released in a scattered order.
            Set<Integer> kept = Set.of(burst[3], burst[700], burst[2559]);
            for (int i = 0; i < burst.length; i++) {
                int s = burst[(i * 7) % burst.length];
                if (!kept.contains(s)) {
                    slab.release(s);
                }
            }
            assertEquals(3, slab.slotsInUse());
            // The chunks holding the kept slots stay, plus at most the spare.
            assertTrue(slab.bytesReserved() <= (3L * 256 + PacketSlab.SPARE_SLOTS) * 2048, "reserved " + slab.bytesReserved());
            assertTrue(slab.chunksFreed() >= 5, "freed " + slab.chunksFreed());
            // New slots fill the lowest chunk with room first (chunk 0 holds a kept slot), so live slots gather there.
            assertTrue(slab.take() < PacketSlab.SLOTS_PER_CHUNK);
            // Taking and releasing one slot at a chunk boundary never frees and re-allocates per slot.
            long freedBefore = slab.chunksFreed();
            for (int i = 0; i < 1000; i++) {
                slab.release(slab.take());
            }
            assertEquals(freedBefore, slab.chunksFreed());
        }
    }

    /**
     * A transfer's packets in flight: taken at the head, released oldest first, their number swinging
     * between 600 and 1,100 as the window moves. Freeing a chunk closes its arena, a handshake with
     * every thread of the process: the slab must not free and re-allocate chunks on every swing.
     */
    @Test
    void slabKeepsItsChunksWhileAWindowSwings() {
        try (PacketSlab slab = new PacketSlab(2048)) {
            java.util.ArrayDeque<Integer> inFlight = new java.util.ArrayDeque<>();
            for (int swing = 0; swing < 50; swing++) {
                while (inFlight.size() < 1100) {
                    inFlight.addLast(slab.take());
                }
                while (inFlight.size() > 600) {
                    slab.release(inFlight.removeFirst());
                }
            }
            assertTrue(slab.chunksFreed() <= 2, "chunks freed over 50 swings: " + slab.chunksFreed());
            while (!inFlight.isEmpty()) {
                slab.release(inFlight.removeFirst());
            }
            assertTrue(slab.bytesReserved() <= PacketSlab.SPARE_SLOTS * 2048L, "idle again, a spare's worth kept: " + slab.bytesReserved());
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
