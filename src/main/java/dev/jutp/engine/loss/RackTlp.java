package dev.jutp.engine.loss;

import dev.jutp.wire.Seq;

/**
 * Time-based loss detection for one connection: RACK and the tail-loss probe (RFC 8985), with
 * the probe timeout shaped like QUIC's PTO (RFC 9002 §6.2). Pure decisions over send times the
 * connection supplies; it sends nothing and reads no clock.
 *
 * <p>RACK: a packet is lost once a packet sent after it was delivered (acked or SACKed) and a
 * reordering window has passed beyond the round trip of that delivered packet. Unlike counting
 * SACK marks, this also finds a lost retransmission (its send time is its retransmission's), and
 * works with too few packets in flight for three marks.
 *
 * <p>TLP: when packets are outstanding and nothing was acked or sent for a probe timeout (about
 * two smoothed RTTs), a probe (the newest packet again) draws an ack whose SACK lets RACK find
 * the tail's losses, instead of waiting for the 1 s retransmission timeout. If the probe or its
 * ack is lost too, probes continue with the timeout doubled each time, as QUIC's PTO (RFC 9002
 * §6.2.1), until an ack brings progress or the retransmission timeout, which stays the last resort,
 * takes over.
 */
public final class RackTlp {
    /** No delivery seen yet. */
    private static final long NONE = Long.MIN_VALUE;
    /** Floor of the probe timeout: below it acks merely batched by the peer's event loop look lost. */
    public static final long MIN_PROBE_TIMEOUT_MICROS = 10_000;
    /** Allowance for an ack the peer delays while one packet is in flight (libtorrent defers acks to the end of a read batch). */
    public static final long SINGLE_PACKET_ACK_DELAY_MICROS = 10_000;

    /** Send time and sequence number of the most recently sent packet known delivered. */
    private long deliveredSentMicros = NONE;
    private int deliveredSeq;
    /** Round trip of that packet. */
    private long deliveredRttMicros;
    private long minRttMicros = Long.MAX_VALUE;

    /** Probe backoff stops doubling here (64 probe timeouts): the RTO comes first anyway. */
    static final int MAX_BACKOFF_SHIFT = 6;

    private long probeArmedMicros = NONE;
    /** Probes sent since the last progress. */
    private int probes;

    /**
     * The packet {@code seq}, last transmitted at {@code sentMicros} ({@code transmissions} times in
     * all), was acked or SACKed at {@code nowMicros}.
     */
    public void onDelivered(int seq, long sentMicros, int transmissions, long nowMicros) {
        long rtt = nowMicros - sentMicros;
        if (rtt < 0) {
            return;
        }
        if (transmissions > 1 && rtt < minRttMicros) {
            return;                 // faster than any round trip: the original's ack, not the retransmission's
        }
        minRttMicros = Math.min(minRttMicros, rtt);
        if (sentAfter(sentMicros, seq, deliveredSentMicros, deliveredSeq)) {
            deliveredSentMicros = sentMicros;
            deliveredSeq = seq;
            deliveredRttMicros = rtt;
        }
    }

    public boolean hasDelivery() {
        return deliveredSentMicros != NONE;
    }

    /** Timer granularity (RFC 9002's kGranularity): the reordering window is never shorter. */
    public static final long GRANULARITY_MICROS = 1_000;

    /**
     * Reordering tolerated: a quarter of the minimum RTT, at most the smoothed RTT (RFC 8985 §6.2
     * step 4), at least {@link #GRANULARITY_MICROS}.
     */
    public long reorderWindowMicros(long smoothedRttMicros) {
        long window = minRttMicros == Long.MAX_VALUE ? 0 : Math.min(minRttMicros / 4, Math.max(0, smoothedRttMicros));
        return Math.max(window, GRANULARITY_MICROS);
    }

    /**
     * Microseconds until the outstanding packet {@code seq}, last sent at {@code sentMicros}
     * ({@code transmissions} times in all), is judged lost: zero or less means lost now;
     * {@link Long#MAX_VALUE} means no evidence (nothing sent after it has been delivered). A
     * retransmission sent in the same microsecond as the delivered packet counts as sent after it,
     * whatever the sequence numbers say.
     */
    public long lossDelayMicros(int seq, long sentMicros, int transmissions, long nowMicros, long smoothedRttMicros) {
        if (deliveredSentMicros == NONE || !sentAfter(deliveredSentMicros, deliveredSeq, sentMicros, seq)
                || transmissions > 1 && sentMicros >= deliveredSentMicros) {
            return Long.MAX_VALUE;
        }
        return sentMicros + deliveredRttMicros + reorderWindowMicros(smoothedRttMicros) - nowMicros;
    }

    private static boolean sentAfter(long t1, int seq1, long t2, int seq2) {
        return t2 == NONE || t1 > t2 || t1 == t2 && Seq.lessThan(seq2, seq1);
    }

    // ------------------------------------------------------------------ tail-loss probe

    /**
     * The probe timeout: twice the smoothed RTT, or the RTT plus four deviations if that is longer
     * (RFC 9002's PTO without an ack-delay term: uTP peers ack at the end of each read batch), plus
     * an ack-delay allowance when one packet is in flight; at least {@link #MIN_PROBE_TIMEOUT_MICROS}.
     */
    public static long probeTimeoutMicros(long smoothedRttMicros, long rttVarMicros, boolean singlePacket) {
        long pto = Math.max(2 * smoothedRttMicros, smoothedRttMicros + 4 * rttVarMicros);
        if (singlePacket) {
            pto += SINGLE_PACKET_ACK_DELAY_MICROS;
        }
        return Math.max(pto, MIN_PROBE_TIMEOUT_MICROS);
    }

    /** New data left or an ack brought progress: the probe timer restarts from now, without backoff. */
    public void armProbe(long nowMicros) {
        probeArmedMicros = nowMicros;
        probes = 0;
    }

    /** Nothing outstanding, or the RTO took over: no probe timer until the next progress. */
    public void disarmProbe() {
        probeArmedMicros = NONE;
        probes = 0;
    }

    /** Whether a probe is due now: the probe timeout, doubled for each probe already sent unanswered. */
    public boolean probeDue(long nowMicros, long probeTimeoutMicros) {
        return probeArmedMicros != NONE
                && nowMicros - probeArmedMicros >= probeTimeoutMicros << Math.min(probes, MAX_BACKOFF_SHIFT);
    }

    /** A probe left now: the next one waits twice as long. */
    public void probeSent(long nowMicros) {
        probes++;
        probeArmedMicros = nowMicros;
    }

    /** Probes sent since the last progress. */
    public int probesOutstanding() {
        return probes;
    }
}
