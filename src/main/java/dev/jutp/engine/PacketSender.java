package dev.jutp.engine;

import dev.jutp.engine.buf.PacketSlab;
import dev.jutp.engine.buf.SendQueue;
import dev.jutp.wire.Header;
import dev.jutp.wire.Seq;

import java.lang.foreign.MemorySegment;

/**
 * The sending half of one connection: packetises what the application writes into the send
 * queue (filling the newest unsent packet first), holds it to min(cwnd, SNDBUF, peer window)
 * (libutp's is_full), and transmits queued packets as the window opens, a small newest packet
 * held back (Nagle), each stamped with the current ack and window. Retransmissions go through
 * {@link #sendPacket} too. Runs on the engine's owner thread; allocates nothing per packet.
 */
final class PacketSender {
    private final Connection c;
    /** Flush scan hint: every queued packet before it is sent and not marked for resend. */
    private int flushFrom;
    private final MemorySegment[] singleIov = new MemorySegment[1];
    private final long[] singleOffset = new long[1];
    private final long[] singleLength = new long[1];

    PacketSender(Connection c) {
        this.c = c;
    }

    /** libutp's utp_write: bytes accepted into the send window, possibly 0. */
    long write(MemorySegment src, long offset, long length) {
        singleIov[0] = src;
        singleOffset[0] = offset;
        singleLength[0] = length;
        try {
            return writev(singleIov, singleOffset, singleLength, 1);
        } finally {
            singleIov[0] = null;
        }
    }

    /**
     * libutp's utp_writev: accepts as much of the vectors as the window allows, packetised
     * immediately. Returns the number of bytes accepted.
     */
    long writev(MemorySegment[] iov, long[] offsets, long[] lengths, int count) {
        if (!writable()) {
            return 0;
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += lengths[i];
        }
        if (total == 0) {
            return 0;                       // no empty DATA packet, no seq consumed (Q11)
        }
        int index = 0;
        long pos = offsets[0];
        long left = total;
        long sent = 0;
        int packetSize = c.packetSize();
        int chunk = (int) Math.min(left, packetSize);
        while (!isFull(chunk)) {
            // Copy `chunk` bytes from the vector cursor into the send queue.
            int remaining = chunk;
            while (remaining > 0) {
                while (pos >= offsets[index] + lengths[index]) {
                    index++;
                    pos = offsets[index];
                }
                int n = (int) Math.min(remaining, offsets[index] + lengths[index] - pos);
                appendData(iov[index], pos, n);
                pos += n;
                remaining -= n;
            }
            left -= chunk;
            sent += chunk;
            flush();                        // in flight now, so the next is-full test sees it
            chunk = (int) Math.min(left, packetSize);
            if (chunk == 0) {
                return sent;
            }
        }
        if (c.state == Connection.SYN_RECV) {
            c.fullWhileHalfOpen = true;       // becomes CONNECTED_FULL when the handshake completes
        } else {
            c.state = Connection.CONNECTED_FULL;
        }
        flush();
        return sent;
    }

    private boolean writable() {
        // Writes are allowed in SYN_RECV: a libutp initiator accepts DATA at seq ISN' right after
        // the SYN-ACK, so a server may speak first (fixes Q24).
        return (c.state == Connection.CONNECTED || c.state == Connection.CONNECTED_FULL || c.state == Connection.SYN_RECV) && !c.finQueued && !c.shutdownPending;
    }

    /** Appends payload to the newest never-sent packet, or starts new packets. */
    private void appendData(MemorySegment src, long offset, int length) {
        int packetSize = c.packetSize();
        while (length > 0) {
            int newest = Seq.add(c.seqNr, -1);
            if (c.queuedPackets > 0 && c.sendQueue.transmissions(newest) == 0 && !c.finQueued
                    && c.sendQueue.payload(newest) < packetSize && c.sendQueue.contains(newest)) {
                int have = c.sendQueue.payload(newest);
                int add = Math.min(length, packetSize - have);
                int slot = c.sendQueue.slotOf(newest);
                MemorySegment.copy(src, offset, c.engine.slab.segment(slot), c.engine.slab.offset(slot) + Header.SIZE + have, add);
                c.sendQueue.setLength(newest, Header.SIZE + have + add, have + add);
                offset += add;
                length -= add;
            } else {
                int add = Math.min(length, packetSize);
                queuePacket(Header.ST_DATA, src, offset, add);
                offset += add;
                length -= add;
            }
        }
    }

    /** Builds a new packet at seqNr (consuming it) and appends it to the send queue. */
    void queuePacket(int type, MemorySegment src, long offset, int payload) {
        PacketSlab slab = c.engine.slab;
        int slot = slab.take();
        MemorySegment seg = slab.segment(slot);
        long base = slab.offset(slot);
        if (payload > 0) {
            try {
                MemorySegment.copy(src, offset, seg, base + Header.SIZE, payload);
            } catch (RuntimeException e) {
                slab.release(slot);         // the caller's memory went away: nothing was queued
                throw e;
            }
        }
        int connId = type == Header.ST_SYN ? c.recvId : c.sendId;
        int ack = type == Header.ST_SYN ? 0 : c.ackNr;
        Header.write(seg, base, type, Header.EXT_NONE, connId, 0, 0, c.receiveWindow(), c.seqNr, ack);
        if (c.queuedPackets == 0) {
            flushFrom = c.seqNr;              // anchor the scan hint at the new oldest
            c.timers.armRetransmission(c.engine.nowMillis, c.rtt.rtoMillis());
        }
        c.sendQueue.put(Seq.add(c.seqNr, -c.queuedPackets), c.queuedPackets, c.seqNr, slot, Header.SIZE + payload, payload);
        c.seqNr = Seq.add(c.seqNr, 1);
        c.queuedPackets++;
        if (type == Header.ST_SYN) {
            sendPacket(Seq.add(c.seqNr, -1));
        }
    }

