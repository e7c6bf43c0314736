package dev.jutp;

/** How an endpoint's streams find lost packets ({@link UtpOptions#withLossRecovery}). */
public enum LossRecovery {
    /**
     * RACK-TLP, the default: RACK's time-based detection from SACK (RFC 8985; a lost retransmission
     * is found without a timeout) and tail-loss probes from about two smoothed RTTs, backing off as
     * QUIC's PTO (RFC 9002), ahead of the 1 s retransmission timeout.
     */
    RACK_TLP,
    /** libutp's rules, unchanged: three SACK marks or duplicate acks, else the retransmission timeout. */
    LIBUTP
}
