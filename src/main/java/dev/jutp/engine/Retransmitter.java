package dev.jutp.engine;

import dev.jutp.engine.cc.RttEstimator;
import dev.jutp.engine.loss.FastRetransmit;
import dev.jutp.engine.loss.LossCandidates;
import dev.jutp.engine.loss.RackTlp;
import dev.jutp.wire.PacketView;
import dev.jutp.wire.Sack;
import dev.jutp.wire.Seq;

/**
 * Loss recovery for one connection: decides which of its queued packets are lost and resends
 * them, by SACK marks and duplicate acks ({@link FastRetransmit}'s bookkeeping), by RACK's time
 * rule and the tail-loss probe ({@link RackTlp}), and at the retransmission timeout, with its
 * back-off and give-up count. Each resent packet leaves and re-enters the in-flight count, and
 * LEDBAT hears of the loss once per event. Works on its connection's send queue and sends
 * through it; runs on the engine's owner thread, allocates nothing.
 */
final class Retransmitter {
    /** At most this many packets resent per SACK, RACK pass or duplicate-ack trigger. */
    static final int MAX_RESENDS_PER_SACK = 4;
    /** Packets one SACK can prove lost that are remembered for resending. */
    static final int MAX_SACK_CANDIDATES = 128;

    private final Connection c;
    /** Consecutive retransmission timeouts without an ack in between (the give-up count). */
    private int retransmitCount;

    Retransmitter(Connection c) {
        this.c = c;
    }

    /** An ack removed a packet: the give-up count starts over. */
    void progress() {
        retransmitCount = 0;
    }

    /** SACK processing: ack the marked packets, fast-resend holes with ≥3 marks above them. */
    void selectiveAck(int pkAck, PacketView p) {
        if (c.queuedPackets == 0) {
            return;
        }
        LossCandidates candidates = c.engine.sackCandidates;
        candidates.clear();
        int count = 0;
        int threshold = FastRetransmit.sackThreshold(c.queuedPackets, c.config.lossRecovery() == Engine.LOSS_RECOVERY_LIBUTP);
        for (int k = p.sackLength * 8 - 1; k >= 0; k--) {
            int seq = Sack.seqOfBit(pkAck, k);
            if (Seq.distance(seq, Seq.add(c.seqNr, -1)) >= c.queuedPackets - 1 || c.queuedPackets <= 1) {
                continue;
            }
            boolean set = Sack.isSet(p.segment, p.sackOffset, k);
            if (set) {
                count++;
            }
            if (!c.sendQueue.contains(seq) || c.sendQueue.transmissions(seq) == 0) {
                continue;
            }
            if (set) {
                c.acks.ackPacket(seq);
                continue;
            }
            if (count >= threshold && resendable(seq)) {
                candidates.addLower(seq);
            }
        }
        int firstMissing = Seq.add(pkAck, 1);
        if (count >= threshold && c.sendQueue.contains(firstMissing) && c.sendQueue.transmissions(firstMissing) > 0
                && resendable(firstMissing)) {
            candidates.addLowest(firstMissing);
        }
        // Candidates were collected highest first; resend lowest first, at most 4.
        int resent = 0;
        boolean congestion = false;
        while (!candidates.isEmpty() && resent < MAX_RESENDS_PER_SACK) {
            int seq = candidates.takeLowest();
            if (!c.sendQueue.contains(seq)) {
                continue;
            }
            c.stats.fastRetransmits++;
            congestion |= !resendLost(seq);
            c.fast.handledThrough(seq);
            resent++;
        }
        afterResends("fast", resent, congestion);
        c.fast.sackMarks(count);
        c.acks.skipAckedFront();
    }

    /** Three duplicate STATE acks without SACK: resend the oldest once (BEP 29; libutp lacks it, Q6). */
    void duplicateAckResend() {
        int oldest = Seq.add(c.seqNr, -c.queuedPackets);
        if (c.queuedPackets == 0 || !c.sendQueue.contains(oldest) || c.sendQueue.transmissions(oldest) == 0
                || !c.fast.notYetResent(oldest)) {
            return;
        }
        c.stats.fastRetransmits++;
        boolean probe = resendLost(oldest);
        c.fast.handledThrough(oldest);
        if (!probe) {
            c.cc.onLoss(c.engine.nowMillis, c.rtt.rttMillis());
        }
    }

    /**
     * Whether SACK evidence may resend {@code seq}: once when first found missing (libutp's
     * fast-resend marker), and again if its retransmission has itself gone unacknowledged for
     * a round trip while later packets keep arriving. libutp never resends a packet twice this
     * way and waits for the RTO, whose give-up count then kills connections on lossy paths.
     */
    private boolean resendable(int seq) {
        if (c.fast.notYetResent(seq)) {
            return true;
        }
        return c.config.lossRecovery() != Engine.LOSS_RECOVERY_LIBUTP
                && FastRetransmit.resendAgain(c.sendQueue.transmissions(seq), c.sendQueue.sentMicros(seq), c.engine.nowMicros,
                        c.rtt.hasSample(), c.rtt.rttMillis(), c.rtt.rttVarMillis());
    }

