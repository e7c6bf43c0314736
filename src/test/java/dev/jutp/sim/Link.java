package dev.jutp.sim;

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
    private final Impairment impairment;

    // Counters, for reports and golden values.
    long offered, delivered, lost, tailDropped, duplicated, corrupted, mtuDropped, fragmented, icmpSent;
    long bytesDelivered;

    Link(Network net, String name, LinkConfig cfg) {
        this.net = net;
        this.name = name;
        this.cfg = cfg;
        this.impairment = new Impairment(cfg, net.sim.split());
    }

    public LinkConfig config() {
        return cfg;
    }

    /** Queueing delay a datagram entering now would see, µs. */
    public long queueDelayMicros() {
        return impairment.queueDelayMicros(net.sim.nowMicros());
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
        long departure = impairment.admit(now, length);
        if (departure == Impairment.TAIL_DROP) {
            tailDropped++;
            return;
        }
        for (int i = 0; i < fragments; i++) {
            if (impairment.lost()) {
                lost++;
                return;
            }
        }
        byte[] bytes = p.bytes();
        if (impairment.corrupted()) {
            corrupted++;
            if (!cfg.corruptionPassesChecksum) {
                return;                     // a one-bit error never passes the UDP checksum
            }
            bytes = bytes.clone();
            impairment.flipBit(bytes, bytes.length);
        }
        Packet out = bytes == p.bytes() ? p : new Packet(p.from(), p.to(), bytes, p.flags());
        schedule(out, departure);
        if (impairment.duplicated()) {
            duplicated++;
            schedule(out, departure);
        }
    }

    private void schedule(Packet p, long departure) {
        long at = departure + impairment.wireDelayMicros();
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
