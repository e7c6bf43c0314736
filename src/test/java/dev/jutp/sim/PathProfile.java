package dev.jutp.sim;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Named paths (both directions of one path), shared by the simulator's golden counters and the
 * interop tests' impairing UDP relay, so a profile means the same impairments in virtual time
 * and on loopback. All have a 10 Mbit/s bottleneck with a 200 ms buffer in each direction.
 */
public enum PathProfile {
    CLEAN_50MS("clean-50ms", p -> { }),
    LOSS2_50MS("loss2-50ms", p -> { p.forward.loss(0.02); p.backward.loss(0.02); }),
    BURST_100MS("burst-100ms", p -> { p.forward.latencyMillis(50).burstLoss(0.01, 0.3, 0.8); p.backward.latencyMillis(50); }),
    REORDER_DUP("reorder-dup", p -> { p.forward.reorder(0.1, 15).duplicate(0.05); p.backward.duplicate(0.05); }),
    LOSS1_100MS("loss1-100ms", p -> { p.forward.latencyMillis(50).loss(0.01); p.backward.latencyMillis(50).loss(0.01); }),
    MTU_ICMP_1200("mtu-icmp-1200", p -> p.forward.mtu(1200, true));

    /** The two directions of a path, fresh for each use (a running link must not share its config). */
    public static final class Path {
        public final LinkConfig forward = LinkConfig.of(25).rate(10_000_000, 200);
        public final LinkConfig backward = LinkConfig.of(25).rate(10_000_000, 200);
    }

    public final String label;
    private final Consumer<Path> shape;

    PathProfile(String label, Consumer<Path> shape) {
        this.label = label;
        this.shape = shape;
    }

    public Path path() {
        Path p = new Path();
        shape.accept(p);
        return p;
    }

    public static PathProfile byLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no path profile " + label));
    }
}
