package dev.jutp.sim;


import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A two-node transfer scenario: sender 10.0.0.1:1000 to receiver 10.0.0.2:2000 over one link
 * per direction, run until both ends are destroyed or a virtual-time bound passes. Everything
 * is derived from the seed, so {@link #describe} plus the seed reproduces a run exactly.
 */
public final class Scenario {
    public static final InetSocketAddress SENDER = new InetSocketAddress("10.0.0.1", 1000);
    public static final InetSocketAddress RECEIVER = new InetSocketAddress("10.0.0.2", 2000);

    public final Sim sim;
    public final Network net;
    public final UtpNode sender;
    public final UtpNode receiver;
    public final LinkConfig forward;
    public final LinkConfig backward;
    public final Link[] links;
    public final BulkTransfer transfer;
    private long boundMicros = 900_000_000L;
    boolean completed;

    public Scenario(long seed, int size, LinkConfig forward, LinkConfig backward) {
        this(seed, size, forward, backward, t -> { });
    }

    public Scenario(long seed, int size, LinkConfig forward, LinkConfig backward, Consumer<BulkTransfer> tweak) {
        this.sim = new Sim(seed);
        this.net = new Network(sim);
        this.forward = forward;
        this.backward = backward;
        this.sender = new UtpNode(net, SENDER);
        this.receiver = new UtpNode(net, RECEIVER);
        this.links = net.connect(sender, receiver, forward, backward);
        this.transfer = new BulkTransfer(sim, size);
        tweak.accept(transfer);
    }

    /** Gives up (a stall) after this much virtual time. */
    public Scenario bound(long seconds) {
        boundMicros = seconds * 1_000_000L;
        return this;
    }

    /** Sets jutp's give-up count (JUTP_GIVE_UP_RETRANSMISSIONS) on both contexts. */
    public Scenario giveUp(int retransmissions) {
        for (UtpNode n : new UtpNode[] {sender, receiver}) {
            if (dev.jutp.capi.Utp.utp_context_set_option(n.context(), dev.jutp.capi.Utp.JUTP_GIVE_UP_RETRANSMISSIONS, retransmissions) != 0) {
                throw new IllegalArgumentException("bad give-up count " + retransmissions);
            }
        }
        return this;
    }

    /** Both contexts on libutp's classic LEDBAT, for figures pinned to libutp's controller. */
    public Scenario classicLedbat() {
        for (UtpNode n : new UtpNode[] {sender, receiver}) {
            n.useClassicLedbat();
        }
        return this;
    }

    /** Sets JUTP_LOSS_RECOVERY (libutp's rules or RACK-TLP) on both contexts. */
    public Scenario lossRecovery(int mode) {
        for (UtpNode n : new UtpNode[] {sender, receiver}) {
            if (dev.jutp.capi.Utp.utp_context_set_option(n.context(), dev.jutp.capi.Utp.JUTP_LOSS_RECOVERY, mode) != 0) {
                throw new IllegalArgumentException("bad loss recovery mode " + mode);
            }
        }
        return this;
    }

    /** Virtual seconds from the start to the receiver's EOF; NaN if it never came. */
    public double completionSeconds() {
        return transfer.doneMicros == 0 ? Double.NaN : (transfer.doneMicros - Sim.START_MICROS) / 1e6;
    }

    public Scenario run() {
        sender.startTicking(UtpNode.DEFAULT_TICK_MICROS);
        receiver.startTicking(UtpNode.DEFAULT_TICK_MICROS);
        transfer.start(sender, receiver);
        completed = sim.runUntil(transfer::finished, Sim.START_MICROS + boundMicros, 200_000_000L);
        return this;
    }

    /** Null when the transfer was perfect; else the reason (node callback faults first). */
    public String failure() {
        if (sender.failure != null) {
            return "sender callback threw " + sender.failure;
        }
        if (receiver.failure != null) {
            return "receiver callback threw " + receiver.failure;
        }
        String v = transfer.verdict();
        if (v != null && !completed) {
            return "stalled past " + boundMicros / 1_000_000 + " s of virtual time: " + v;
        }
        return v;
    }

    public String describe() {
        return "size=" + transfer.size() + " fwd[" + forward + "] back[" + backward + "]";
    }

    public String report() {
        Counters s = transfer.senderCounters();
        return String.format("t=%.1fs goodput=%.0fkbit/s rexmit=%d rto=%d fastrexmit=%d tx=%d rx=%d mtu=%d errS=%d errR=%d | %s | %s",
                sim.elapsedSeconds(), transfer.goodputBitsPerSecond() / 1000, s.fastRetransmits(), s.timeoutRetransmits(),
                s.recoveryRetransmits(), s.packetsSent(), s.packetsReceived(), s.mtuGuess(), transfer.senderError, transfer.receiverError,
                links[0].report(), links[1].report());
    }

    public void close() {
        sender.destroy();
        receiver.destroy();
    }
}
