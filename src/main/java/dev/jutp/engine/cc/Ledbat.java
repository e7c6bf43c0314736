package dev.jutp.engine.cc;

/**
 * The LEDBAT window as libutp runs it (BEP 29): grow by at most 3000 bytes per window's worth
 * of acknowledgements while the one-way queuing delay is under target, shrink in proportion
 * when it is over; halve on loss at most once per RTT (≥ 100 ms); collapse to one packet on timeout.
 * libutp's "slow start" grows about one packet per RTT and is kept as it is (quirk Q17): it is
 * what keeps uTP a background flow.
 */
public final class Ledbat implements CongestionController {
    public static final int MAX_CWND_INCREASE_BYTES_PER_RTT = 3000;
    /** Slow start ends here at the latest (libutp's ssthresh). */
    public static final int INITIAL_SSTHRESH = 1 << 20;
    public static final int MIN_WINDOW_BYTES = 10;
    public static final int DEFAULT_TARGET_MICROS = 100_000;
    static final int MAX_WINDOW_DECAY_MILLIS = 100;
    /** A sender not window-limited in the last second does not grow its window. */
    static final int WINDOW_FULL_MEMORY_MILLIS = 1000;

    private long windowBytes;
    private long ssthresh;
    private boolean slowStart = true;
    private long lastDecayMillis = Long.MIN_VALUE / 2;

    public Ledbat(int initialWindow, int ssthresh) {
        this.windowBytes = initialWindow;
        this.ssthresh = ssthresh;
    }

    @Override
    public int kind() {
        return LEDBAT;
    }

    @Override
    public long window() {
        return windowBytes;
    }

    @Override
    public void setWindow(long bytes) {
        windowBytes = bytes;
    }

    @Override
    public boolean inSlowStart() {
        return slowStart;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public void onAck(AckSample a) {
        onAck(a.ackedBytes, a.queuingDelayMicros, a.targetMicros, a.packetSize, a.sndbuf, a.nowMillis,
                a.lastWindowFullMillis);
    }

    /**
     * One congestion-control update.
     *
     * @param ackedBytes     payload bytes newly acknowledged by this packet
     * @param ourDelayMicros queuing delay of our direction, already capped by the RTT
     * @param targetMicros   target delay (≤ 0 means the default)
     * @param lastFullMillis when the window was last found full
     */
    public void onAck(long ackedBytes, long ourDelayMicros, int targetMicros, int packetSize,
                      int sndbuf, long nowMillis, long lastFullMillis) {
        double target = targetMicros <= 0 ? DEFAULT_TARGET_MICROS : targetMicros;
        double windowFactor = (double) Math.min(ackedBytes, windowBytes) / (double) Math.max(windowBytes, ackedBytes);
        double delayFactor = (target - ourDelayMicros) / target;
        double gain = MAX_CWND_INCREASE_BYTES_PER_RTT * windowFactor * delayFactor;
        if (gain > 0 && nowMillis - lastFullMillis > WINDOW_FULL_MEMORY_MILLIS) {
            gain = 0;   // application-limited: growing would be growing on no evidence
        }
        long ledbatWindow = (long) Math.max(MIN_WINDOW_BYTES, windowBytes + gain);
        if (slowStart) {
            long ssWindow = (long) (windowBytes + windowFactor * packetSize);
            if (ssWindow > ssthresh) {
                slowStart = false;
            } else if (ourDelayMicros > target * 0.9) {
                slowStart = false;
                ssthresh = windowBytes;
            } else {
                windowBytes = Math.max(ssWindow, ledbatWindow);
            }
        } else {
            windowBytes = ledbatWindow;
        }
        windowBytes = Math.clamp(windowBytes, MIN_WINDOW_BYTES, Math.max(MIN_WINDOW_BYTES, sndbuf));
    }

    /**
     * Loss seen through SACK or duplicate acks: halve, at most once per round trip (libutp spaces
     * cuts by a flat 100 ms, which on a 600 ms path halves the window six times for one loss
     * event; jutp uses max(100 ms, RTT)). Returns true if the window was cut.
     */
    @Override
    public boolean onLoss(long nowMillis, int rttMillis) {
        if (nowMillis - lastDecayMillis < Math.max(MAX_WINDOW_DECAY_MILLIS, rttMillis)) {
            return false;
        }
        windowBytes = Math.max(MIN_WINDOW_BYTES, windowBytes / 2);
        lastDecayMillis = nowMillis;
        slowStart = false;
        ssthresh = windowBytes;
        return true;
    }

    /** Retransmission timeout: one packet with data outstanding, a gentle decay when idle. */
    @Override
    public void onTimeout(boolean packetsOutstanding, int packetSize) {
        if (!packetsOutstanding && windowBytes > packetSize) {
            windowBytes = Math.max(windowBytes * 2 / 3, packetSize);
        } else {
            windowBytes = packetSize;
            slowStart = true;
        }
    }

    /** Lets the zero-window probe and tests set the start of the decay spacing. */
    long lastDecayMillis() {
        return lastDecayMillis;
    }
}
