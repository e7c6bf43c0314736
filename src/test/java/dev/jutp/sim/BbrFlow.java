package dev.jutp.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A BBR-like competitor (the shape of BBR v1, what Linux runs as {@code bbr}): it paces near its
 * estimate of the bottleneck rate (the most delivered per unit time over the last 10 rounds),
 * takes the least RTT it sees (10 s window) as the path's base, and keeps at most two
 * bandwidth-delay products (plus a fixed {@value #ALLOWANCE_BYTES}-byte allowance) in flight, so its
 * own queue stays small. Startup at pacing gain
 * 2.89 until the rate stops growing 25 % per round for 3 rounds, drain, then 8-round gain
 * cycles (1.25, 0.75, 1 ×6); every 10 s a ProbeRTT of 4 packets for 200 ms re-reads the
 * minimum. Losses are not repaired (this measures rates, not a byte stream) and do not slow it,
 * as in BBR v1.
 *
 * <p>What makes it a hard competitor for LEDBAT: it reads a standing queue that another flow
 * keeps as part of the path's base RTT and sizes its window on top of it, so a delay-based flow
 * that never drains the queue never gets its share back, and one that does not yield keeps
 * BBR at a small rate.
 */
public final class BbrFlow {
    static final int SEGMENT = 1400;
    static final double STARTUP_GAIN = 2.89;
    static final double[] CYCLE = {1.25, 0.75, 1, 1, 1, 1, 1, 1};
    static final double CWND_GAIN = 2;
    /**
     * In-flight allowance on top of 2 BDP: Linux's BBR adds room for TSO bursts and ack
     * aggregation (bbr_quantization_budget, extra_acked), which is what gives the real one a
     * standing queue of tens of milliseconds at a 10–20 Mbit/s bottleneck.
     */
    static final int ALLOWANCE_BYTES = 64 * 1024;
    static final int BW_ROUNDS = 10;
    static final long MIN_RTT_WINDOW_MICROS = 10_000_000;
    static final long PROBE_RTT_MICROS = 200_000;
    static final int PROBE_RTT_PACKETS = 4;
    private static final int RING = 1 << 16;

    private enum Mode { STARTUP, DRAIN, PROBE_BW, PROBE_RTT }

    private final Sim sim;
    private final Network net;
    public final Node sender;
    public final Node receiver;
    private boolean active;
    private boolean pacingScheduled;

    private Mode mode = Mode.STARTUP;
    private long nextSeq;
    private long inFlight;
    private long delivered;
    private long deliveredTimeMicros;
    private final long[] sentAt = new long[RING];
    private final long[] deliveredAtSend = new long[RING];
    private final long[] deliveredTimeAtSend = new long[RING];
    private final boolean[] outstanding = new boolean[RING];
    private long highestAcked = -1;
    private long lost;

    private final double[] roundMax = new double[BW_ROUNDS];
    private long round;
    private long roundEndDelivered;
    private double btlBw;                 // bytes per µs
    private long minRtt = Long.MAX_VALUE;
    private long minRttStampMicros;
    private double fullBw;
    private int fullBwRounds;
    private int cycleIndex;
    private long cycleStartMicros;
    private long probeRttEndMicros;
    private long probeRttMin = Long.MAX_VALUE;

    // Receiver.
    private long deliveredBytes;
    private long receivedPackets;

    public BbrFlow(Network net, InetSocketAddress from, InetSocketAddress to) {
        this.net = net;
        this.sim = net.sim();
        this.sender = new Endpoint(from, this::onAck);
        this.receiver = new Endpoint(to, this::onData);
        net.attach(sender);
        net.attach(receiver);
    }

    public long deliveredBytes() {
        return deliveredBytes;
    }

    public long lostPackets() {
        return lost;
    }

    @Override
    public String toString() {
        return "Bbr[mode=%s btlBw=%.2f Mbit/s minRtt=%d ms inflight=%d delivered=%d lost=%d]"
                .formatted(mode, btlBw * 8, minRtt == Long.MAX_VALUE ? -1 : minRtt / 1000, inFlight, deliveredBytes, lost);
    }

    public void start() {
        active = true;
        minRttStampMicros = sim.nowMicros();
        cycleStartMicros = sim.nowMicros();
        sendOrWait();
    }

    public void stop() {
        active = false;
    }

    private double pacingGain() {
        return switch (mode) {
            case STARTUP -> STARTUP_GAIN;
            case DRAIN -> 1 / STARTUP_GAIN;
            case PROBE_BW -> CYCLE[cycleIndex];
            case PROBE_RTT -> 1;
        };
    }

    private long cwndPackets() {
        if (mode == Mode.PROBE_RTT) {
            return PROBE_RTT_PACKETS;
        }
        if (btlBw == 0 || minRtt == Long.MAX_VALUE) {
            return 10;                          // initial window
        }
        double gain = mode == Mode.STARTUP ? STARTUP_GAIN : CWND_GAIN;
        return Math.max(PROBE_RTT_PACKETS, (long) Math.ceil((gain * btlBw * minRtt + ALLOWANCE_BYTES) / SEGMENT));
    }

    /** Sends one segment if the window allows, then waits one pacing interval. */
    private void sendOrWait() {
        if (!active || pacingScheduled) {
            return;
        }
        if (inFlight >= cwndPackets()) {
            return;                             // an ack resumes sending
        }
        transmit();
        double rate = btlBw == 0 ? SEGMENT / 1000.0 * 10 : btlBw * pacingGain();   // 10 segments per ms before any estimate
        long interval = Math.max(1, (long) (SEGMENT / rate));
        pacingScheduled = true;
        sim.after(interval, () -> {
            pacingScheduled = false;
            sendOrWait();
        });
    }

    private void transmit() {
        long seq = nextSeq++;
        int slot = (int) (seq & (RING - 1));
        if (outstanding[slot]) {
            outstanding[slot] = false;          // wrapped over a packet never acked: lost long ago
            inFlight--;
            lost++;
        }
        sentAt[slot] = sim.nowMicros();
        deliveredAtSend[slot] = delivered;
        deliveredTimeAtSend[slot] = deliveredTimeMicros == 0 ? sim.nowMicros() : deliveredTimeMicros;
        outstanding[slot] = true;
        inFlight++;
        byte[] b = new byte[SEGMENT];
        ByteBuffer.wrap(b).putLong(seq);
        net.send(new Packet(sender.address(), receiver.address(), b, 0));
    }

    private void onAck(Packet p) {
        long seq = ByteBuffer.wrap(p.bytes()).getLong();
        int slot = (int) (seq & (RING - 1));
        if (!outstanding[slot] || seq >= nextSeq) {
            return;
        }
        long now = sim.nowMicros();
        outstanding[slot] = false;
        inFlight--;
        delivered += SEGMENT;
        deliveredTimeMicros = now;
        // Three later packets acked: anything older still outstanding was lost (no repair).
        for (long s = Math.max(highestAcked + 1, seq - 3 - 64); s < seq - 3; s++) {
            int k = (int) (s & (RING - 1));
            if (outstanding[k]) {
                outstanding[k] = false;
                inFlight--;
                lost++;
            }
        }
        highestAcked = Math.max(highestAcked, seq);

        long rtt = now - sentAt[slot];
        if (rtt <= minRtt) {
            minRtt = rtt;
            minRttStampMicros = now;
        }
        probeRttMin = Math.min(probeRttMin, rtt);
        long interval = now - deliveredTimeAtSend[slot];
        if (interval > 0) {
            double rate = (double) (delivered - deliveredAtSend[slot]) / interval;
            int r = (int) (round % BW_ROUNDS);
            roundMax[r] = Math.max(roundMax[r], rate);
            btlBw = 0;
            for (double m : roundMax) {
                btlBw = Math.max(btlBw, m);
            }
        }
        if (deliveredAtSend[slot] >= roundEndDelivered) {
            round++;
            roundEndDelivered = delivered;
            roundMax[(int) (round % BW_ROUNDS)] = 0;
            onRoundEnd();
        }
        updateMode(now);
        sendOrWait();
    }

    private void onRoundEnd() {
        if (mode != Mode.STARTUP) {
            return;
        }
        if (btlBw >= fullBw * 1.25) {
            fullBw = btlBw;
            fullBwRounds = 0;
        } else if (++fullBwRounds >= 3) {
            mode = Mode.DRAIN;
        }
    }

    private void updateMode(long now) {
        long bdpPackets = minRtt == Long.MAX_VALUE ? 0 : (long) (btlBw * minRtt / SEGMENT);
        if (mode == Mode.DRAIN && inFlight <= bdpPackets) {
            mode = Mode.PROBE_BW;
            cycleIndex = 0;
            cycleStartMicros = now;
        }
        if (mode == Mode.PROBE_BW && minRtt != Long.MAX_VALUE && now - cycleStartMicros >= minRtt) {
            cycleIndex = (cycleIndex + 1) % CYCLE.length;
            cycleStartMicros = now;
        }
        if (mode != Mode.PROBE_RTT && mode != Mode.STARTUP && now - minRttStampMicros > MIN_RTT_WINDOW_MICROS) {
            mode = Mode.PROBE_RTT;
            probeRttEndMicros = now + Math.max(PROBE_RTT_MICROS, minRtt);
            probeRttMin = Long.MAX_VALUE;
        } else if (mode == Mode.PROBE_RTT && now >= probeRttEndMicros) {
            minRtt = probeRttMin;               // the least seen while our own queue was drained
            minRttStampMicros = now;
            mode = Mode.PROBE_BW;
            cycleIndex = 0;
            cycleStartMicros = now;
        }
    }

    private void onData(Packet p) {
        receivedPackets++;
        deliveredBytes += SEGMENT;
        byte[] b = new byte[8];
        System.arraycopy(p.bytes(), 0, b, 0, 8);
        net.send(new Packet(receiver.address(), sender.address(), b, 0));
    }

    private record Endpoint(InetSocketAddress address, java.util.function.Consumer<Packet> handler) implements Node {
        @Override
        public void receive(Packet p) {
            handler.accept(p);
        }
    }
}
