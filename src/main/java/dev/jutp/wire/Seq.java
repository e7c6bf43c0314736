package dev.jutp.wire;

/**
 * 16-bit sequence-number arithmetic (seq_nr, ack_nr, connection ids). Every value is an
 * {@code int} in [0, 0xFFFF]; every result is masked back into that range.
 */
public final class Seq {
    public static final int MASK = 0xFFFF;

    private Seq() {}

    public static int add(int seq, int n) {
        return (seq + n) & MASK;
    }

    /** Forward distance from {@code from} to {@code to}, in [0, 0xFFFF]. */
    public static int distance(int from, int to) {
        return (to - from) & MASK;
    }

    /** Wrapping "a is before b": the way up from a to b is shorter than the way down (libutp's rule). */
    public static boolean lessThan(int a, int b) {
        int down = (a - b) & MASK;
        int up = (b - a) & MASK;
        return up < down;
    }
}
