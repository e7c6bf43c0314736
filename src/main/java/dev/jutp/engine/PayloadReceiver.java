package dev.jutp.engine;

import dev.jutp.engine.buf.PacketSlab;
import dev.jutp.engine.buf.ReorderBuffer;
import dev.jutp.wire.Header;
import dev.jutp.wire.PacketView;
import dev.jutp.wire.Seq;

import java.lang.foreign.MemorySegment;

/**
 * The receiving half of one connection: a DATA or FIN packet that passed the ack checks is
 * delivered in order (READ events), held in the reorder buffer until the gap before it fills,
 * or dropped (beyond the receive window, beyond the FIN, a duplicate), and the peer's FIN
 * becomes EOF once everything before it arrived. Advances the connection's ack_nr and asks it
 * to acknowledge; runs on the engine's owner thread.
 */
final class PayloadReceiver {
    private final Connection c;
    /** The peer's FIN arrived (perhaps ahead of a gap), at {@link #finSeq}. */
    private boolean gotFin;
    private int finSeq;

    PayloadReceiver(Connection c) {
        this.c = c;
    }

    /**
     * The receive-window half of {@link Connection#receive}: a DATA or FIN packet of a connected socket,
     * {@code seqDistance} after the next expected one, is delivered, stored until the gap before
     * it fills, or dropped (beyond the window, beyond the FIN, a duplicate).
     */
    void acceptPayload(PacketView p, int seqDistance) {
        boolean inOrder = seqDistance == 0;
        if (!c.reorder.holds(Seq.add(c.ackNr, 1), p.seq) && !(inOrder
                ? c.receiveWindow.admitsInOrder(c.stats.payloadBytesAccepted, p.payloadLength)
                : c.receiveWindow.admitsOutOfOrder(c.stats.payloadBytesAccepted, reorderCharge(), p.payloadLength))) {
            // Out-of-order charges do not count for the packet filling the gap (they lie after it),
            // so a full reorder buffer can always be drained.
            c.stats.windowOverrunDrops++;     // as if lost: the peer resends it when there is room
            return;
        }
        if (p.type == Header.ST_FIN && !gotFin) {
            gotFin = true;
            finSeq = p.seq;
        }
        if (inOrder) {
            deliverInOrder(p);
        } else {
            storeOutOfOrder(p);
        }
    }

    /** What the packets waiting in the reorder buffer are charged against the window. */
    private long reorderCharge() {
        return (long) c.reorder.slabSlots() * c.engine.slab.slotSize();
    }

    /** The next expected packet: delivered, then whatever waited for it in the reorder buffer. */
    private void deliverInOrder(PacketView p) {
        c.stats.payloadBytesAccepted += p.payloadLength;
        deliverFromDatagram(p);
        c.ackNr = Seq.add(c.ackNr, 1);
        while (true) {
            if (gotFin && !c.eofReached && finSeq == c.ackNr) {
                reachEof();
                break;
            }
            if (c.reorder.count() == 0) {
                break;
            }
            int next = Seq.add(c.ackNr, 1);
            int length = c.reorder.length(next);
            int slot = c.reorder.remove(next);
            if (slot < 0) {
                break;
            }
            if (slot != ReorderBuffer.NO_PAYLOAD) {
                c.stats.payloadBytesAccepted += length;
                deliver(c.engine.slab.segment(slot), c.engine.slab.offset(slot), length);
                c.engine.releaseAfterDispatch(slot);
            }
            c.ackNr = next;
        }
        c.scheduleAck();
    }

    /**
     * Hands out the payload as a view of the caller's datagram when its READ will be the next
     * callback. Behind other queued events it is copied into slab slots first: a callback ahead
     * of it may feed the next datagram through the same buffer (a host draining its socket from
     * callbacks), which would otherwise overwrite this payload before it is read.
     */
    private void deliverFromDatagram(PacketView p) {
        if (c.engine.events.isEmpty() || p.payloadLength == 0 || c.readShutdown) {
            deliver(p.segment, p.payloadOffset, p.payloadLength);
            return;
        }
        PacketSlab slab = c.engine.slab;
        for (int done = 0; done < p.payloadLength; ) {
            int n = Math.min(p.payloadLength - done, slab.slotSize());
            int slot = slab.take();
            MemorySegment.copy(p.segment, p.payloadOffset + done, slab.segment(slot), slab.offset(slot), n);
            deliver(slab.segment(slot), slab.offset(slot), n);
            c.engine.releaseAfterDispatch(slot);
            done += n;
        }
    }

    /** A packet after a gap: copied into a slab slot (none for an empty one) until the gap fills. */
    private void storeOutOfOrder(PacketView p) {
        int pkSeq = p.seq;
        if (gotFin && Seq.lessThan(finSeq, pkSeq)) {
            return;                         // beyond the FIN (wrap-aware, Q20)
        }
        if (c.reorder.holds(Seq.add(c.ackNr, 1), pkSeq)) {
            c.stats.duplicatesReceived++;
            if (c.config.lossRecovery() == Engine.LOSS_RECOVERY_RACK_TLP) {
                c.scheduleAck();              // a tail-loss probe, or our SACK was lost: answer (libutp stays silent)
            }
            return;
        }
        int len = p.payloadLength;
        if (len > c.engine.slab.slotSize()) {
            // No peer packetises beyond a UDP MTU; copying this into a slab slot would run
            // into the neighbouring slots (or off the chunk's end).
            c.stats.invalidReceived++;
            return;
        }
        int slot = ReorderBuffer.NO_PAYLOAD;
        if (len > 0) {
            slot = c.engine.slab.take();
            MemorySegment.copy(p.segment, p.payloadOffset, c.engine.slab.segment(slot), c.engine.slab.offset(slot), len);
        }
        c.reorder.put(Seq.add(c.ackNr, 1), pkSeq, slot, len);
        c.scheduleAck();
    }

    /**
     * Our FIN was acked and we are about to be freed, but the peer's FIN is only now arriving
     * (it closed in answer to our FIN). libutp ignores it, so the peer's retransmission later
     * meets an RST and an ECONNRESET for a clean close; we ack it instead.
     */
    void ackFinWhileDestroying(PacketView p) {
        if (!c.closeRequested || !c.finAcked || p.type != Header.ST_FIN) {
            return;
        }
        if (p.seq == Seq.add(c.ackNr, 1)) {
            c.ackNr = p.seq;
            c.eofReached = true;
            c.sendAck();
        } else if (c.eofReached && p.seq == c.ackNr) {
            c.sendAck();                      // our ack of their FIN was lost
        }
    }

    private void deliver(MemorySegment seg, long off, int len) {
        if (len > 0 && !c.readShutdown) {
            c.stats.payloadBytesDelivered += len;
            c.engine.events.add(EngineEvents.READ, c, 0, 0, seg, off, len, null);
        }
    }

    private void reachEof() {
        c.eofReached = true;
        c.engine.events.add(EngineEvents.EOF, c, 0);
        c.sendAck();                          // tell the closing peer at once
        c.reorder.clear(c.engine::releaseAfterDispatch);
    }
}
