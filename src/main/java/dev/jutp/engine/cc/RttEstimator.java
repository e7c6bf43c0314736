package dev.jutp.engine.cc;

/**
 * Round-trip time and retransmission timeout, in milliseconds, as libutp computes them
 * (RFC 6298 shape, integer arithmetic): samples only from packets acknowledged after exactly one
 * transmission (Karn), RTO floored at 1 s and not capped.
 *
 * <p>This class is the one place where jutp's timing constants live (libutp's utp_internal.cpp values):
 * <ul>
 *   <li>initial RTO 3000 ms (before any sample; the SYN's timer), minimum RTO 1000 ms, no cap;</li>
 *   <li>backoff: the timeout doubles on every expiry ({@link #backoff}), except after a lost
 *       MTU probe, which is not congestion;</li>
 *   <li>give-up: at the expiry after {@link #GIVE_UP_RETRANSMISSIONS} consecutive unanswered
 *       retransmissions ({@link #GIVE_UP_SYN_RETRANSMISSIONS} for the SYN) the connection fails
 *       with ETIMEDOUT; any acknowledgement resets the count. jutp lets a context raise the data
 *       count (option {@code JUTP_GIVE_UP_RETRANSMISSIONS}) for very lossy paths; the SYN's
 *       count follows it ({@link #synGiveUp}).</li>
 * </ul>
 *
 * <p>Unlike libutp, "no sample yet" is a flag rather than {@code rtt == 0}, so a LAN whose first
 * sample rounds to 0 ms still gets a variance from its second sample.
 */
public final class RttEstimator {
    /** RTO before any sample (used for the SYN). */
    public static final int INITIAL_RTO_MS = 3000;
    /** RTO floor. */
    public static final int MIN_RTO_MS = 1000;
    /** Consecutive RTO expiries with data outstanding tolerated before ETIMEDOUT (libutp: 4). */
    public static final int GIVE_UP_RETRANSMISSIONS = 4;
    /** The same for the SYN (libutp: 2). */
    public static final int GIVE_UP_SYN_RETRANSMISSIONS = 2;
    static final int INITIAL_RTT_VAR_MS = 800;

    private int rttMillis;
    private int rttVarMillis = INITIAL_RTT_VAR_MS;
    private int rtoMillis = INITIAL_RTO_MS;
    private boolean sampled;

    public void addSample(int sampleMillis) {
        int ertt = Math.max(0, sampleMillis);
        if (!sampled) {
            sampled = true;
            rttMillis = ertt;
            rttVarMillis = ertt / 2;
        } else {
            int delta = Math.abs(rttMillis - ertt);
            rttVarMillis += (delta - rttVarMillis) / 4;
            rttMillis = rttMillis - rttMillis / 8 + ertt / 8;
        }
        rtoMillis = Math.max(rttMillis + 4 * rttVarMillis, MIN_RTO_MS);
    }

    /**
     * The SYN's give-up count for a data give-up count: libutp's 2 for the default 4, and two
     * less than a raised data count (a SYN lost six times in a row on a 30 %-loss path is not
     * a dead peer either).
     */
    public static int synGiveUp(int dataGiveUp) {
        return Math.max(GIVE_UP_SYN_RETRANSMISSIONS, dataGiveUp - 2);
    }

    /** The timeout to arm after an expiry of {@code currentMillis}: doubled, uncapped (libutp). */
    public static int backoff(int currentMillis) {
        return (int) Math.min((long) currentMillis * 2, Integer.MAX_VALUE);
    }

    public boolean hasSample() {
        return sampled;
    }

    public int rttMillis() {
        return rttMillis;
    }

    public int rttVarMillis() {
        return rttVarMillis;
    }

    public int rtoMillis() {
        return rtoMillis;
    }
}
