package dev.jutp.engine;

import dev.jutp.engine.cc.AckSample;
import dev.jutp.wire.PacketView;
import dev.jutp.wire.Sack;
import dev.jutp.wire.Seq;
import dev.jutp.wire.Timestamps;

/**
 * The acknowledgement side of one connection's input: what an incoming ack newly acknowledges
 * (cumulatively and by SACK), the RTT and one-way-delay samples it yields for the estimator,
 * RACK and the congestion controller, and the removal of acknowledged packets from the send
 * queue. Runs on the engine's owner thread; allocates nothing.
 */
final class AckProcessor {
    private static final long NOTHING_DELIVERED = Long.MIN_VALUE;

    private final Connection c;
    private final AckSample ackSample = new AckSample();
    /** While an ack is processed: send time of the newest packet it newly acknowledges, sent once. */
    private long newestDeliveredSentMicros = NOTHING_DELIVERED;

    AckProcessor(Connection c) {
        this.c = c;
    }

    /**
     * What an ack newly acknowledges, cumulatively ({@code acked} packets from {@code oldest})
     * and by SACK: the bytes delivered, RACK's delivery times, the ack's one RTT sample, and the
     * delay sample LEDBAT acts on. Returns the payload bytes newly acknowledged. The packets stay
     * queued: {@link #ackPacket} removes them once the connection's state has moved.
     */
    long acknowledged(PacketView p, int oldest, int acked) {
        long ackedBytes = 0;
        long minRttMicros = Long.MAX_VALUE;
        for (int i = 0, seq = oldest; i < acked; i++, seq = Seq.add(seq, 1)) {
            if (!c.sendQueue.contains(seq) || c.sendQueue.transmissions(seq) == 0) {
                continue;
            }
            ackedBytes += c.sendQueue.payload(seq);
            // Only the first transmission carries DF: a probe acked after a resend (a tail-loss
            // probe's, without DF) proves the original was lost, not that the path carries its size.
            boolean probeArrived = c.sendQueue.transmissions(seq) == 1;
            boolean probe = c.mtu.isProbe(seq);
            delivered(seq);
            if (probe && probeArrived) {
                c.mtu.probeAcked(c.engine.nowMillis);
                c.engine.log(c, Engine.LOG_MTU, "MTU [ACK] floor:%d ceiling:%d guess:%d", c.mtu.floor(), c.mtu.ceiling(), c.mtu.guess());
            } else if (probe) {
                c.mtu.probeLost(c.engine.nowMillis);
                c.engine.log(c, Engine.LOG_MTU, "MTU [PROBE-LOST] floor:%d ceiling:%d guess:%d", c.mtu.floor(), c.mtu.ceiling(), c.mtu.guess());
            }
            minRttMicros = Math.min(minRttMicros, rttSampleMicros(seq));
        }
        if (p.hasSack()) {
            for (int k = p.sackLength * 8 - 1; k >= 0; k--) {
                int seq = Sack.seqOfBit(p.ack, k);
                if (!inFlightRange(seq) || !Sack.isSet(p.segment, p.sackOffset, k)) {
                    continue;
                }
                if (c.sendQueue.contains(seq) && c.sendQueue.transmissions(seq) > 0) {
                    ackedBytes += c.sendQueue.payload(seq);
                    delivered(seq);
                    minRttMicros = Math.min(minRttMicros, rttSampleMicros(seq));
                }
            }
        }

        if (newestDeliveredSentMicros != NOTHING_DELIVERED) {
            c.rtt.addSample((int) Math.min((c.engine.nowMicros - newestDeliveredSentMicros) / 1000, Integer.MAX_VALUE));
            newestDeliveredSentMicros = NOTHING_DELIVERED;
        }
        measureDelay(p, ackedBytes, minRttMicros);
        return ackedBytes;
    }

    /** Packets at the front may already be gone (selectively acked): the queue starts after them. */
    void skipAckedFront() {
        while (c.queuedPackets > 0 && !c.sendQueue.contains(Seq.add(c.seqNr, -c.queuedPackets))) {
            c.queuedPackets--;
        }
    }