    /**
     * Retransmits a packet judged lost; its bytes leave and re-enter the in-flight count.
     * Returns true if it was the outstanding MTU probe: a lost probe says the path may not carry
     * its size (libutp's third-duplicate-ack rule), which is not congestion; its retransmission
     * goes without DF.
     */
    private boolean resendLost(int seq) {
        boolean probe = c.mtu.isProbe(seq);
        if (probe) {
            c.mtu.probeLost(c.engine.nowMillis);
            c.engine.log(c, Engine.LOG_MTU, "MTU [PROBE-LOST] floor:%d ceiling:%d guess:%d", c.mtu.floor(), c.mtu.ceiling(), c.mtu.guess());
        }
        if (!c.sendQueue.needResend(seq)) {
            c.bytesInFlight -= c.sendQueue.payload(seq);
            c.sendQueue.setNeedResend(seq, true);
            c.out.rescanFromOldest();
        }
        c.out.sendPacket(seq);
        return probe;
    }

    /**
     * The SYN's probe: QUIC's first PTO (RFC 9002 §6.2.2: 333 ms initial RTT, about 1 s). The SYN's
     * 3 s RTO and its give-up count stay as they were; a lost SYN or SYN-ACK then costs 1 s, not 3.
     */
    static final long SYN_PROBE_TIMEOUT_MICROS = 1_000_000;

    /** RACK scans at most this many queued packets per call (the loss-free case stops at the first). */
    private static final int RACK_SCAN_LIMIT = 512;

    /**
     * RACK (RFC 8985): resends the outstanding packets sent before the most recently delivered
     * one whose round trip plus the reordering window has passed, a lost retransmission among
     * them. Like SACK's fast retransmission, a resent packet leaves and re-enters the in-flight
     * count, so the window is never exceeded; at most {@link #MAX_RESENDS_PER_SACK} per call, and
     * one LEDBAT loss response (which acts at most once per RTT).
     */
    void detectLosses() {
        if (c.queuedPackets == 0 || !c.rack.hasDelivery()) {
            return;
        }
        long srtt = c.rtt.hasSample() ? c.rtt.rttMillis() * 1000L : 0;
        int resent = 0;
        boolean congestion = false;
        int seq = Seq.add(c.seqNr, -c.queuedPackets);
        for (int i = 0; i < Math.min(c.queuedPackets, RACK_SCAN_LIMIT) && resent < MAX_RESENDS_PER_SACK; i++, seq = Seq.add(seq, 1)) {
            if (!c.sendQueue.contains(seq) || c.sendQueue.needResend(seq)) {
                continue;
            }
            int tx = c.sendQueue.transmissions(seq);
            if (tx == 0) {
                break;                      // never sent, nor anything after it
            }
            long delay = c.rack.lossDelayMicros(seq, c.sendQueue.sentMicros(seq), tx, c.engine.nowMicros, srtt);
            if (delay == Long.MAX_VALUE && tx == 1) {
                break;                      // sent after the newest delivery, as every later first transmission
            }
            if (delay > 0) {
                continue;                   // not yet: the next ack or tick looks again
            }
            c.stats.fastRetransmits++;
            c.stats.rackRetransmits++;
            congestion |= !resendLost(seq);
            c.fast.handledThrough(seq);
            resent++;
        }
        afterResends("RACK", resent, congestion);
    }

    /**
     * TLP (RFC 8985 §7): after a probe timeout with packets outstanding and neither acks nor new
     * data, resend the newest sent packet, so its ack (with SACK) shows RACK what the tail lost;
     * unanswered, again after twice the wait (RFC 9002's PTO backoff) until the RTO. A probe stays
     * counted in flight once (not a new packet), and LEDBAT takes the silence as a loss (at most
     * one cut per RTT): a scavenger does not speed up under loss.
     */
    private void tailLossProbe() {
        long pto;
        if (c.state == Connection.SYN_SENT) {
            pto = SYN_PROBE_TIMEOUT_MICROS;
        } else if (!c.rtt.hasSample() || c.peerWindowClosed) {
            return;                         // no RTT yet, or the peer cannot take it: the RTO's job
        } else {
            pto = RackTlp.probeTimeoutMicros(c.rtt.rttMillis() * 1000L, c.rtt.rttVarMillis() * 1000L, c.queuedPackets == 1);
        }
        if (!c.rack.probeDue(c.engine.nowMicros, pto) || !c.engine.takeTimeout()) {
            return;                         // probes share the RTO's per-tick budget (a burst of them refills the buffer they emptied)
        }
        int seq = Seq.add(c.seqNr, -1);
        for (int i = 0; i < c.queuedPackets; i++, seq = Seq.add(seq, -1)) {
            if (c.sendQueue.contains(seq) && c.sendQueue.transmissions(seq) > 0 && !c.sendQueue.needResend(seq)) {
                c.rack.probeSent(c.engine.nowMicros);
                c.stats.tailLossProbes++;
                c.engine.log(c, Engine.LOG_NORMAL, "tail-loss probe: resending seq %d after %d us", seq, pto);
                if (c.state != Connection.SYN_SENT) {
                    c.cc.onLoss(c.engine.nowMillis, c.rtt.rttMillis());
                }
                c.out.sendPacket(seq);
                return;
            }
        }
    }

