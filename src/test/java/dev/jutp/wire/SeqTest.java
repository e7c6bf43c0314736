package dev.jutp.wire;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SeqTest {
    @Test
    void addWraps() {
        assertEquals(0, Seq.add(0xFFFF, 1));
        assertEquals(0xFFFF, Seq.add(0, -1));
        assertEquals(5, Seq.add(0xFFFE, 7));
    }

    @Test
    void distanceIsForward() {
        assertEquals(1, Seq.distance(0xFFFF, 0));
        assertEquals(0xFFFF, Seq.distance(0, 0xFFFF));
        assertEquals(0, Seq.distance(42, 42));
    }

    @Test
    void lessThanWrapsLikeLibutp() {
        assertTrue(Seq.lessThan(1, 2));
        assertFalse(Seq.lessThan(2, 1));
        assertFalse(Seq.lessThan(7, 7));
        assertTrue(Seq.lessThan(0xFFF0, 0x0010));     // across the wrap
        assertFalse(Seq.lessThan(0x0010, 0xFFF0));
        assertTrue(Seq.lessThan(0, 0x7FFF));
        assertFalse(Seq.lessThan(0, 0x8001));
    }

    @Test
    void timestampsWrapOn32Bits() {
        assertTrue(Timestamps.lessThan(0xFFFF_FFF0, 0x10));
        assertFalse(Timestamps.lessThan(0x10, 0xFFFF_FFF0));
        assertEquals(0x20L, Timestamps.difference(0x10, 0xFFFF_FFF0));
        assertEquals(0x1234_5678, Timestamps.wire(0xABCD_1234_5678L));
    }
}
