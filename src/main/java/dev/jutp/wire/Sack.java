package dev.jutp.wire;

import java.lang.foreign.MemorySegment;

/**
 * The selective-ACK bitmask (extension type 1). Bit k (byte k/8, bit k%8, least significant
 * first) says "seq ack_nr + 2 + k has been received"; ack_nr + 1 is missing by definition.
 */
public final class Sack {
    /** The mask length we send: 4 bytes, as libutp (receivers accept any length). */
    public static final int SEND_LENGTH = 4;
    /** libutp never sets bits 30 and 31; peers tuned to it expect at most 30. */
    public static final int MAX_SEND_BITS = 30;

    private Sack() {}

    public static boolean isSet(MemorySegment s, long maskOffset, int bit) {
        return (s.get(Header.U8, maskOffset + (bit >>> 3)) & (1 << (bit & 7))) != 0;
    }

    public static void set(MemorySegment s, long maskOffset, int bit) {
        long at = maskOffset + (bit >>> 3);
        s.set(Header.U8, at, (byte) (s.get(Header.U8, at) | (1 << (bit & 7))));
    }

    /** Sequence number that bit {@code bit} of a SACK in a packet acking {@code ack} refers to. */
    public static int seqOfBit(int ack, int bit) {
        return Seq.add(ack, 2 + bit);
    }
}
