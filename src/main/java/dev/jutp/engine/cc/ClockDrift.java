package dev.jutp.engine.cc;

/**
 * Estimates how fast the peer's clock drifts against ours from the timestamp differences it
 * echoes: averages per 5-second slot, drift = change between slot averages, smoothed 7/8. A
 * peer whose clock runs so that its delays keep shrinking (more than 200 ms per 5 s) would
 * otherwise look like an empty queue forever; it gets a delay penalty (libutp's rule).
 */
public final class ClockDrift {
    static final int SLOT_MILLIS = 5000;
    static final int PENALTY_THRESHOLD = 200_000;

    private int averageBase;
    private boolean haveBase;
    private long sum;
    private int samples;
    private long slotEndMillis;
    private int average;
    private int drift;

    public void reset(long nowMillis) {
        haveBase = false;
        sum = 0;
        samples = 0;
        average = 0;
        drift = 0;
        slotEndMillis = nowMillis + SLOT_MILLIS;
    }

    public void addSample(int delayMicros, long nowMillis) {
        if (!haveBase) {
            averageBase = delayMicros;
            haveBase = true;
        }
        long down = (averageBase - delayMicros) & 0xFFFF_FFFFL;
        long up = (delayMicros - averageBase) & 0xFFFF_FFFFL;
        sum += down > up ? up : -down;
        samples++;
        if (nowMillis > slotEndMillis) {
            int previous = average;
            average = (int) (sum / samples);
            slotEndMillis += SLOT_MILLIS;
            sum = 0;
            samples = 0;
            int lo = Math.min(previous, average);
            int hi = Math.max(previous, average);
            int adjust = lo > 0 ? -lo : (hi < 0 ? -hi : 0);
            if (adjust != 0) {
                averageBase -= adjust;
                average += adjust;
                previous += adjust;
            }
            drift = (int) (((long) drift * 7 + (average - previous)) / 8);
        }
    }

    /** Smoothed drift, µs per 5 s. */
    public int drift() {
        return drift;
    }

    /** Extra delay (µs) to add to our measurement when the peer's clock drifts suspiciously. */
    public int penaltyMicros() {
        return drift < -PENALTY_THRESHOLD ? (-drift - PENALTY_THRESHOLD) / 7 : 0;
    }
}
