package dev.jutp.engine.cc;

import dev.jutp.wire.Timestamps;

/**
 * One direction's one-way delay: the base delay is the minimum over 13 one-minute buckets
 * (so a route change is forgotten within 13 minutes), and the current queuing delay is the
 * minimum of the last three (sample - base) values. Timestamps wrap, so every minimum uses the
 * wrapping comparison.
 *
 * <p>Unlike libutp (quirk Q18), the three-sample filter starts from the first real sample
 * instead of zeros, so the first two readings are not a fictitious zero delay.
 */
public final class DelayHistory {
    static final int BASE_BUCKETS = 13;
    static final int BUCKET_MILLIS = 60_000;
    static final int CURRENT_SAMPLES = 3;

    private final int[] base = new int[BASE_BUCKETS];
    private final int[] current = new int[CURRENT_SAMPLES];
    private int baseIndex;
    private int currentIndex;
    private long lastRotationMillis;
    private boolean initialised;
    private int delayBase;

    public void clear(long nowMillis) {
        initialised = false;
        delayBase = 0;
        baseIndex = 0;
        currentIndex = 0;
        lastRotationMillis = nowMillis;
        java.util.Arrays.fill(base, 0);
        java.util.Arrays.fill(current, 0);
    }

    /** Feeds a raw one-way delay sample (µs, unsigned 32-bit). */
    public void addSample(int sampleMicros, long nowMillis) {
        if (!initialised) {
            java.util.Arrays.fill(base, sampleMicros);
            delayBase = sampleMicros;
            lastRotationMillis = nowMillis;
            initialised = true;
            java.util.Arrays.fill(current, 0);
            currentIndex = 0;
            int first = sampleMicros - delayBase;
            java.util.Arrays.fill(current, first);
            return;
        }
        if (Timestamps.lessThan(sampleMicros, base[baseIndex])) {
            base[baseIndex] = sampleMicros;
        }
        if (Timestamps.lessThan(sampleMicros, delayBase)) {
            delayBase = sampleMicros;
        }
        current[currentIndex] = sampleMicros - delayBase;
        currentIndex = (currentIndex + 1) % CURRENT_SAMPLES;

        if (nowMillis - lastRotationMillis > BUCKET_MILLIS) {
            lastRotationMillis = nowMillis;
            baseIndex = (baseIndex + 1) % BASE_BUCKETS;
            base[baseIndex] = sampleMicros;
            delayBase = base[0];
            for (int b : base) {
                if (Timestamps.lessThan(b, delayBase)) {
                    delayBase = b;
                }
            }
        }
    }

    /** Raises every base bucket by {@code micros} (clock-skew compensation). */
    public void shift(int micros) {
        for (int i = 0; i < BASE_BUCKETS; i++) {
            base[i] += micros;
        }
        delayBase += micros;
    }

    public int delayBase() {
        return delayBase;
    }

    public boolean hasSamples() {
        return initialised;
    }

    /** Filtered queuing delay in µs: the minimum of the last three samples (0 before any). */
    public int value() {
        if (!initialised) {
            return 0;
        }
        long min = Long.MAX_VALUE;
        for (int c : current) {
            long v = c & 0xFFFF_FFFFL;
            if (v < min) {
                min = v;
            }
        }
        return (int) Math.min(min, Integer.MAX_VALUE);
    }
}
