package dev.jutp.sim;

/**
 * Impairments of one direction of a path. Fluent and mutable while a scenario is built; a
 * {@link Link} copies nothing, so do not change a config under a running link.
 */
public final class LinkConfig {
    long latencyMicros = 25_000;
    long jitterMicros;
    double loss;
    /** Gilbert-Elliott: probability to enter the bad state per packet, to leave it, loss while bad. */
    double burstEnter;
    double burstExit = 1;
    double burstLoss;
    double duplicate;
    double reorder;
    long reorderExtraMicros = 20_000;
    double corrupt;
    /** Whether corrupted datagrams still reach the endpoint (a UDP checksum normally drops them). */
    boolean corruptionPassesChecksum;
    /** Largest UDP payload carried unfragmented; 0 = unlimited. */
    int mtu;
    /** Answer a dropped DF datagram with ICMP fragmentation-needed (false = a PMTU black hole). */
    boolean icmpFragmentationNeeded;
    /** Bottleneck rate, bits per second; 0 = infinitely fast. */
    long rateBitsPerSecond;
    /** Tail-drop buffer of the bottleneck, bytes. */
    long queueBytes = Long.MAX_VALUE;

    public static LinkConfig of(long latencyMillis) {
        return new LinkConfig().latencyMillis(latencyMillis);
    }

    public LinkConfig latencyMillis(long ms) { latencyMicros = ms * 1000; return this; }
    public LinkConfig latencyMicros(long us) { latencyMicros = us; return this; }
    public LinkConfig jitterMillis(long ms) { jitterMicros = ms * 1000; return this; }
    public LinkConfig loss(double p) { loss = p; return this; }
    public LinkConfig burstLoss(double enter, double exit, double lossWhileBad) {
        burstEnter = enter; burstExit = exit; burstLoss = lossWhileBad; return this;
    }
    public LinkConfig duplicate(double p) { duplicate = p; return this; }
    public LinkConfig reorder(double p, long extraMillis) { reorder = p; reorderExtraMicros = extraMillis * 1000; return this; }
    public LinkConfig corrupt(double p, boolean passesChecksum) { corrupt = p; corruptionPassesChecksum = passesChecksum; return this; }
    public LinkConfig mtu(int bytes, boolean sendIcmp) { mtu = bytes; icmpFragmentationNeeded = sendIcmp; return this; }
    /** Rate limit with a buffer expressed as its drain time, as bottlenecks are usually described. */
    public LinkConfig rate(long bitsPerSecond, long bufferMillis) {
        rateBitsPerSecond = bitsPerSecond;
        queueBytes = bitsPerSecond / 8 * bufferMillis / 1000;
        return this;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("lat=").append(latencyMicros / 1000).append("ms");
        if (jitterMicros > 0) b.append(" jit=").append(jitterMicros / 1000).append("ms");
        if (loss > 0) b.append(String.format(" loss=%.3f", loss));
        if (burstEnter > 0) b.append(String.format(" ge=%.3f/%.2f/%.2f", burstEnter, burstExit, burstLoss));
        if (duplicate > 0) b.append(String.format(" dup=%.3f", duplicate));
        if (reorder > 0) b.append(String.format(" reord=%.3f", reorder));
        if (corrupt > 0) b.append(String.format(" corrupt=%.3f", corrupt));
        if (mtu > 0) b.append(" mtu=").append(mtu).append(icmpFragmentationNeeded ? "+icmp" : "(blackhole)");
        if (rateBitsPerSecond > 0) b.append(" rate=").append(rateBitsPerSecond / 1000).append("kbit q=").append(queueBytes).append("B");
        return b.toString();
    }
}
