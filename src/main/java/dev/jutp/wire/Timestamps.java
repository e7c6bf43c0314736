package dev.jutp.wire;

/**
 * 32-bit microsecond timestamp arithmetic. Values are {@code int}s read as unsigned; they wrap
 * every 71.6 minutes, so ordering must use the wrapping comparison.
 */
public final class Timestamps {
    private Timestamps() {}

    /** Low 32 bits of a 64-bit microsecond clock, as carried on the wire. */
    public static int wire(long micros) {
        return (int) micros;
    }

    /** {@code (a - b) mod 2^32} as an unsigned value. */
    public static long difference(int a, int b) {
        return (a - b) & 0xFFFF_FFFFL;
    }

    /** Wrapping "a is before b" on the 32-bit circle. */
    public static boolean lessThan(int a, int b) {
        long down = (a - b) & 0xFFFF_FFFFL;
        long up = (b - a) & 0xFFFF_FFFFL;
        return up < down;
    }
}
