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

    /**
     * Off-heap bytes the context's packet memory holds now (it shrinks again after a burst).
     *
     * @return bytes
     */
    public long packetMemoryBytes() {
        return slab.bytesReserved();
    }

    /**
     * Packet slots (2 KiB each) in use: unacked sent packets and out-of-order received ones.
     *
     * @return slots
     */
    public int packetSlotsInUse() {
        return slab.slotsInUse();
    }

    /**
     * Datagrams received in a size bucket (libutp's {@code _nraw_recv[bucket]}).
     *
     * @param bucket 0 (≤23 bytes) … 4 (over 1400 bytes)
     * @return datagrams
     * @throws IllegalArgumentException for a bucket outside 0…4
     */
    public int nraw_recv(int bucket) {
        return s.rawReceived[checkBucket(bucket)];
    }

    /**
     * Datagrams sent in a size bucket (libutp's {@code _nraw_send[bucket]}).
     *
     * @param bucket 0 (≤23 bytes) … 4 (over 1400 bytes)
     * @return datagrams
     * @throws IllegalArgumentException for a bucket outside 0…4
     */
    public int nraw_send(int bucket) {
        return s.rawSent[checkBucket(bucket)];
    }

    private int checkBucket(int bucket) {
        if (bucket < 0 || bucket >= s.rawSent.length) {
            throw new IllegalArgumentException("no size bucket " + bucket + " (0…" + (s.rawSent.length - 1) + ")");
        }
        return bucket;
    }

    /**
     * Datagrams received per size bucket, as libutp's array.
     *
     * @return a fresh copy, one element per bucket 0…4
     */
    public int[] _nraw_recv() {
        return s.rawReceived.clone();
    }

    /**
     * Datagrams sent per size bucket, as libutp's array.
     *
     * @return a fresh copy, one element per bucket 0…4
     */
    public int[] _nraw_send() {
        return s.rawSent.clone();
    }

    /**
     * Datagrams that are not uTP (handed to {@code utp_process_udp}'s caller as unhandled).
     *
     * @return datagrams
     */
    public long notUtp() {
        return s.notUtp;
    }

    /**
     * Datagrams with a uTP version and type that the header parser rejected (dropped).
     *
     * @return datagrams
     */
    public long malformed() {
        return s.malformed;
    }

    /**
     * Datagrams for no known connection (answered with a rate-limited RST, never for an RST).
     *
     * @return datagrams
     */
    public long unknownConnection() {
        return s.unknownConnection;
    }

    /**
     * RSTs sent: answers to unknown connections and resets of this context's own connections.
     *
     * @return packets
     */
    public long resetsSent() {
        return s.resetsSent;
    }

    /**
     * RSTs not sent to unknown connections because of the per-peer rate limit.
     *
     * @return packets
     */
    public long resetsSuppressed() {
        return s.resetsSuppressed;
    }

    /**
     * RSTs for a known socket whose ack_nr acknowledges nothing it sent (dropped as forged).
     *
     * @return packets
     */
    public long resetsIgnored() {
        return s.resetsIgnored;
    }

    /**
     * SYNs not accepted: a duplicate of a live connection, no {@code UTP_ON_ACCEPT} callback, refused by
     * {@code UTP_ON_FIREWALL}, or the context at its connection cap.
     *
     * @return packets
     */
    public long synsIgnored() {
        return s.synsIgnored;
    }

    /**
     * SYNs that created a connection.
     *
     * @return packets
     */
    public long synsAccepted() {
        return s.synsAccepted;
    }

    /**
     * SYN-ACKs sent again for a retransmitted SYN (the first one was lost).
     *
     * @return packets
     */
    public long synAckResent() {
        return s.synAckResent;
    }
}
