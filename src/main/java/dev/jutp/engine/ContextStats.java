package dev.jutp.engine;

/**
 * Engine-wide counters: libutp's datagram size histogram ({@code utp_context_stats}) and the
 * drop counters that show what hostile or broken peers sent.
 */
public final class ContextStats {
    /** Upper bounds (inclusive) of the size buckets: ≤23, ≤373, ≤723, ≤1400, larger. */
    static final int[] BUCKET_LIMITS = {23, 373, 723, 1400};

    public final int[] rawReceived = new int[5];
    public final int[] rawSent = new int[5];
    public long notUtp;
    public long malformed;
    public long unknownConnection;
    public long resetsSent;
    public long resetsSuppressed;
    /** RSTs for a known connection whose ack_nr acknowledges nothing it sent (forged, dropped). */
    public long resetsIgnored;
    public long synsIgnored;
    /** SYNs answered with an RST because the context holds maxConnections connections. */
    public long synsRefusedFull;
    public long synsAccepted;
    public long synAckResent;
    /** Half-open connections pushed out of a full SYN backlog by newer SYNs. */
    public long halfOpenEvicted;
    /** Retransmission timeouts put off to the next tick by the per-tick budget (Engine.TIMEOUTS_PER_SECOND). */
    public long timeoutsDeferred;

    static int bucket(int length) {
        for (int i = 0; i < BUCKET_LIMITS.length; i++) {
            if (length <= BUCKET_LIMITS[i]) {
                return i;
            }
        }
        return BUCKET_LIMITS.length;
    }
}
