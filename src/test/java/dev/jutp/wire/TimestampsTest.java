package dev.jutp.wire;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The 32-bit timestamp circle at its edges (ordinary wrap cases are in SeqTest). */
class TimestampsTest {
    @Test
    void equalValuesAreNotOrdered() {
        assertFalse(Timestamps.lessThan(0x1234, 0x1234));
        assertEquals(0, Timestamps.difference(0xFFFF_FFFF, 0xFFFF_FFFF));
    }

    @Test
    void exactlyHalfACircleApartNeitherIsBefore() {
        // libutp's wrapping_compare_less: dist_up < dist_down, a tie is "not less" both ways
        assertFalse(Timestamps.lessThan(0, 0x8000_0000));
        assertFalse(Timestamps.lessThan(0x8000_0000, 0));
        assertTrue(Timestamps.lessThan(0, 0x7FFF_FFFF));
        assertTrue(Timestamps.lessThan(0x8000_0001, 0));
    }

    @Test
    void differenceIsTheForwardDistanceAsUnsigned() {
        assertEquals(0xFFFF_FFFFL, Timestamps.difference(0, 1), "one step back is 2^32 - 1, never negative");
        assertEquals(0x8000_0000L, Timestamps.difference(0x8000_0000, 0));
        assertEquals(-1, Timestamps.wire(0xFFFF_FFFFL), "the wire carries the low 32 bits");
        assertEquals(0, Timestamps.wire(1L << 32));
    }
}
