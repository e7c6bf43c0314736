package dev.jutp.engine;

/**
 * Per-connection counters (libutp's {@code utp_socket_stats}, always kept — libutp only keeps
 * them in debug builds), plus counters libutp lacks. Live values, updated in place.
 */
public final class ConnectionStats {
    /** Datagram bytes received and sent through this connection, headers included. */
    public long bytesReceived;
    public long bytesSent;
    /** Retransmissions triggered by SACK or duplicate acks (libutp's rexmit). */
    public int fastRetransmits;
    /** Retransmissions in post-timeout recovery (libutp's fastrexmit). */
    public int timeoutRecoveryRetransmits;
    /** Retransmissions on RTO expiry (libutp does not count these). */
    public int timeoutRetransmits;
    /** Of {@link #fastRetransmits}: packets RACK found lost by time (a lost retransmission among them). */
    public int rackRetransmits;
    /** Tail-loss probes: the newest packet resent after a probe timeout of silence. */
    public int tailLossProbes;
    public int packetsSent;
    public int packetsReceived;
    /** Duplicates of buffered out-of-order packets (libutp's nduprecv). */
    public int duplicatesReceived;
    /** Duplicates of already delivered packets (libutp does not count these). */
    public int staleReceived;
    /** Packets dropped by the ack-window sanity check or as malformed. */
    public int invalidReceived;
    /** DATA dropped because it lay beyond the receive window we advertised (libutp keeps it). */
    public int windowOverrunDrops;
    public long payloadBytesDelivered;
    /** In-order payload bytes taken in, delivered or not (after SHUT_RD they are acked, not read). */
    public long payloadBytesAccepted;
}