    /**
     * RACK's reordering timer and the tail-loss probe, ahead of the RTO. The engine runs this on
     * every timer call, also between its 500 ms ticks: a probe due after two RTTs of 20 ms must
     * not wait for the tick.
     */
    void checkLossTimers() {
        if (c.config.lossRecovery() != Engine.LOSS_RECOVERY_RACK_TLP || c.queuedPackets == 0
                || c.state != Connection.SYN_SENT && c.state != Connection.SYN_RECV && c.state != Connection.CONNECTED && c.state != Connection.CONNECTED_FULL
                || c.timers.retransmissionDue(c.engine.nowMillis)) {
            return;
        }
        if (c.state != Connection.SYN_SENT) {
            detectLosses();                 // the reordering window may have passed since the last ack
        }
        tailLossProbe();
    }

    /** RTO expiry. Returns true if the connection gave up. */
    boolean retransmissionTimeout(long now) {
        boolean ignoreLoss = false;
        if (c.queuedPackets == 1 && c.mtu.isProbe(Seq.add(c.seqNr, -1))) {
            // Only the probe is missing: the path dropped its size, not congestion.
            c.mtu.probeLost(now);
            ignoreLoss = true;
            c.engine.log(c, Engine.LOG_MTU, "MTU [PROBE-TIMEOUT] floor:%d ceiling:%d guess:%d", c.mtu.floor(), c.mtu.ceiling(), c.mtu.guess());
        }
        c.mtu.forgetProbe();
        int timeout = c.timers.retransmissionTimeoutMillis();
        int newTimeout = ignoreLoss ? timeout : RttEstimator.backoff(timeout);
        int limit = c.state == Connection.SYN_SENT ? RttEstimator.synGiveUp(c.config.giveUpRetransmissions()) : c.config.giveUpRetransmissions();
        boolean ownBacklog = c.engine.inputBackloggedWithin(timeout);
        if (c.queuedPackets > 0 && retransmitCount >= limit && !ownBacklog) {
            c.engine.log(c, Engine.LOG_NORMAL, "timed out after %d retransmissions", retransmitCount);
            c.fail(Connection.ETIMEDOUT);
            return true;
        }
        c.timers.armRetransmission(now, newTimeout);
        c.rack.disarmProbe();                 // the timeout's recovery now; acks re-arm the probe
        if (!ignoreLoss) {
            c.fast.clearDuplicates();
            c.cc.onTimeout(c.queuedPackets > 0, c.packetSize());
        }
        // Every transmitted packet is now presumed lost.
        for (int i = 0, seq = Seq.add(c.seqNr, -c.queuedPackets); i < c.queuedPackets; i++, seq = Seq.add(seq, 1)) {
            if (c.sendQueue.contains(seq) && c.sendQueue.transmissions(seq) > 0 && !c.sendQueue.needResend(seq)) {
                c.sendQueue.setNeedResend(seq, true);
                c.bytesInFlight -= c.sendQueue.payload(seq);
            }
        }
        c.out.rescanFromOldest();
        if (c.queuedPackets > 0) {
            retransmitCount++;
            c.fast.timedOut();
            int oldest = Seq.add(c.seqNr, -c.queuedPackets);
            if (c.sendQueue.contains(oldest)) {
                c.stats.timeoutRetransmits++;
                c.engine.log(c, Engine.LOG_NORMAL, "packet timeout: resending seq %d (rto %d ms)", oldest, newTimeout);
                c.out.sendPacket(oldest);
            }
        }
        return false;
    }

    /** Logs a batch of loss resends; a resend that was not spurious tells the controller of the loss. */
    private void afterResends(String kind, int resent, boolean congestion) {
        if (resent > 0) {
            c.engine.log(c, Engine.LOG_NORMAL, "packet loss: %s resend of %d packet(s)", kind, resent);
            if (congestion) {
                c.cc.onLoss(c.engine.nowMillis, c.rtt.rttMillis());
            }
        }
    }
}
