package dev.jutp.engine.cc;

/**
 * Round-trip time and retransmission timeout, in milliseconds, as libutp computes them
 * (RFC 6298 shape, integer arithmetic): samples only from packets acknowledged after exactly one
 * transmission (Karn), RTO floored at 1 s and not capped.
 */
public final class RttEstimator {
    /** RTO before any sample (used for the SYN). */
    public static final int INITIAL_RTO_MS = 3000;
    /** RTO floor. */
    public static final int MIN_RTO_MS = 1000;
    static final int INITIAL_RTT_VAR_MS = 800;

    private int rttMillis;
    private int rttVarMillis = INITIAL_RTT_VAR_MS;
    private int rtoMillis = INITIAL_RTO_MS;

    public void addSample(int sampleMillis) {
        int ertt = Math.max(0, sampleMillis);
        if (rttMillis == 0) {
            rttMillis = ertt;
            rttVarMillis = ertt / 2;
        } else {
            int delta = Math.abs(rttMillis - ertt);
            rttVarMillis += (delta - rttVarMillis) / 4;
            rttMillis = rttMillis - rttMillis / 8 + ertt / 8;
        }
        rtoMillis = Math.max(rttMillis + 4 * rttVarMillis, MIN_RTO_MS);
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
