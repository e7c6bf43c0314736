package dev.jutp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The reference vectors of the SipHash paper (key 00..0f, messages 00, 01, .. of length 0..15). */
class SipHashTest {
    static final long K0 = 0x0706050403020100L;
    static final long K1 = 0x0f0e0d0c0b0a0908L;

    /** SipHash-2-4 of the bytes 0, 1, .., len-1 under the reference key. */
    static long reference(int len) {
        long[] words = new long[2];
        int n = len / 8;
        long tail = 0;
        for (int i = 0; i < len; i++) {
            long b = (long) i << (8 * (i % 8));
            if (i / 8 < n) {
                words[i / 8] |= b;
            } else {
                tail |= b;
            }
        }
        return SipHash.hash(K0, K1, 2, 4, words, n, tail, len);
    }

    @Test
    void matchesThePapersSipHash24Vectors() {
        assertEquals(0x726fdb47dd0e0e31L, reference(0));
        assertEquals(0x74f839c593dc67fdL, reference(1));
        assertEquals(0x93f5f5799a932462L, reference(8));
        assertEquals(0xa129ca6149be45e5L, reference(15));
    }

    @Test
    void theKeyChangesEverything() {
        long[] w = {42};
        assertNotEquals(SipHash.hash(1, 2, 1, 3, w, 1, 0, 8), SipHash.hash(1, 3, 1, 3, w, 1, 0, 8));
    }
}
