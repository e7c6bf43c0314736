package dev.jutp.engine;

import dev.jutp.engine.buf.ReorderBuffer;
import dev.jutp.engine.buf.SendQueue;
import dev.jutp.engine.cc.RttEstimator;
import dev.jutp.wire.Seq;

/**
 * State invariants of an engine and its connections, checked by the hostile-input tests after
 * every datagram. Each violation throws an {@link AssertionError} naming the connection. Call
 * between API calls (after events were dispatched), when the engine is at rest.
 */
public final class Invariants {
    private Invariants() {}

    /** Checks every connection in the table and that the packet slab accounts for every slot. */
    public static void check(Engine e) {
        Connection[] all = e.table.snapshot(new Connection[16]);
        long slotsHeld = e.deferredSlotCount();
        int n = 0;
        for (; all[n] != null; n++) {
            Connection c = all[n];
            check(c);
            if (e.table.get(c.peer, c.recvId) != c) {
                fail(c, "not reachable in the table under its own key");
            }
            slotsHeld += slotsHeld(c);
        }
        if (n != e.connectionCount()) {
            fail(null, "table size " + e.connectionCount() + " but " + n + " connections");
        }
        if (e.slab.slotsInUse() != slotsHeld) {
            fail(null, "slab has " + e.slab.slotsInUse() + " slots in use, connections hold " + slotsHeld);
        }
    }

    /** Checks one connection's sequence space, buffers and congestion state. */
    public static void check(Connection c) {
        int s = c.state;
        if (s != Connection.UNINITIALIZED && s != Connection.SYN_SENT && s != Connection.SYN_RECV
                && s != Connection.CONNECTED && s != Connection.CONNECTED_FULL && s != Connection.RESET
                && s != Connection.DESTROY) {
            fail(c, "unknown state " + s);
        }
        if (c.recvId < 0 || c.recvId > Seq.MASK || c.sendId < 0 || c.sendId > Seq.MASK
                || c.seqNr < 0 || c.seqNr > Seq.MASK || c.ackNr < 0 || c.ackNr > Seq.MASK) {
            fail(c, "16-bit field out of range");
        }
        if (s != Connection.UNINITIALIZED && Seq.distance(c.recvId, c.sendId) != 1 && Seq.distance(c.sendId, c.recvId) != 1) {
            fail(c, "ids " + c.recvId + "/" + c.sendId + " are not neighbours modulo 2^16");
        }
        if (c.queuedPackets < 0 || c.queuedPackets >= SendQueue.MAX_PACKETS) {
            fail(c, "queued packets " + c.queuedPackets);
        }
        SendQueue q = c.sendQueue();
        if (c.queuedPackets > 0 && !q.contains(Seq.add(c.seqNr, -c.queuedPackets))) {
            fail(c, "the oldest queued packet is missing");
        }
        long inFlight = 0;
        for (int i = 0, seq = Seq.add(c.seqNr, -c.queuedPackets); i < c.queuedPackets; i++, seq = Seq.add(seq, 1)) {
            if (!q.contains(seq)) {
                continue;
            }
            if (q.payload(seq) < 0 || q.payload(seq) > c.engine.slab.slotSize()) {
                fail(c, "payload " + q.payload(seq) + " at seq " + seq);
            }
            if (q.transmissions(seq) > 0 && !q.needResend(seq)) {
                inFlight += q.payload(seq);
            }
        }
        if (c.bytesInFlight != inFlight) {
            fail(c, "bytes in flight " + c.bytesInFlight + " but the queue holds " + inFlight + " sent, unacked");
        }
        if (c.peerWindow < 0 || c.peerWindow > 0xFFFF_FFFFL) {
            fail(c, "peer window " + c.peerWindow);
        }
        long cwnd = c.cc.window();
        if (cwnd < dev.jutp.engine.cc.Ledbat.MIN_WINDOW_BYTES || cwnd > Math.max(c.sndbuf, c.packetSize()) + c.packetSize()) {
            fail(c, "congestion window " + cwnd + " outside [min, SNDBUF]");
        }
        if (c.rtt.rtoMillis() < RttEstimator.MIN_RTO_MS) {
            fail(c, "rto " + c.rtt.rtoMillis());
        }
        ReorderBuffer r = c.reorderBuffer();
        int count = r.count();
        if (count < 0 || count > ReorderBuffer.MAX_AHEAD) {
            fail(c, "reorder buffer count " + count);
        }
        int found = 0;
        int span = Math.min(r.capacity(), ReorderBuffer.MAX_AHEAD + 1);
        for (int k = 1; k <= span; k++) {
            if (r.contains(Seq.add(c.ackNr, k))) {
                found++;
            }
        }
        if (found != count) {
            fail(c, "reorder buffer count " + count + " but " + found + " entries ahead of ack_nr " + c.ackNr);
        }
        if (r.contains(c.ackNr)) {
            fail(c, "reorder buffer holds the already delivered ack_nr");
        }
        if ((s == Connection.RESET || s == Connection.DESTROY) && c.finAcked && !c.finSent) {
            fail(c, "FIN acked but never sent");
        }
    }

    private static long slotsHeld(Connection c) {
        long held = c.reorderBuffer().slabSlots();
        SendQueue q = c.sendQueue();
        for (int i = 0, seq = Seq.add(c.seqNr, -c.queuedPackets); i < c.queuedPackets; i++, seq = Seq.add(seq, 1)) {
            if (q.contains(seq)) {
                held++;
            }
        }
        return held;
    }

    /** Off-heap bytes the connection's reorder buffer pins (whole slab slots). */
    public static long reorderMemory(Connection c) {
        return (long) c.reorderBuffer().slabSlots() * c.engine.slab.slotSize();
    }

    /** The most reorder memory a peer can make a connection pin: RCVBUF plus the window slack. */
    public static long reorderMemoryBound(Connection c) {
        return (long) c.rcvbuf + ReceiveWindow.SLACK_BYTES;
    }

    /** The connection's timers and when it last heard from its peer (engine milliseconds). */
    public static String lastTraffic(Connection c) {
        return c.timers + " received " + c.lastReceivedMillis;
    }

    /** Our next sequence number (for building packets relative to a live connection). */
    public static int seqNr(Connection c) {
        return c.seqNr;
    }

    /** The last in-order sequence number received. */
    public static int ackNr(Connection c) {
        return c.ackNr;
    }

    public static int queuedPackets(Connection c) {
        return c.queuedPackets;
    }

    /** Whether a packet acking {@code ack} passes the connection's ack-window check. */
    public static boolean ackAcceptable(Connection c, int ack) {
        int lastSent = Seq.add(c.seqNr, -1);
        return !Seq.lessThan(lastSent, ack)
                && !Seq.lessThan(ack, Seq.add(lastSent, -(c.queuedPackets + Connection.ACK_NR_ALLOWED_WINDOW)));
    }

    /** Whether an RST acking {@code ack} would be believed. */
    public static boolean resetAcceptable(Connection c, int ack) {
        return c.resetAcceptable(ack);
    }

    private static void fail(Connection c, String what) {
        throw new AssertionError((c == null ? "engine" : c.toString()) + ": " + what);
    }
}
