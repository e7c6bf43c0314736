package dev.jutp.sim;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The LEDBAT experiment: a long-running uTP flow through a rate-limited bottleneck with a large
 * tail-drop buffer, optionally joined for a while by a Reno flow, a BBR-like flow or a second uTP
 * flow. Samples every 100 ms of virtual time: bottleneck queueing delay, each flow's delivered
 * bytes, the uTP window and the delay the uTP sender reports through UTP_ON_DELAY_SAMPLE.
 */
public final class Bottleneck {
    /** One 100 ms sample. */
    public record Sample(double seconds, double queueDelayMillis, long utpBytes, long renoBytes,
                         long cwndBytes, int delaySampleMillis, long bbrBytes, long secondUtpBytes) {}

    public final Sim sim;
    public final Network net;
    public final Link bottleneck;
    public final UtpNode utpSender;
    public final UtpNode utpReceiver;
    public final RenoFlow reno;
    public final BbrFlow bbr;
    public final List<Sample> samples = new ArrayList<>();
    private final long oneWayMicros;
    private final UtpBulkFlow utp;
    private UtpBulkFlow second;
    private boolean classic;
    private boolean plusPlus;

    /**
     * @param rateBitsPerSecond bottleneck rate
     * @param bufferMillis      bottleneck buffer, as drain time
     * @param oneWayMillis      propagation delay each way (base RTT = twice this)
     */
    public Bottleneck(long seed, long rateBitsPerSecond, long bufferMillis, long oneWayMillis) {
        this(new Sim(seed), rateBitsPerSecond, bufferMillis, oneWayMillis * 1000);
    }

    /** As {@link #Bottleneck(long, long, long, long)} with the propagation delay in µs (LAN and loopback paths). */
    public static Bottleneck withOneWayMicros(long seed, long rateBitsPerSecond, long bufferMillis, long oneWayMicros) {
        return new Bottleneck(new Sim(seed), rateBitsPerSecond, bufferMillis, oneWayMicros);
    }

    private Bottleneck(Sim sim, long rateBitsPerSecond, long bufferMillis, long oneWayMicros) {
        this.sim = sim;
        net = new Network(sim);
        utpSender = UtpNode.at(net, "10.0.0.1", 1000);
        utpReceiver = UtpNode.at(net, "10.0.1.1", 1000);
        reno = new RenoFlow(net, new InetSocketAddress("10.0.0.2", 1000), new InetSocketAddress("10.0.1.2", 1000));
        bbr = new BbrFlow(net, new InetSocketAddress("10.0.0.3", 1000), new InetSocketAddress("10.0.1.3", 1000));
        this.oneWayMicros = oneWayMicros;
        bottleneck = new Link(net, "bottleneck", LinkConfig.of(0).latencyMicros(oneWayMicros).rate(rateBitsPerSecond, bufferMillis));
        utp = new UtpBulkFlow(utpSender, utpReceiver);
        throughBottleneck(utpSender.address(), utpReceiver.address(), "utp-acks");
        throughBottleneck(reno.sender.address(), reno.receiver.address(), "reno-acks");
        throughBottleneck(bbr.sender.address(), bbr.receiver.address(), "bbr-acks");
    }

    /** Data from {@code from} crosses the bottleneck; its acks return over their own uncongested link. */
    private void throughBottleneck(InetSocketAddress from, InetSocketAddress to, String ackLink) {
        net.route(from, to, bottleneck);
        net.route(to, from, new Link(net, ackLink, LinkConfig.of(0).latencyMicros(oneWayMicros)));
    }

    /** Every uTP flow of this run uses libutp's classic LEDBAT (call before starting them). */
    public Bottleneck classicLedbat() {
        classic = true;
        utpSender.useClassicLedbat();
        return this;
    }

    /** Every uTP flow of this run uses LEDBAT++ (call before starting them). */
    public Bottleneck ledbatPlusPlus() {
        plusPlus = true;
        utpSender.useLedbatPlusPlus();
        return this;
    }

    /** Starts the uTP flow now: an endless writer and a receiver that counts bytes. */
    public Bottleneck startUtp() {
        utp.start();
        sim.every(100_000, () -> {
            samples.add(new Sample(sim.elapsedSeconds(), bottleneck.queueDelayMicros() / 1000.0, utp.received(),
                    reno.deliveredBytes(), utp.congestionWindow(), utp.lastDelaySample(), bbr.deliveredBytes(),
                    second == null ? 0 : second.received()));
            return true;
        });
        return this;
    }

    /** Starts a second uTP flow (its own two nodes) through the bottleneck now. */
    public Bottleneck startSecondUtp() {
        UtpNode from = UtpNode.at(net, "10.0.0.4", 1000);
        UtpNode to = UtpNode.at(net, "10.0.1.4", 1000);
        if (classic) {
            from.useClassicLedbat();
        } else if (plusPlus) {
            from.useLedbatPlusPlus();
        }
        throughBottleneck(from.address(), to.address(), "utp2-acks");
        second = new UtpBulkFlow(from, to).start();
        return this;
    }

    public void runUntilSeconds(double seconds) {
        sim.runUntil(() -> false, Sim.START_MICROS + (long) (seconds * 1e6), 500_000_000L);
    }

    /** Mean over samples in [from, to) seconds. */
    public double meanQueueDelayMillis(double from, double to) {
        return samples.stream().filter(s -> s.seconds() >= from && s.seconds() < to)
                .mapToDouble(Sample::queueDelayMillis).average().orElse(Double.NaN);
    }

    /** Bytes delivered in [from, to) seconds: uTP ({@code utp}) or Reno. */
    public long deliveredBetween(double from, double to, boolean utp) {
        return deliveredBetween(from, to, utp ? Sample::utpBytes : Sample::renoBytes);
    }

    /** Bytes delivered in [from, to) seconds by the flow {@code counter} reads. */
    public long deliveredBetween(double from, double to, java.util.function.ToLongFunction<Sample> counter) {
        return counter.applyAsLong(at(to)) - counter.applyAsLong(at(from));
    }

    private Sample at(double seconds) {
        Sample best = samples.get(0);
        for (Sample s : samples) {
            if (s.seconds() <= seconds + 1e-9) {
                best = s;
            }
        }
        return best;
    }

    /** Fraction of the bottleneck's capacity the given bytes fill over [from, to). */
    public double utilisation(long bytes, double from, double to) {
        return bytes * 8.0 / (bottleneck.config().rateBitsPerSecond * (to - from));
    }

    public void close() {
        utp.destroy();
        if (second != null) {
            second.destroy();
        }
    }
}
