package dev.jutp.engine.buf;

/**
 * Out-of-order packets waiting for the gap before them, indexed by sequence number. Each entry
 * is a slab slot holding the payload (copied once from the datagram) and its length; an empty
 * packet takes no slot ({@link #NO_PAYLOAD}). Accepts sequence numbers up to {@link #MAX_AHEAD}
 * beyond the next expected one, as libutp does.
 */
public final class ReorderBuffer extends SeqRing implements dev.jutp.wire.SackWriter.Received {
    /** Packets 1..1023 ahead of the next expected seq are kept; farther ones are dropped. */
    public static final int MAX_AHEAD = 1023;
    /** The "slot" of an entry without payload: present, but holding no slab memory. */
    public static final int NO_PAYLOAD = Integer.MAX_VALUE;

    private int[] length = new int[INITIAL_CAPACITY];
    private int[] oldSlotRef;
    private int[] oldLength;
    private int count;
    private int slabSlots;
    private long bytes;

    /** Stores {@code seq}'s payload slot; {@code nextExpected} is ack_nr + 1. */
    public void put(int nextExpected, int seq, int slabSlot, int payloadLength) {
        ensureSpan(nextExpected, dev.jutp.wire.Seq.distance(nextExpected, seq));
        int i = seq & mask;
        slot[i] = slabSlot;
        length[i] = payloadLength;
        count++;
        slabSlots += slabSlot == NO_PAYLOAD ? 0 : 1;
        bytes += payloadLength;
    }

    /**
     * Whether {@code seq} waits here; {@code nextExpected} is ack_nr + 1. Unlike {@link #contains}
     * it is exact for any seq: one a ring's length or more ahead (never stored, say a packet
     * dropped beyond the window) would otherwise alias a stored one.
     */
    public boolean holds(int nextExpected, int seq) {
        return dev.jutp.wire.Seq.distance(nextExpected, seq) < capacity() && contains(seq);
    }

    public int length(int seq) {
        return length[seq & mask];
    }

    /** Removes {@code seq} and returns its slab slot ({@link #NO_PAYLOAD} if empty, -1 if absent). */
    public int remove(int seq) {
        int i = seq & mask;
        int s = slot[i];
        if (s >= 0) {
            slot[i] = -1;
            count--;
            slabSlots -= s == NO_PAYLOAD ? 0 : 1;
            bytes -= length[i];
        }
        return s;
    }

    public int count() {
        return count;
    }

    /** Entries holding a slab slot (those with payload). */
    public int slabSlots() {
        return slabSlots;
    }

    /** Payload bytes held. */
    public long bytes() {
        return bytes;
    }

    /** Removes every entry, handing each slab slot to {@code release}. */
    public void clear(java.util.function.IntConsumer release) {
        for (int i = 0; i <= mask && count > 0; i++) {
            if (slot[i] >= 0) {
                if (slot[i] != NO_PAYLOAD) {
                    release.accept(slot[i]);
                }
                slot[i] = -1;
                count--;
            }
        }
        slabSlots = 0;
        bytes = 0;
    }

    @Override
    void resize(int n) {
        oldSlotRef = slot;
        oldLength = length;
        slot = filled(n);
        length = new int[n];
    }

    @Override
    void moveEntry(int from, int to) {
        slot[to] = oldSlotRef[from];
        length[to] = oldLength[from];
    }

    @Override
    void dropOld() {
        oldSlotRef = null;
        oldLength = null;
    }
}
