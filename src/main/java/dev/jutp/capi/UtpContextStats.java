package dev.jutp.capi;

import dev.jutp.engine.ContextStats;
import dev.jutp.engine.buf.PacketSlab;

/**
 * libutp's {@code utp_context_stats}: datagram counts by size bucket (≤23, ≤373, ≤723, ≤1400,
 * larger), a live view. Also the drop counters jutp keeps for hostile input.
 */
public final class UtpContextStats {
    private final ContextStats s;
    private final PacketSlab slab;

    UtpContextStats(ContextStats stats, PacketSlab slab) {
        this.s = stats;
        this.slab = slab;
    }

    /** Off-heap bytes the context's packet memory holds now (it shrinks again after a burst). */
    public long packetMemoryBytes() {
        return slab.bytesReserved();
    }

    /** Packet slots (2 KiB each) in use: unacked sent packets and out-of-order received ones. */
    public int packetSlotsInUse() {
        return slab.slotsInUse();
    }

    /** Datagrams received in size bucket 0…4; {@link IllegalArgumentException} for another bucket. */
    public int nraw_recv(int bucket) {
        return s.rawReceived[checkBucket(bucket)];
    }

    /** Datagrams sent in size bucket 0…4; {@link IllegalArgumentException} for another bucket. */
    public int nraw_send(int bucket) {
        return s.rawSent[checkBucket(bucket)];
    }

    private int checkBucket(int bucket) {
        if (bucket < 0 || bucket >= s.rawSent.length) {
            throw new IllegalArgumentException("no size bucket " + bucket + " (0…" + (s.rawSent.length - 1) + ")");
        }
        return bucket;
    }

    public int[] _nraw_recv() {
        return s.rawReceived.clone();
    }

    public int[] _nraw_send() {
        return s.rawSent.clone();
    }

    public long notUtp() {
        return s.notUtp;
    }

    public long malformed() {
        return s.malformed;
    }

    public long unknownConnection() {
        return s.unknownConnection;
    }

    public long resetsSent() {
        return s.resetsSent;
    }

    public long resetsSuppressed() {
        return s.resetsSuppressed;
    }

    /** RSTs for a known socket whose ack_nr acknowledges nothing it sent (dropped as forged). */
    public long resetsIgnored() {
        return s.resetsIgnored;
    }

    public long synsIgnored() {
        return s.synsIgnored;
    }

    public long synsAccepted() {
        return s.synsAccepted;
    }

    public long synAckResent() {
        return s.synAckResent;
    }
}
