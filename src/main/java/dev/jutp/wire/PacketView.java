package dev.jutp.wire;

import java.lang.foreign.MemorySegment;

/**
 * A parsed view of one datagram: the header fields plus where the selective ACK, the
 * extension bits and the payload sit. One instance is reused for every packet, so parsing
 * allocates nothing; nothing is copied.
 *
 * <p>{@link #parse} never throws on peer bytes: it returns a verdict.
 */
public final class PacketView {
    /** A well-formed uTP v1 packet. */
    public static final int OK = 0;
    /** Not uTP v1 (too short, wrong version, type or first extension): not ours to answer. */
    public static final int NOT_UTP = 1;
    /** uTP v1 header, but the extension chain runs past the end or breaks a rule. */
    public static final int MALFORMED = 2;

    public MemorySegment segment;
    public long offset;
    public int length;

    public int type;
    public int connectionId;
    public int timestamp;
    public int timestampDifference;
    public long windowSize;
    public int seq;
    public int ack;

    /** Offset of the selective-ACK bitmask in {@link #segment}, or -1 when absent. */
    public long sackOffset = -1;
    /** Length of the selective-ACK bitmask in bytes (any length is accepted on receive). */
    public int sackLength;
    /** Offset of the 8 extension-bits bytes, or -1 when absent. */
    public long extensionBitsOffset = -1;

    public long payloadOffset;
    public int payloadLength;

    public int parse(MemorySegment s, long off, int len) {
        if (!Header.isUtpV1(s, off, len)) {
            return NOT_UTP;
        }
        segment = s;
        offset = off;
        length = len;
        type = Header.type(s, off);
        connectionId = Header.connectionId(s, off);
        timestamp = Header.timestamp(s, off);
        timestampDifference = Header.timestampDifference(s, off);
        windowSize = Header.windowSize(s, off);
        seq = Header.seq(s, off);
        ack = Header.ack(s, off);
        sackOffset = -1;
        sackLength = 0;
        extensionBitsOffset = -1;

        long end = off + len;
        long pos = off + Header.SIZE;
        int ext = Header.extension(s, off);
        // Each extension advances pos by at least 2 bytes, so the walk ends within len/2 steps.
        while (ext != Header.EXT_NONE) {
            if (pos + 2 > end) {
                return MALFORMED;
            }
            int next = s.get(Header.U8, pos) & 0xFF;
            int extLen = s.get(Header.U8, pos + 1) & 0xFF;
            pos += 2;
            if (pos + extLen > end) {
                return MALFORMED;
            }
            if (ext == Header.EXT_SACK) {
                sackOffset = pos;       // a repeated SACK: the last one wins, as in libutp
                sackLength = extLen;
            } else if (ext == Header.EXT_BITS) {
                if (extLen != 8) {
                    return MALFORMED;
                }
                extensionBitsOffset = pos;
            }
            // Unknown types in a non-first position are skipped.
            pos += extLen;
            ext = next;
        }
        payloadOffset = pos;
        payloadLength = (int) (end - pos);
        return OK;
    }

    public boolean hasSack() {
        return sackOffset >= 0;
    }
}
