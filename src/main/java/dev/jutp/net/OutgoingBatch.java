package dev.jutp.net;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A reusable queue of outgoing datagrams, each a slice of a caller-owned off-heap segment with a
 * destination and libutp send flags. {@link Transport#send} consumes datagrams from the head; what a
 * full socket buffer left behind stays queued for the next call (or {@link #clear()} to drop it: uTP
 * retransmits). The segments must stay alive until the datagram has been sent or cleared.
 */
public final class OutgoingBatch {
    private final MemorySegment[] segments;
    private final long[] offsets;
    private final int[] lengths;
    private final InetSocketAddress[] destinations;
    private final int[] flags;
    private int head;
    private int size;

    public OutgoingBatch(int capacity) {
        if (capacity < 1 || capacity > 1 << 16) {
            throw new IllegalArgumentException("capacity must be in 1..65536: " + capacity);
        }
        segments = new MemorySegment[capacity];
        offsets = new long[capacity];
        lengths = new int[capacity];
        destinations = new InetSocketAddress[capacity];
        flags = new int[capacity];
    }

    /**
     * Queues one datagram.
     *
     * @param flags libutp send flags: {@link Transport#FLAG_DONTFRAG} or 0
     * @return false when the batch is full of unsent datagrams (send first)
     */
    public boolean add(MemorySegment segment, long offset, int length, InetSocketAddress destination, int flags) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("datagrams must live in native (off-heap) memory");
        }
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        if (length > DatagramBatch.MAX_DATAGRAM_BYTES) {
            throw new IllegalArgumentException("datagram too large: " + length);
        }
        if (destination.isUnresolved()) {
            throw new IllegalArgumentException("unresolved destination: " + destination);
        }
        if (size == segments.length) {
            if (head == 0) {
                return false;
            }
            compact();
        }
        segments[size] = segment;
        offsets[size] = offset;
        lengths[size] = length;
        destinations[size] = destination;
        this.flags[size] = flags;
        size++;
        return true;
    }

    public int capacity() {
        return segments.length;
    }

    /** Datagrams queued and not yet sent. */
    public int remaining() {
        return size - head;
    }

    /** Drops every queued datagram. */
    public void clear() {
        for (int i = head; i < size; i++) {
            segments[i] = null;
            destinations[i] = null;
        }
        head = 0;
        size = 0;
    }

    int head() {
        return head;
    }

    int end() {
        return size;
    }

    MemorySegment segment(int i) {
        return segments[i];
    }

    long offset(int i) {
        return offsets[i];
    }

    int length(int i) {
        return lengths[i];
    }

    InetSocketAddress destination(int i) {
        return destinations[i];
    }

    int flags(int i) {
        return flags[i];
    }

    /** Marks {@code n} datagrams at the head as gone (sent or dropped). */
    void advance(int n) {
        int newHead = head + n;
        if (n < 0 || newHead > size) {
            throw new IllegalStateException("advance " + n + " past " + remaining());
        }
        for (int i = head; i < newHead; i++) {
            segments[i] = null;
            destinations[i] = null;
        }
        head = newHead;
        if (head == size) {
            head = 0;
            size = 0;
        }
    }

    private void compact() {
        int n = size - head;
        System.arraycopy(segments, head, segments, 0, n);
        System.arraycopy(offsets, head, offsets, 0, n);
        System.arraycopy(lengths, head, lengths, 0, n);
        System.arraycopy(destinations, head, destinations, 0, n);
        System.arraycopy(flags, head, flags, 0, n);
        for (int i = n; i < size; i++) {
            segments[i] = null;
            destinations[i] = null;
        }
        head = 0;
        size = n;
    }
}
