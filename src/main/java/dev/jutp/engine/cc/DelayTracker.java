package dev.jutp.engine.cc;

import dev.jutp.wire.Timestamps;

/**
 * Everything a connection knows about delay on its path: the one-way delay histories of both
 * directions (ours drives the congestion controller, theirs is echoed back to the peer), the
 * peer's clock drift, and the base round trip (the least RTT seen in the last one to two
 * minutes; LEDBAT++ scales its gain by it).
 *
 * <p>The one-way rules are libutp's (step 7 of its ack processing): a shrinking base of their
 * delays means their clock runs slower, so our base is raised by the same amount (up to 10 ms);
 * our queuing delay never exceeds the round trip it is part of, so a larger reading moves our
 * base up instead.
 */
public final class DelayTracker {
    static final int MAX_SKEW_COMPENSATION_MICROS = 10_000;
    static final int BASE_RTT_BUCKET_MILLIS = 60_000;
    /** Round-trip samples the current round trip is the least of (a burst's spread, not a trend). */
    static final int RECENT_RTT_SAMPLES = 4;

    private final DelayHistory ours = new DelayHistory();
    private final DelayHistory theirs = new DelayHistory();
    private final ClockDrift drift = new ClockDrift();
    private int reply;
    private long baseRttCurrent;
    private long baseRttPrevious;
    private long bucketStartMillis;
    private long smoothedRtt;
    private final long[] recentRtt = new long[RECENT_RTT_SAMPLES];
    private int recentRttCount;
    private int recentRttNext;

    public void reset(long nowMillis) {
        ours.clear(nowMillis);
        theirs.clear(nowMillis);
        drift.reset(nowMillis);
        reply = 0;
        baseRttCurrent = Long.MAX_VALUE;
        baseRttPrevious = Long.MAX_VALUE;
        bucketStartMillis = nowMillis;
        smoothedRtt = 0;
        recentRttCount = 0;
        recentRttNext = 0;
    }

    /**
     * Feeds one received packet's timestamps: {@code theirWire} is the peer's send time
     * (0 = none), {@code nowWire} our receive time, {@code echoed} the peer's measurement of our
     * direction ({@link Integer#MAX_VALUE} or 0 = none).
     */
    public void onPacket(int theirWire, int nowWire, int echoed, long nowMillis) {
        // A real 0 µs delay would read as "no sample" on the wire (Q36): echo it as 1 µs.
        int theirDelay = theirWire == 0 ? 0 : (nowWire == theirWire ? 1 : nowWire - theirWire);
        reply = theirDelay;
        int previousBase = theirs.delayBase();
        boolean hadBase = theirs.hasSamples();
        if (theirDelay != 0) {
            theirs.addSample(theirDelay, nowMillis);
        }
        if (hadBase && Timestamps.lessThan(theirs.delayBase(), previousBase)) {
            long shift = Timestamps.difference(previousBase, theirs.delayBase());
            if (shift <= MAX_SKEW_COMPENSATION_MICROS) {
                ours.shift((int) shift);    // their clock runs slower: compensate our base
            }
        }
        int actual = echoed == Integer.MAX_VALUE ? 0 : echoed;
        if (actual != 0) {
            ours.addSample(actual, nowMillis);
            drift.addSample(actual, nowMillis);
        }
    }

    /** Caps our queuing delay by the round trip {@code minRttMicros} measured by the same ack. */
    public void capByRoundTrip(long minRttMicros) {
        if (ours.hasSamples() && (long) ours.value() > minRttMicros) {
            ours.shift((int) (ours.value() - minRttMicros));
        }
    }

    /** One round-trip sample (µs) of a packet sent once (Karn), for the base and smoothed round trip. */
    public void addRoundTrip(long rttMicros, long nowMillis) {
        if (rttMicros <= 0 || rttMicros == Long.MAX_VALUE) {
            return;
        }
        if (nowMillis - bucketStartMillis >= BASE_RTT_BUCKET_MILLIS) {
            baseRttPrevious = baseRttCurrent;
            baseRttCurrent = Long.MAX_VALUE;
            bucketStartMillis = nowMillis;
        }
        baseRttCurrent = Math.min(baseRttCurrent, rttMicros);
        recentRtt[recentRttNext] = rttMicros;
        recentRttNext = (recentRttNext + 1) % RECENT_RTT_SAMPLES;
        recentRttCount = Math.min(recentRttCount + 1, RECENT_RTT_SAMPLES);
        smoothedRtt = smoothedRtt == 0 ? rttMicros : smoothedRtt + (rttMicros - smoothedRtt) / 8;
    }

    /** Our direction's queuing delay, never more than the round trip {@code minRttMicros}. */
    public long queuingDelayMicros(long minRttMicros) {
        return Math.min(ours.value(), minRttMicros);
    }

    /**
     * Queuing delay measured on the round trip (µs): the least of the last few round-trip samples
     * above the base round trip; 0 before any sample. Unlike the one-way delay it needs no clock
     * and is not fooled when both directions share one queue: a packet that found the queue empty
     * has its ack wait behind the burst it led, so its one-way delay reads near zero while its
     * round trip still carries the queue.
     */
    public long roundTripQueuingMicros() {
        if (recentRttCount == 0) {
            return 0;
        }
        long least = Long.MAX_VALUE;
        for (int i = 0; i < recentRttCount; i++) {
            least = Math.min(least, recentRtt[i]);
        }
        return Math.max(0, least - baseRttMicros());
    }

    /** Extra delay (µs) the controller should see when the peer's clock drifts suspiciously. */
    public int driftPenaltyMicros() {
        return drift.penaltyMicros();
    }

    /** The timestamp difference to echo to the peer. */
    public int replyMicros() {
        return reply;
    }

    public int ourDelayMicros() {
        return ours.value();
    }

    public int theirDelayMicros() {
        return theirs.value();
    }

    public boolean hasSamples() {
        return ours.hasSamples() || theirs.hasSamples();
    }

    /** Least RTT (µs) in the last one to two minutes; 0 before any sample. */
    public long baseRttMicros() {
        long b = Math.min(baseRttCurrent, baseRttPrevious);
        return b == Long.MAX_VALUE ? 0 : b;
    }

    /** Smoothed RTT (µs, 1/8 weight per sample); 0 before any sample. */
    public long smoothedRttMicros() {
        return smoothedRtt;
    }
}
