package dev.jutp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes the selective-ACK extension of an outgoing STATE packet: the extension header (no next
 * extension, {@link Sack#SEND_LENGTH} bytes) and the mask, bit k set when seq ack_nr + 2 + k has
 * been received. Allocates nothing.
 */
public final class SackWriter {
    /** Bytes {@link #write} appends after the header. */
    public static final int EXTENSION_BYTES = 2 + Sack.SEND_LENGTH;

    /** What the receiver holds beyond the next expected packet (the reorder buffer). */
    public interface Received {
        boolean contains(int seq);
    }

    private SackWriter() {}

    /**
     * Writes the extension at {@code offset} (right after the header, whose extension byte the
     * caller sets to {@link Header#EXT_SACK}) for a packet acking {@code ack}, looking at the
     * first {@code bits} bits (at most {@link Sack#MAX_SEND_BITS}; the rest stay clear).
     * Returns {@link #EXTENSION_BYTES}.
     */
    public static int write(MemorySegment s, long offset, int ack, int bits, Received received) {
        s.set(Header.U8, offset, (byte) 0);
        s.set(Header.U8, offset + 1, (byte) Sack.SEND_LENGTH);
        long mask = offset + 2;
        s.set(ValueLayout.JAVA_INT_UNALIGNED, mask, 0);      // the SEND_LENGTH (4) mask bytes
        int n = Math.min(bits, Sack.MAX_SEND_BITS);
        for (int k = 0; k < n; k++) {
            if (received.contains(Sack.seqOfBit(ack, k))) {
                Sack.set(s, mask, k);
            }
        }
        return EXTENSION_BYTES;
    }
}
