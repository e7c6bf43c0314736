package dev.jutp.bench.e2e;

import java.util.Arrays;

/**
 * The bytes every end-to-end run moves: byte i of the stream is {@code (i*31+7) & 0xff}, the same
 * rule as bench/libutp/utp_bench.c, so a jutp end and a libutp end check each other's data.
 */
public final class DataPattern {
    static final int PERIOD = 256;
    static final int CHUNK = 1 << 16;
    /** One chunk of the stream starting at any offset o is {@code BYTES[o % 256 .. o % 256 + CHUNK)}. */
    static final byte[] BYTES = new byte[CHUNK + PERIOD];

    static {
        for (int i = 0; i < BYTES.length; i++) {
            BYTES[i] = (byte) ((i * 31 + 7) & 0xff);
        }
    }

    private DataPattern() {}

    /**
     * Checks {@code n <= CHUNK} received bytes that sit at stream offset {@code streamOffset}.
     *
     * @return the stream offset of the first wrong byte, or -1 when all match
     */
    static long firstMismatch(byte[] buf, int n, long streamOffset) {
        int from = (int) (streamOffset % PERIOD);
        int at = Arrays.mismatch(buf, 0, n, BYTES, from, from + n);
        return at < 0 ? -1 : streamOffset + at;
    }
}
