package dev.jutp.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * A TCP-like competitor: NewReno congestion control (slow start, AIMD, fast retransmit on three
 * duplicate acks, SACK-driven repair of the holes during recovery, RTO with go-back-N and
 * backoff) over its own datagrams,
 * from a sender node to a receiver node. It shares whatever links it is routed over, so at a
 * common bottleneck it fills the same queue uTP measures. A model, not a TCP: no delayed
 * acks, no receive-window limit.
 */
public final class RenoFlow {
    static final int SEGMENT = 1400;
    /** Cumulative ack (8 bytes) plus a 1024-bit SACK map of the segments after it. */
    private static final int SACK_BITS = 1024;
    private static final int ACK_SIZE = 8 + SACK_BITS / 8;
    private static final int RESENDS_PER_ACK = 4;
    private static final long MIN_RTO_MICROS = 200_000;

    private final Sim sim;
    private final Network net;
    public final Node sender;
    public final Node receiver;
    private boolean active;

    // Sender state (sequence numbers count segments).
    private long sndUna;
    private long sndNxt;
    private long highestSent;
    private double cwnd = 2;
    private double ssthresh = 1e9;
    private int dupAcks;
    private boolean inRecovery;
    private long recover;
    private long srtt;
    private long rttVar;
    private long rtoMicros = 1_000_000;
    private long timerGeneration;
    private final long[] sentAt = new long[1 << 16];
    private final BitSet retransmitted = new BitSet();
    private final BitSet repaired = new BitSet();
    long timeouts;
    long fastRetransmits;

    // Receiver state.
    private long expected;
    private final BitSet buffered = new BitSet();
    long deliveredBytes;

    public RenoFlow(Network net, InetSocketAddress from, InetSocketAddress to) {
        this.net = net;
        this.sim = net.sim();
        this.sender = new Endpoint(from, this::onAck);
        this.receiver = new Endpoint(to, this::onData);
        net.attach(sender);
        net.attach(receiver);
    }

    @Override
    public String toString() {
        return "Reno[cwnd=%.1f ssthresh=%.1f una=%d nxt=%d rto=%dms timeouts=%d fastrexmit=%d delivered=%d]"
                .formatted(cwnd, ssthresh, sndUna, sndNxt, rtoMicros / 1000, timeouts, fastRetransmits, deliveredBytes);
    }

    public long deliveredBytes() {
        return deliveredBytes;
    }

    public void start() {
        active = true;
        pump();
    }

    /** Stops sending new data (what is in flight still completes). */
    public void stop() {
        active = false;
    }

    private void pump() {
        while (active && sndNxt - sndUna < (long) cwnd) {
            transmit(sndNxt++);
        }
    }

    private void transmit(long seq) {
        byte[] b = new byte[SEGMENT];
        ByteBuffer.wrap(b).putLong(seq);
        sentAt[(int) (seq & 0xFFFF)] = sim.nowMicros();
        if (seq < highestSent) {
            retransmitted.set((int) (seq & 0xFFFFFF));     // go-back-N resend: no RTT sample (Karn)
        }
        highestSent = Math.max(highestSent, seq + 1);
        if (seq == sndUna) {
            armTimer();
        }
        net.send(new Packet(sender.address(), receiver.address(), b, 0));
    }

    private void retransmit(long seq) {
        retransmitted.set((int) (seq & 0xFFFFFF));
        transmit(seq);
    }

    private void armTimer() {
        long generation = ++timerGeneration;
        sim.after(rtoMicros, () -> {
            if (generation == timerGeneration && sndNxt > sndUna) {
                onTimeout();
            }
        });
    }

    private void onTimeout() {
        timeouts++;
        ssthresh = Math.max(cwnd / 2, 2);
        cwnd = 1;
        inRecovery = false;
        dupAcks = 0;
        rtoMicros = Math.min(rtoMicros * 2, 60_000_000);
        sndNxt = sndUna;                    // go back N
        retransmit(sndNxt++);
        pump();
    }

