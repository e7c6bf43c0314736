package dev.jutp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 20-byte uTP v1 header (BEP 29), read and written in place. All multi-byte fields are
 * big-endian and unaligned. The accessors never validate: {@link PacketView#parse} decides
 * whether bytes from the network are a packet at all.
 *
 * <pre>
 *  0      type(4) | version(4)     1  first extension type
 *  2..3   connection_id            4..7   timestamp_microseconds
 *  8..11  timestamp_difference_us  12..15 wnd_size
 *  16..17 seq_nr                   18..19 ack_nr
 * </pre>
 */
public final class Header {
    public static final int SIZE = 20;
    public static final int VERSION = 1;

    public static final int ST_DATA = 0;
    public static final int ST_FIN = 1;
    public static final int ST_STATE = 2;
    public static final int ST_RESET = 3;
    public static final int ST_SYN = 4;
    public static final int TYPE_COUNT = 5;

    public static final int EXT_NONE = 0;
    public static final int EXT_SACK = 1;
    public static final int EXT_BITS = 2;

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;

    private Header() {}

    public static int type(MemorySegment s, long off) {
        return (s.get(U8, off) >> 4) & 0x0F;
    }

    public static int version(MemorySegment s, long off) {
        return s.get(U8, off) & 0x0F;
    }

    public static int extension(MemorySegment s, long off) {
        return s.get(U8, off + 1) & 0xFF;
    }

    public static int connectionId(MemorySegment s, long off) {
        return s.get(U16, off + 2) & 0xFFFF;
    }

    public static int timestamp(MemorySegment s, long off) {
        return s.get(U32, off + 4);
    }

    public static int timestampDifference(MemorySegment s, long off) {
        return s.get(U32, off + 8);
    }

    /** The advertised window, an unsigned 32-bit value. */
    public static long windowSize(MemorySegment s, long off) {
        return s.get(U32, off + 12) & 0xFFFF_FFFFL;
    }

    public static int seq(MemorySegment s, long off) {
        return s.get(U16, off + 16) & 0xFFFF;
    }

    public static int ack(MemorySegment s, long off) {
        return s.get(U16, off + 18) & 0xFFFF;
    }

    /** Writes a whole header. {@code window} is clamped to the unsigned 32-bit range. */
    public static void write(MemorySegment s, long off, int type, int extension, int connectionId,
                             int timestamp, int timestampDifference, long window, int seq, int ack) {
        s.set(U8, off, (byte) ((type << 4) | VERSION));
        s.set(U8, off + 1, (byte) extension);
        s.set(U16, off + 2, (short) connectionId);
        s.set(U32, off + 4, timestamp);
        s.set(U32, off + 8, timestampDifference);
        s.set(U32, off + 12, (int) Math.min(Math.max(window, 0), 0xFFFF_FFFFL));
        s.set(U16, off + 16, (short) seq);
        s.set(U16, off + 18, (short) ack);
    }

    public static void setExtension(MemorySegment s, long off, int extension) {
        s.set(U8, off + 1, (byte) extension);
    }

    public static void setTimestamps(MemorySegment s, long off, int timestamp, int timestampDifference) {
        s.set(U32, off + 4, timestamp);
        s.set(U32, off + 8, timestampDifference);
    }

    public static void setWindowSize(MemorySegment s, long off, long window) {
        s.set(U32, off + 12, (int) Math.min(Math.max(window, 0), 0xFFFF_FFFFL));
    }

    public static void setAck(MemorySegment s, long off, int ack) {
        s.set(U16, off + 18, (short) ack);
    }

    /**
     * libutp's recognition test: at least 20 bytes, version nibble 1, type below 5 and a first
     * extension type below 3. Anything else is "not uTP" and may belong to another protocol
     * sharing the UDP port.
     */
    public static boolean isUtpV1(MemorySegment s, long off, long len) {
        if (len < SIZE || off < 0 || off + len > s.byteSize()) {
            return false;
        }
        int b0 = s.get(U8, off) & 0xFF;
        return (b0 & 0x0F) == VERSION && (b0 >> 4) < TYPE_COUNT && extension(s, off) < 3;
    }
}