    /** libutp's is_full: would {@code bytes} more exceed min(cwnd, SNDBUF, peer window)? */
    boolean isFull(int bytes) {
        int packetSize = c.packetSize();
        if (bytes < 0 || bytes > packetSize) {
            bytes = packetSize;
        }
        if (c.queuedPackets >= SendQueue.MAX_PACKETS - 1) {
            c.lastWindowFullMillis = c.engine.nowMillis;
            return true;
        }
        // One packet may always be in flight: a window cut below a packet would otherwise stall
        // the sender until the next RTO (libutp's Q37).
        long window = c.bytesInFlight == 0 ? Math.max(c.cc.window(), packetSize) : c.cc.window();
        long limit = Math.min(Math.min(window, c.sndbuf), c.peerWindow);
        if (c.bytesInFlight + bytes > limit) {
            c.lastWindowFullMillis = c.engine.nowMillis;
            return true;
        }
        return false;
    }

    /**
     * Sends queued packets the window allows; holds back a small newest packet (Nagle). The scan
     * starts at {@link #flushFrom}, past the packets already in flight, so writing a window of
     * packets one by one costs linear, not quadratic, time (libutp rescans from the oldest).
     */
    void flush() {
        if (c.state == Connection.RESET || c.state == Connection.DESTROY || c.state == Connection.UNINITIALIZED) {
            return;                         // nothing leaves a dead connection (Q14)
        }
        int packetSize = c.packetSize();
        int newest = Seq.add(c.seqNr, -1);
        int oldest = Seq.add(c.seqNr, -c.queuedPackets);
        int skip = Seq.distance(oldest, flushFrom);
        if (skip > c.queuedPackets) {
            skip = 0;                       // stale hint (the queue moved past it): scan everything
        }
        boolean prefix = true;
        for (int i = skip, seq = Seq.add(oldest, skip); i < c.queuedPackets; i++, seq = Seq.add(seq, 1)) {
            if (!c.sendQueue.contains(seq) || c.sendQueue.transmissions(seq) > 0 && !c.sendQueue.needResend(seq)) {
                if (prefix) {
                    flushFrom = Seq.add(seq, 1);
                }
                continue;
            }
            if (isFull(-1)) {
                return;
            }
            // The FIN is held like any small newest packet: it leaves once all data is acked (check 48).
            if (seq != newest || c.queuedPackets == 1 || c.sendQueue.payload(seq) >= packetSize) {
                sendPacket(seq);
                if (prefix) {
                    flushFrom = Seq.add(seq, 1);
                }
            } else {
                prefix = false;
            }
        }
    }

    /** A packet before {@link #flushFrom} was marked for resend: the next flush scans from the oldest. */
    void rescanFromOldest() {
        flushFrom = Seq.add(c.seqNr, -c.queuedPackets);
    }

    /** Transmits (or retransmits) the queued packet {@code seq}. */
    void sendPacket(int seq) {
        int slot = c.sendQueue.slotOf(seq);
        MemorySegment seg = c.engine.slab.segment(slot);
        long base = c.engine.slab.offset(slot);
        int length = c.sendQueue.length(seq);
        int tx = c.sendQueue.transmissions(seq);
        if (tx == 0 || c.sendQueue.needResend(seq)) {
            c.bytesInFlight += c.sendQueue.payload(seq);
        }
        if (c.mtu.rediscoveryDue(c.engine.nowMillis)) {
            c.mtu.reset(c.clampMtu(c.engine.host.udpMtu(c, c.peer)), c.engine.nowMillis, false);
        }
        int flags = 0;
        if (tx == 0 && c.state != Connection.SYN_SENT && c.mtu.shouldProbe(length)) {
            c.mtu.probeSent(seq, length);
            flags = EngineHost.DONT_FRAGMENT;
            c.engine.log(c, Engine.LOG_MTU, "MTU [PROBE] seq:%d size:%d floor:%d ceiling:%d", seq, length, c.mtu.floor(), c.mtu.ceiling());
        }
        c.sendQueue.markSent(seq, c.engine.nowMicros);
        if (tx == 0 && c.config.lossRecovery() == Engine.LOSS_RECOVERY_RACK_TLP) {
            c.rack.armProbe(c.engine.nowMicros);
        }
        if (Header.type(seg, base) != Header.ST_SYN) {
            Header.setAck(seg, base, c.ackNr);
            // Fresh window on every transmission, not the one from packetisation time (Q39).
            Header.setWindowSize(seg, base, c.receiveWindow());
        }
        int kind = c.state == Connection.SYN_SENT ? Connection.OVERHEAD_CONNECT : tx == 0 ? Connection.OVERHEAD_HEADER : Connection.OVERHEAD_RETRANSMIT;
        c.transmit(seg, base, length, kind, flags);
    }
}
