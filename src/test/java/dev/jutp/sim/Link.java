package dev.jutp.sim;

import java.util.SplittableRandom;

/**
 * One direction of a path: MTU check, a rate-limited FIFO with a finite tail-drop buffer (so
 * queueing delay is real and shared by every flow routed over this link), then random and
 * burst loss, corruption, duplication, latency, jitter and reordering on the wire.
 *
 * <p>Oversized datagrams: with DF they are dropped (optionally answered by an ICMP
 * fragmentation-needed; without the ICMP this is the classic PMTU black hole); without DF they
 * travel as IP fragments, each exposed to loss, and arrive only if every fragment does.
 */
public final class Link {
    private final Network net;
    private final String name;
    private final LinkConfig cfg;
    private final SplittableRandom random;
    private boolean burstBad;
    private long busyUntilMicros;

    // Counters, for reports and golden values.
    long offered, delivered, lost, tailDropped, duplicated, corrupted, mtuDropped, fragmented, icmpSent;
    long bytesDelivered;

    Link(Network net, String name, LinkConfig cfg) {
        this.net = net;
        this.name = name;
        this.cfg = cfg;
        this.random = net.sim.split();
    }

    public LinkConfig config() {
        return cfg;
    }

    /** Queueing delay a datagram entering now would see, µs. */
    public long queueDelayMicros() {
        return Math.max(0, busyUntilMicros - net.sim.nowMicros());
    }

    public long tailDropped() {
        return tailDropped;
    }

    void offer(Packet p) {
        offered++;
        Sim sim = net.sim;
        long now = sim.nowMicros();
        int length = p.bytes().length;
        int fragments = 1;
        if (cfg.mtu > 0 && length > cfg.mtu) {
            if (p.dontFragment()) {
                mtuDropped++;
                if (cfg.icmpFragmentationNeeded) {
                    icmpSent++;
                    sim.after(cfg.latencyMicros, () -> net.icmp(p, cfg.mtu + 28));
                }
                return;
            }
            fragmented++;
            fragments = (length + cfg.mtu - 1) / cfg.mtu;
        }
        long departure = now;
        if (cfg.rateBitsPerSecond > 0) {
            long backlogBytes = queueDelayMicros() * cfg.rateBitsPerSecond / 8_000_000;
            if (backlogBytes + length > cfg.queueBytes) {
                tailDropped++;
                return;
            }
            departure = Math.max(now, busyUntilMicros) + length * 8_000_000L / cfg.rateBitsPerSecond;
            busyUntilMicros = departure;
        }
        for (int i = 0; i < fragments; i++) {
            if (dropOnWire()) {
                lost++;
                return;
            }
        }
        byte[] bytes = p.bytes();
        if (cfg.corrupt > 0 && random.nextDouble() < cfg.corrupt) {
            corrupted++;
            if (!cfg.corruptionPassesChecksum) {
                return;                     // a one-bit error never passes the UDP checksum
            }
            bytes = bytes.clone();
            int bit = random.nextInt(bytes.length * 8);
            bytes[bit >> 3] ^= (byte) (1 << (bit & 7));
        }
        Packet out = bytes == p.bytes() ? p : new Packet(p.from(), p.to(), bytes, p.flags());
        schedule(out, departure);
        if (cfg.duplicate > 0 && random.nextDouble() < cfg.duplicate) {
            duplicated++;
            schedule(out, departure);
        }
    }

    private boolean dropOnWire() {
        if (cfg.burstEnter > 0) {
            burstBad = burstBad ? random.nextDouble() >= cfg.burstExit : random.nextDouble() < cfg.burstEnter;
            if (burstBad && random.nextDouble() < cfg.burstLoss) {
                return true;
            }
        }
        return cfg.loss > 0 && random.nextDouble() < cfg.loss;
    }

    private void schedule(Packet p, long departure) {
        long at = departure + cfg.latencyMicros;
        if (cfg.jitterMicros > 0) {
            at += random.nextLong(cfg.jitterMicros + 1);
        }
        if (cfg.reorder > 0 && random.nextDouble() < cfg.reorder) {
            at += 1 + random.nextLong(cfg.reorderExtraMicros + 1);
        }
        net.sim.at(at, () -> {
            delivered++;
            bytesDelivered += p.bytes().length;
            net.deliver(p);
        });
    }

    public String report() {
        return "%s offered=%d delivered=%d lost=%d taildrop=%d dup=%d corrupt=%d mtudrop=%d frag=%d icmp=%d"
                .formatted(name, offered, delivered, lost, tailDropped, duplicated, corrupted, mtuDropped, fragmented, icmpSent);
    }

    @Override
    public String toString() {
        return name + "[" + cfg + "]";
    }
}
