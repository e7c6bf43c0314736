package dev.jutp.engine;

/**
 * SipHash (Aumasson and Bernstein) over 64-bit words, written from the paper's description.
 * A keyed pseudo-random function: without the 128-bit key an attacker cannot choose inputs that
 * collide, which an unkeyed table hash lets him do. Words are fed as the little-endian 8-byte
 * blocks of the message they stand for, so {@code hash(k0, k1, 2, 4, words, n, byteLength)} is
 * standard SipHash-2-4 of that byte string; the connection table uses 1-3. No allocation.
 */
final class SipHash {
    private SipHash() {}

    /**
     * Hashes {@code n} full words followed by a final block holding {@code tail} (the message's
     * remaining 0-7 bytes, little-endian, upper bytes zero) and the length byte.
     */
    static long hash(long k0, long k1, int cRounds, int dRounds, long[] words, int n, long tail, int byteLength) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        for (int i = 0; i <= n; i++) {
            long m = i < n ? words[i] : tail | ((long) byteLength << 56);
            v3 ^= m;
            for (int r = 0; r < cRounds; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < dRounds; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
