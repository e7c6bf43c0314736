package dev.jutp.sim;

import java.util.SplittableRandom;

/**
 * The random and queueing decisions of one direction of a path, given a {@link LinkConfig} and a
 * clock in microseconds: bottleneck admission (rate and tail-drop buffer), wire loss (Bernoulli
 * and Gilbert-Elliott), corruption, duplication and the wire delay (latency, jitter, reordering).
 * Shared by the simulator's {@link Link} (virtual time) and the interop tests' UDP relay (wall
 * time), so both impair packets the same way. Not thread-safe: one caller per direction.
 */
public final class Impairment {
    /** What {@link #admit} returns when the bottleneck buffer is full. */
    public static final long TAIL_DROP = -1;

    private final LinkConfig cfg;
    private final SplittableRandom random;
    private boolean burstBad;
    private long busyUntilMicros;

    public Impairment(LinkConfig cfg, SplittableRandom random) {
        this.cfg = cfg;
        this.random = random;
    }

    public LinkConfig config() {
        return cfg;
    }

    /** Queueing delay a datagram entering at {@code nowMicros} would see. */
    public long queueDelayMicros(long nowMicros) {
        return Math.max(0, busyUntilMicros - nowMicros);
    }

    /**
     * Puts a datagram of {@code length} bytes into the bottleneck: returns the time it leaves the
     * bottleneck (now, without a rate limit), or {@link #TAIL_DROP} if the buffer has no room.
     */
    public long admit(long nowMicros, int length) {
        if (cfg.rateBitsPerSecond <= 0) {
            return nowMicros;
        }
        long backlogBytes = queueDelayMicros(nowMicros) * cfg.rateBitsPerSecond / 8_000_000;
        if (backlogBytes + length > cfg.queueBytes) {
            return TAIL_DROP;
        }
        busyUntilMicros = Math.max(nowMicros, busyUntilMicros) + length * 8_000_000L / cfg.rateBitsPerSecond;
        return busyUntilMicros;
    }

    /** Whether the wire loses one datagram (or one IP fragment): burst state first, then Bernoulli. */
    public boolean lost() {
        if (cfg.burstEnter > 0) {
            burstBad = burstBad ? random.nextDouble() >= cfg.burstExit : random.nextDouble() < cfg.burstEnter;
            if (burstBad && random.nextDouble() < cfg.burstLoss) {
                return true;
            }
        }
        return cfg.loss > 0 && random.nextDouble() < cfg.loss;
    }

    /** Whether a datagram gets a bit error (then see {@link #corruptionPassesChecksum} and {@link #flipBit}). */
    public boolean corrupted() {
        return cfg.corrupt > 0 && random.nextDouble() < cfg.corrupt;
    }

    public boolean corruptionPassesChecksum() {
        return cfg.corruptionPassesChecksum;
    }

    /** Flips one random bit of {@code bytes} in place. */
    public void flipBit(byte[] bytes, int length) {
        int bit = random.nextInt(length * 8);
        bytes[bit >> 3] ^= (byte) (1 << (bit & 7));
    }

    public boolean duplicated() {
        return cfg.duplicate > 0 && random.nextDouble() < cfg.duplicate;
    }

    /** Time on the wire after leaving the bottleneck: latency, plus jitter, plus a reordering delay. */
    public long wireDelayMicros() {
        long d = cfg.latencyMicros;
        if (cfg.jitterMicros > 0) {
            d += random.nextLong(cfg.jitterMicros + 1);
        }
        if (cfg.reorder > 0 && random.nextDouble() < cfg.reorder) {
            d += 1 + random.nextLong(cfg.reorderExtraMicros + 1);
        }
        return d;
    }
}
