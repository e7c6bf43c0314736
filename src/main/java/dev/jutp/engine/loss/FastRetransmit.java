package dev.jutp.engine.loss;

import dev.jutp.wire.Seq;

/**
 * The bookkeeping of count-based loss recovery for one connection: libutp's fast-resend marker
 * (packets before it were resent already or acknowledged, so SACK evidence resends each hole
 * once), the duplicate-ack count, and the recovery after a retransmission timeout in which each
 * ack reaching the oldest packet releases its retransmission. Decisions only: the connection
 * resends. Allocates nothing.
 */
public final class FastRetransmit {
    /** Three SACK marks above a hole, or three duplicate acks, mean it is lost (BEP 29, libutp). */
    public static final int DUPLICATE_ACKS_BEFORE_RESEND = 3;
    /** The least wait (µs) before SACK evidence resends a packet a second time. */
    static final long MIN_SECOND_RESEND_WAIT_MICROS = 10_000;

    /** libutp's fast_resend_seq_nr. */
    private int resendFrom;
    private int duplicateAcks;
    /** After a retransmission timeout, until an ack no longer lands on the oldest packet. */
    private boolean recoveringFromTimeout;

    /** A connection's first sequence number: nothing before it was ever resent (not 1, fixes Q2). */
    public void start(int isn) {
        resendFrom = isn;
    }

    /** Everything up to {@code seq} is resent or acknowledged: the marker moves past it (never back). */
    public void handledThrough(int seq) {
        if (Seq.lessThan(resendFrom, Seq.add(seq, 1))) {
            resendFrom = Seq.add(seq, 1);
        }
    }

    /** Whether {@code seq} is at or after the marker: not fast-resent yet. */
    public boolean notYetResent(int seq) {
        return !Seq.lessThan(seq, resendFrom);
    }

    /**
     * An ack that did not move the window arrived with packets outstanding: {@code duplicate}
     * when it repeats the last cumulative ack with the same window (RFC 5681: a window update is
     * not a duplicate). Returns true on exactly the third duplicate in a row.
     */
    public boolean countAck(boolean duplicate) {
        if (!duplicate) {
            duplicateAcks = 0;
            return false;
        }
        return ++duplicateAcks == DUPLICATE_ACKS_BEFORE_RESEND;
    }

    /** A SACK carried {@code marks} set bits: they count as the duplicates so far. */
    public void sackMarks(int marks) {
        duplicateAcks = marks;
    }

    /** A retransmission timeout that was taken as congestion: the count starts over. */
    public void clearDuplicates() {
        duplicateAcks = 0;
    }

    /** A retransmission timeout resent the oldest packet: the acks that follow release the next ones. */
    public void timedOut() {
        recoveringFromTimeout = true;
    }

    /**
     * After a timeout, an ack arrived and {@code oldest} is the oldest packet still queued
     * ({@code empty}: none). Returns true if {@code oldest} is the next to resend, which the
     * caller then does (and calls {@link #handledThrough}); false ends the recovery.
     */
    public boolean releaseAfterTimeout(int oldest, boolean empty) {
        if (!recoveringFromTimeout) {
            return false;
        }
        if (oldest != resendFrom || empty) {
            recoveringFromTimeout = false;
            return false;
        }
        return true;
    }

    /** Whether a recovery after a timeout is under way. */
    public boolean recoveringFromTimeout() {
        return recoveringFromTimeout;
    }

    /**
     * SACK marks above a hole that prove it lost. With fewer than four packets in flight three
     * marks can never arrive: RACK-TLP mode lowers the threshold to what the window can produce
     * (early retransmit, RFC 5827), never below one; libutp mode keeps three.
     */
    public static int sackThreshold(int queuedPackets, boolean libutpRules) {
        return libutpRules ? DUPLICATE_ACKS_BEFORE_RESEND : Math.clamp(queuedPackets - 1, 1, DUPLICATE_ACKS_BEFORE_RESEND);
    }

    /**
     * Whether SACK evidence may resend a packet already fast-resent: its retransmission
     * ({@code transmissions} ≥ 2, last sent at {@code sentMicros}) has gone unacknowledged for a
     * round trip plus four deviations (at least 10 ms) while later packets keep arriving. libutp
     * never resends a packet twice this way and waits for the RTO, whose give-up count then
     * kills connections on lossy paths.
     */
    public static boolean resendAgain(int transmissions, long sentMicros, long nowMicros,
                                      boolean hasRtt, int rttMillis, int rttVarMillis) {
        if (transmissions < 2 || !hasRtt) {
            return false;
        }
        long waitMicros = Math.max(MIN_SECOND_RESEND_WAIT_MICROS, (rttMillis + 4L * rttVarMillis) * 1000L);
        return nowMicros - sentMicros > waitMicros;
    }
}
