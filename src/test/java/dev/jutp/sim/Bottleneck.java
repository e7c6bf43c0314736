package dev.jutp.sim;

import static dev.jutp.capi.Utp.*;

import dev.jutp.capi.UtpSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The LEDBAT experiment: a long-running uTP flow through a rate-limited bottleneck with a large
 * tail-drop buffer, optionally joined by a Reno flow for a while. Samples every 100 ms of
 * virtual time: bottleneck queueing delay, uTP and Reno delivered bytes, the uTP window and the
 * delay the uTP sender reports through UTP_ON_DELAY_SAMPLE.
 */
public final class Bottleneck {
    /** One 100 ms sample. */
    public record Sample(double seconds, double queueDelayMillis, long utpBytes, long renoBytes,
                         long cwndBytes, int delaySampleMillis) {}

    public final Sim sim;
    public final Network net;
    public final Link bottleneck;
    public final UtpNode utpSender;
    public final UtpNode utpReceiver;
    public final RenoFlow reno;
    public final List<Sample> samples = new ArrayList<>();
    private final MemorySegment chunk = Arena.ofAuto().allocate(65536);
    private UtpSocket socket;
    private long utpReceived;
    private int lastDelaySample;

    /**
     * @param rateBitsPerSecond bottleneck rate
     * @param bufferMillis      bottleneck buffer, as drain time
     * @param oneWayMillis      propagation delay each way (base RTT = twice this)
     */
    public Bottleneck(long seed, long rateBitsPerSecond, long bufferMillis, long oneWayMillis) {
        sim = new Sim(seed);
        net = new Network(sim);
        utpSender = UtpNode.at(net, "10.0.0.1", 1000);
        utpReceiver = UtpNode.at(net, "10.0.1.1", 1000);
        reno = new RenoFlow(net, new InetSocketAddress("10.0.0.2", 1000), new InetSocketAddress("10.0.1.2", 1000));
        bottleneck = new Link(net, "bottleneck", LinkConfig.of(oneWayMillis).rate(rateBitsPerSecond, bufferMillis));
        net.route(utpSender.address(), utpReceiver.address(), bottleneck);
        net.route(reno.sender.address(), reno.receiver.address(), bottleneck);
        net.route(utpReceiver.address(), utpSender.address(), new Link(net, "utp-acks", LinkConfig.of(oneWayMillis)));
        net.route(reno.receiver.address(), reno.sender.address(), new Link(net, "reno-acks", LinkConfig.of(oneWayMillis)));
    }

    /** Starts the uTP flow now: an endless writer and a receiver that counts bytes. */
    public Bottleneck startUtp() {
        utpReceiver.listen().app(new UtpApp() {
            @Override public void onRead(UtpNode node, UtpSocket s, MemorySegment data) { utpReceived += data.byteSize(); }
        });
        utpSender.app(new UtpApp() {
            @Override public void onConnect(UtpNode node, UtpSocket s) { pump(); }
            @Override public void onWritable(UtpNode node, UtpSocket s) { pump(); }
            @Override public void onDelaySample(UtpNode node, UtpSocket s, int ms) { lastDelaySample = ms; }
        });
        utpSender.startTicking(UtpNode.DEFAULT_TICK_MICROS);
        utpReceiver.startTicking(UtpNode.DEFAULT_TICK_MICROS);
        socket = utpSender.connect(utpReceiver.address());
        sim.every(100_000, () -> {
            samples.add(new Sample(sim.elapsedSeconds(), bottleneck.queueDelayMicros() / 1000.0, utpReceived,
                    reno.deliveredBytes(), utp_get_stats(socket).congestionWindow(), lastDelaySample));
            return true;
        });
        return this;
    }

    private void pump() {
        for (int i = 0; i < 10_000 && utp_write(socket, chunk, chunk.byteSize()) > 0; i++) {
            // keep the window full; bounded so a broken window test cannot spin forever
        }
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
        Sample a = at(from);
        Sample b = at(to);
        return utp ? b.utpBytes() - a.utpBytes() : b.renoBytes() - a.renoBytes();
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
        utpSender.destroy();
        utpReceiver.destroy();
    }
}