    private void onAck(Packet p) {
        ByteBuffer in = ByteBuffer.wrap(p.bytes());
        long ack = in.getLong();
        BitSet sacked = BitSet.valueOf(in);
        if (ack > sndUna) {
            // Time the oldest newly acked segment, never a retransmitted one (Karn) and never in
            // recovery, where a cumulative ack also covers segments that waited for a repair.
            if (!inRecovery && !retransmitted.get((int) (sndUna & 0xFFFFFF))) {
                sampleRtt(sim.nowMicros() - sentAt[(int) (sndUna & 0xFFFF)]);
            }
            for (long s = sndUna; s < ack; s++) {
                retransmitted.clear((int) (s & 0xFFFFFF));
            }
            sndUna = ack;
            rtoMicros = Math.max(MIN_RTO_MICROS, srtt + 4 * rttVar);   // new data acked: drop the backoff
            if (sndNxt < sndUna) {
                sndNxt = sndUna;
            }
            dupAcks = 0;
            if (inRecovery) {
                if (ack >= recover) {
                    inRecovery = false;
                    cwnd = ssthresh;
                } else {
                    retransmit(sndUna);     // partial ack: the next hole (NewReno)
                }
            } else {
                cwnd += cwnd < ssthresh ? 1 : 1 / cwnd;
            }
            if (sndNxt > sndUna) {
                armTimer();
            } else {
                timerGeneration++;
            }
        } else if (ack == sndUna && sndNxt > sndUna && ++dupAcks == 3 && !inRecovery) {
            fastRetransmits++;
            ssthresh = Math.max(cwnd / 2, 2);
            cwnd = ssthresh;
            inRecovery = true;
            recover = sndNxt;
            repaired.clear();
            repaired.set((int) (sndUna & 0xFFFFFF));
            retransmit(sndUna);
        }
        if (inRecovery) {
            repairHoles(ack, sacked);
        }
        pump();
    }

    /** Resends, once per recovery, segments the SACK map shows missing below its highest mark. */
    private void repairHoles(long ack, BitSet sacked) {
        int highest = sacked.length();          // bit i = segment ack + 1 + i; ack itself is missing
        int sent = 0;
        for (int i = -1; i < highest && sent < RESENDS_PER_ACK; i++) {
            long seq = ack + 1 + i;
            int key = (int) (seq & 0xFFFFFF);
            if ((i >= 0 && sacked.get(i)) || seq < sndUna || seq >= sndNxt || repaired.get(key)) {
                continue;
            }
            repaired.set(key);
            retransmit(seq);
            sent++;
        }
    }

    private void sampleRtt(long micros) {
        if (srtt == 0) {
            srtt = micros;
            rttVar = micros / 2;
        } else {
            rttVar += (Math.abs(srtt - micros) - rttVar) / 4;
            srtt += (micros - srtt) / 8;
        }
        rtoMicros = Math.max(MIN_RTO_MICROS, srtt + 4 * rttVar);
    }

    private void onData(Packet p) {
        long seq = ByteBuffer.wrap(p.bytes()).getLong();
        if (seq == expected) {
            expected++;
            deliveredBytes += SEGMENT;
            while (buffered.get((int) (expected & 0xFFFFFF))) {
                buffered.clear((int) (expected & 0xFFFFFF));
                expected++;
                deliveredBytes += SEGMENT;
            }
        } else if (seq > expected && seq - expected < 1 << 20) {
            buffered.set((int) (seq & 0xFFFFFF));
        }
        byte[] b = new byte[ACK_SIZE];
        ByteBuffer.wrap(b).putLong(expected);
        BitSet map = buffered.get((int) ((expected + 1) & 0xFFFFFF), (int) ((expected + 1) & 0xFFFFFF) + SACK_BITS);
        byte[] bits = map.toByteArray();
        System.arraycopy(bits, 0, b, 8, Math.min(bits.length, SACK_BITS / 8));
        net.send(new Packet(receiver.address(), sender.address(), b, 0));
    }

    private record Endpoint(InetSocketAddress address, java.util.function.Consumer<Packet> handler) implements Node {
        @Override
        public void receive(Packet p) {
            handler.accept(p);
        }
    }
}
