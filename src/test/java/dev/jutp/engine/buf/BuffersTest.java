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
            int again = slab.take();
            assertTrue(seen.contains(again));
            assertEquals(2L * 256 * 2048, slab.bytesReserved());
            // distinct slots never overlap
            int a = slab.take(), b = slab.take();
            assertNotEquals(slab.offset(a) + (slab.segment(a) == slab.segment(b) ? 0 : 1), slab.offset(b));
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
}