    private boolean inFlightRange(int seq) {
        // strictly after the oldest outstanding packet and before seqNr
        int back = Seq.distance(seq, Seq.add(c.seqNr, -1));
        return c.queuedPackets > 1 && back < c.queuedPackets - 1;
    }

    /**
     * An outstanding packet was acked or SACKed: RACK learns its send time. The ack's one RTT
     * sample is the newest packet it newly acknowledges, sent once (as QUIC's largest acknowledged):
     * libutp samples every acked packet, and one SACKed long after it left (its earlier acks were
     * lost) inflates the RTO to seconds.
     */
    private void delivered(int seq) {
        if (c.config.lossRecovery() == Engine.LOSS_RECOVERY_RACK_TLP) {
            long sent = c.sendQueue.sentMicros(seq);
            c.rack.onDelivered(seq, sent, c.sendQueue.transmissions(seq), c.engine.nowMicros);
            if (c.sendQueue.transmissions(seq) == 1 && sent > newestDeliveredSentMicros && sent <= c.engine.nowMicros) {
                newestDeliveredSentMicros = sent;
            }
        }
    }

    private long rttSampleMicros(int seq) {
        long sent = c.sendQueue.sentMicros(seq);
        return sent < c.engine.nowMicros ? c.engine.nowMicros - sent : 50_000;
    }

    /** One-way delay bookkeeping and the congestion-control update (libutp's step 7 and 8). */
    private void measureDelay(PacketView p, long ackedBytes, long minRttMicros) {
        c.lastDelayMeasuredMillis = c.engine.nowMillis;
        c.delays.onPacket(p.timestamp, Timestamps.wire(c.engine.nowMicros), p.timestampDifference, c.engine.nowMillis);
        c.delays.capByRoundTrip(minRttMicros);
        boolean sampled = p.timestampDifference != 0 && p.timestampDifference != Integer.MAX_VALUE;
        if (sampled && ackedBytes > 0) {
            long delay = c.delays.queuingDelayMicros(minRttMicros);
            c.engine.events.add(EngineEvents.DELAY_SAMPLE, c, (int) (delay / 1000));
            AckSample a = ackSample;
            a.ackedBytes = ackedBytes;
            a.queuingDelayMicros = delay + c.delays.driftPenaltyMicros();
            a.roundTripQueuingMicros = c.delays.roundTripQueuingMicros();
            a.baseRttMicros = c.delays.baseRttMicros();
            a.rttMicros = c.delays.smoothedRttMicros();
            a.targetMicros = c.targetDelayMicros;
            a.packetSize = c.packetSize();
            a.sndbuf = c.sndbuf;
            a.nowMillis = c.engine.nowMillis;
            a.nowMicros = c.engine.nowMicros;
            a.lastWindowFullMillis = c.lastWindowFullMillis;
            c.cc.onAck(a);
        }
    }

    /** Removes an acked packet: RTT sample if sent once (Karn), timer reset. */
    void ackPacket(int seq) {
        if (!c.sendQueue.contains(seq)) {
            return;
        }
        if (c.sendQueue.transmissions(seq) == 1) {
            long erttMicros = c.engine.nowMicros - c.sendQueue.sentMicros(seq);
            if (c.config.lossRecovery() == Engine.LOSS_RECOVERY_LIBUTP) {
                c.rtt.addSample((int) Math.min(erttMicros / 1000, Integer.MAX_VALUE));   // RACK-TLP: one per ack (delivered)
            }
            c.delays.addRoundTrip(erttMicros, c.engine.nowMillis);
        }
        c.timers.armRetransmission(c.engine.nowMillis, c.rtt.rtoMillis());
        if (!c.sendQueue.needResend(seq)) {
            c.bytesInFlight -= c.sendQueue.payload(seq);
        }
        if (c.mtu.isProbe(seq)) {
            c.mtu.forgetProbe();              // a SACKed probe is not proof of the path
        }
        c.engine.slab.release(c.sendQueue.remove(seq));
        c.loss.progress();
    }
}
