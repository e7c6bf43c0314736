package dev.jutp.engine.buf;

/**
 * Packets sent or waiting to be sent, indexed by sequence number: each keeps its slab slot
 * (header + payload, ready to transmit), its total and payload length, send time,
 * transmission count and the "lost, resend" mark. The connection decides the window; this
 * class only stores.
 */
public final class SendQueue extends SeqRing {
    public static final int MAX_PACKETS = 1024;

    private int[] length = new int[INITIAL_CAPACITY];
    private int[] payload = new int[INITIAL_CAPACITY];
    private long[] sentMicros = new long[INITIAL_CAPACITY];
    private int[] transmissions = new int[INITIAL_CAPACITY];
    private boolean[] needResend = new boolean[INITIAL_CAPACITY];

    private int[] oldLength;
    private int[] oldPayload;
    private long[] oldSent;
    private int[] oldTx;
    private boolean[] oldResend;
    private int[] oldSlotRef;

    /** Stores a new, never-sent packet at {@code seq}; {@code oldest} is the first queued seq. */
    public void put(int oldest, int queued, int seq, int slabSlot, int totalLength, int payloadLength) {
        ensureSpan(oldest, queued);
        int i = seq & mask;
        slot[i] = slabSlot;
        length[i] = totalLength;
        payload[i] = payloadLength;
        sentMicros[i] = 0;
        transmissions[i] = 0;
        needResend[i] = false;
    }

    /** Forgets {@code seq} and returns its slab slot for release (-1 if absent). */
    public int remove(int seq) {
        int i = seq & mask;
        int s = slot[i];
        slot[i] = -1;
        return s;
    }

    public int length(int seq) {
        return length[seq & mask];
    }

    public void setLength(int seq, int totalLength, int payloadLength) {
        int i = seq & mask;
        length[i] = totalLength;
        payload[i] = payloadLength;
    }

    public int payload(int seq) {
        return payload[seq & mask];
    }

    public long sentMicros(int seq) {
        return sentMicros[seq & mask];
    }

    public int transmissions(int seq) {
        return transmissions[seq & mask];
    }

    public boolean needResend(int seq) {
        return needResend[seq & mask];
    }

    public void setNeedResend(int seq, boolean value) {
        needResend[seq & mask] = value;
    }

    /** Records one more transmission at {@code nowMicros}. */
    public void markSent(int seq, long nowMicros) {
        int i = seq & mask;
        sentMicros[i] = nowMicros;
        transmissions[i]++;
        needResend[i] = false;
    }

    @Override
    void resize(int n) {
        oldSlotRef = slot;
        oldLength = length;
        oldPayload = payload;
        oldSent = sentMicros;
        oldTx = transmissions;
        oldResend = needResend;
        slot = filled(n);
        length = new int[n];
        payload = new int[n];
        sentMicros = new long[n];
        transmissions = new int[n];
        needResend = new boolean[n];
    }

    @Override
    void dropOld() {
        oldSlotRef = null;
        oldLength = oldPayload = oldTx = null;
        oldSent = null;
        oldResend = null;
    }

    @Override
    void moveEntry(int from, int to) {
        slot[to] = oldSlotRef[from];
        length[to] = oldLength[from];
        payload[to] = oldPayload[from];
        sentMicros[to] = oldSent[from];
        transmissions[to] = oldTx[from];
        needResend[to] = oldResend[from];
    }
}
