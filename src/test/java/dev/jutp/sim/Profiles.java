package dev.jutp.sim;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Scenario families for the integrity sweep. Each family draws its parameters from the
 * scenario's seed (so the seed alone replays it). Sizes are stated here: 1 MiB for the lossiest
 * and slowest families, 2 MiB otherwise; every link has a 2–50 Mbit/s bottleneck so packets are
 * spaced as on a real path (an infinitely fast link delivers a whole window in one instant).
 */
public enum Profiles {
    CLEAN(2, r -> pair(r, 1, 600)),
    LOSS(1, r -> {
        // Data direction 0–30 %, ack direction up to 10 %.
        Scenario s = pair(r, 1, 200);
        s.forward.loss(r.nextDouble(0.30));
        s.backward.loss(r.nextDouble(Math.min(0.10, s.forward.loss + 1e-9)));
        return s;
    }),
    BURST(2, r -> {
        Scenario s = pair(r, 1, 200);
        s.forward.burstLoss(r.nextDouble(0.005, 0.03), r.nextDouble(0.2, 0.6), r.nextDouble(0.5, 1.0));
        s.backward.burstLoss(r.nextDouble(0.002, 0.01), r.nextDouble(0.3, 0.7), r.nextDouble(0.5, 1.0));
        return s;
    }),
    REORDER(2, r -> {
        Scenario s = pair(r, 1, 300);
        s.forward.reorder(r.nextDouble(0.02, 0.3), 1 + r.nextInt(50)).jitterMillis(r.nextInt(10));
        s.backward.reorder(r.nextDouble(0.1), 1 + r.nextInt(20));
        return s;
    }),
    DUPLICATE(2, r -> {
        Scenario s = pair(r, 1, 300);
        s.forward.duplicate(r.nextDouble(0.20));
        s.backward.duplicate(r.nextDouble(0.20));
        return s;
    }),
    CORRUPT(2, r -> {
        Scenario s = pair(r, 1, 300);
        s.forward.corrupt(r.nextDouble(0.10), false);
        s.backward.corrupt(r.nextDouble(0.05), false);
        return s;
    }),
    ASYMMETRIC(2, r -> {
        // Fast, short forward path; slow, long, lossy ack path (ADSL/satellite-like).
        Scenario s = pair(r, 1, 50);
        s.backward.latencyMillis(50 + r.nextInt(250)).rate(256_000 + r.nextInt(1_000_000), 300).loss(r.nextDouble(0.05));
        return s;
    }),
    MTU_BLACK_HOLE(2, r -> {
        Scenario s = pair(r, 1, 200);
        s.forward.mtu(600 + r.nextInt(780), r.nextBoolean());
        return s;
    }),
    ZERO_WINDOW(1, r -> {
        Scenario s = pair(r, 1, 100);
        s.transfer.slowReader(50_000 + r.nextInt(400_000));
        dev.jutp.capi.Utp.utp_context_set_option(s.receiver.context(), dev.jutp.capi.Utp.UTP_RCVBUF, 16_384 + r.nextInt(65_536));
        return s;
    }),
    MIXED(2, r -> {
        Scenario s = pair(r, 1, 600);
        s.forward.loss(r.nextDouble(0.05)).duplicate(r.nextDouble(0.05)).reorder(r.nextDouble(0.05), 20).jitterMillis(r.nextInt(5))
                .corrupt(r.nextDouble(0.02), false);
        s.backward.loss(r.nextDouble(0.05)).duplicate(r.nextDouble(0.05)).reorder(r.nextDouble(0.05), 20);
        s.sender.clock(r.nextLong(1L << 40), r.nextDouble(-100, 100));
        return s;
    });

    /** Transfer size, MiB. */
    public final int mebibytes;
    private final Function<SplittableRandom, Scenario> build;
    private static final ThreadLocal<Long> SEED = new ThreadLocal<>();
    private static final ThreadLocal<Profiles> BUILDING = new ThreadLocal<>();

    Profiles(int mebibytes, Function<SplittableRandom, Scenario> build) {
        this.mebibytes = mebibytes;
        this.build = build;
    }

    /** Builds (does not run) this family's scenario for {@code seed}. */
    public Scenario scenario(long seed) {
        SEED.set(seed);
        BUILDING.set(this);
        try {
            Scenario s = build.apply(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ordinal()));
            // Above 10 % loss five failed round trips in a row are routine: give live peers more
            // retries than libutp's 4 (JUTP_GIVE_UP_RETRANSMISSIONS; see docs/congestion.md).
            if (s.forward.loss > 0.10) {
                s.giveUp(8);
            }
            return s.bound(3600);
        } finally {
            SEED.remove();
            BUILDING.remove();
        }
    }

    private static Scenario pair(SplittableRandom r, int minRttMillis, int maxRttMillis) {
        long seed = SEED.get();
        int size = BUILDING.get().mebibytes << 20;
        long rtt = minRttMillis + r.nextLong(maxRttMillis - minRttMillis + 1);
        long forwardMicros = Math.max(0, rtt * 1000 / 2);
        long rate = 2_000_000L + r.nextLong(48_000_000L);
        LinkConfig f = LinkConfig.of(0).latencyMicros(forwardMicros).rate(rate, 100 + r.nextInt(400));
        LinkConfig b = LinkConfig.of(0).latencyMicros(rtt * 1000 - forwardMicros).rate(rate, 100 + r.nextInt(400));
        return new Scenario(seed, size, f, b);
    }
}
