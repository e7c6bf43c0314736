package dev.jutp.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A reusable receive batch: {@code capacity} slots of {@code slotBytes} off-heap bytes each, cut from
 * one slab, plus per-datagram offset, length and source address. {@link Transport#receive} overwrites it.
 *
 * <p>Datagram {@code i} lies at {@code segment()[offset(i), offset(i) + length(i))}. A slot usually holds
 * one datagram; with UDP GRO it holds a run of coalesced datagrams from one sender, which the transport
 * splits into consecutive entries without copying. The slab and the slot views are created once, so
 * reading a batch allocates nothing.
 */
public final class DatagramBatch {
    /** Largest UDP payload over IPv6 (65535 minus the 8-byte UDP header); IPv4's limit is lower. */
    public static final int MAX_DATAGRAM_BYTES = 65_527;
    /** Largest slot; any slot larger than {@link #MAX_DATAGRAM_BYTES} never truncates. */
    public static final int MAX_SLOT_BYTES = 65_536;
    /** Most datagrams the kernel coalesces into one GRO buffer (UDP_GRO_CNT_MAX). */
    static final int MAX_SEGMENTS_PER_SLOT = 64;

    private final MemorySegment slab;
    private final MemorySegment[] slots;
    private final ByteBuffer[] views;
    private final int slotBytes;
    private final int stride;
    private int[] lengths;
    private long[] offsets;
    private InetSocketAddress[] sources;
    private int count;
    private int slotsUsed;

    /**
     * @param arena owns the slab; the batch is unusable once the arena closes
     * @param capacity number of slots (receive buffers per receive call)
     * @param slotBytes bytes per slot; longer datagrams are dropped and counted as truncated. Make it at
     *     least one byte more than the largest datagram you accept: the NIO transport cannot tell a
     *     datagram that fills its slot exactly from a truncated one, so it drops both.
     */
    public DatagramBatch(Arena arena, int capacity, int slotBytes) {
        this(Objects.requireNonNull(arena, "arena").allocate(slabBytes(capacity, slotBytes), 64), capacity, slotBytes);
    }

    /** A batch over {@code slab}, at least {@link #slabBytes} long and 64-byte aligned (its arena owns it). */
    DatagramBatch(MemorySegment slab, int capacity, int slotBytes) {
        if (slab.byteSize() < slabBytes(capacity, slotBytes) || slab.address() % 64 != 0) {
            throw new IllegalArgumentException("the slab must hold " + slabBytes(capacity, slotBytes)
                    + " bytes at a 64-byte boundary: " + slab);
        }
        this.stride = stride(slotBytes);
        this.slab = slab;
        this.slotBytes = slotBytes;
        this.slots = new MemorySegment[capacity];
        this.views = new ByteBuffer[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = slab.asSlice((long) i * stride, slotBytes);
            views[i] = slots[i].asByteBuffer();
        }
        this.lengths = new int[capacity];
        this.offsets = new long[capacity];
        this.sources = new InetSocketAddress[capacity];
    }

    /** Bytes of slab a batch of {@code capacity} slots of {@code slotBytes} needs (checks both). */
    static long slabBytes(int capacity, int slotBytes) {
        if (capacity < 1 || capacity > 1 << 16) {
            throw new IllegalArgumentException("capacity must be in 1..65536: " + capacity);
        }
        if (slotBytes < 1 || slotBytes > MAX_SLOT_BYTES) {
            throw new IllegalArgumentException("slotBytes must be in 1.." + MAX_SLOT_BYTES + ": " + slotBytes);
        }
        return (long) stride(slotBytes) * capacity;
    }

    /** Slots start on 8-byte boundaries so the engine can read headers with aligned-friendly offsets. */
    private static int stride(int slotBytes) {
        return (slotBytes + 7) & ~7;
    }

    /** Number of slots (receive buffers); with GRO a batch may hold more datagrams than this. */
    public int capacity() {
        return slots.length;
    }

    public int slotBytes() {
        return slotBytes;
    }

    /** Datagrams held after the last receive. */
    public int count() {
        return count;
    }

    /** The whole slab; datagram {@code i} starts at {@link #offset(int)}. */
    public MemorySegment segment() {
        return slab;
    }

    /** Offset of datagram {@code i} in {@link #segment()}. */
    public long offset(int i) {
        return offsets[Objects.checkIndex(i, count)];
    }

    public int length(int i) {
        return lengths[Objects.checkIndex(i, count)];
    }

    /** Source of datagram {@code i}; the transport returns the same object for the same peer while it stays cached. */
    public InetSocketAddress source(int i) {
        return sources[Objects.checkIndex(i, count)];
    }

    /** Forgets all datagrams (their bytes stay until overwritten). */
    public void clear() {
        count = 0;
        slotsUsed = 0;
    }

    /** Slots the transport has written into since {@link #clear()}. */
    int slotsUsed() {
        return slotsUsed;
    }

    MemorySegment slotUnchecked(int i) {
        return slots[i];
    }

    ByteBuffer view(int i) {
        return views[i];
    }

    /** Marks {@code n} more slots as written (their datagrams committed or dropped). */
    void useSlots(int n) {
        slotsUsed += n;
    }

    /** Appends the datagram at {@code [start, start + length)} of slot {@code slot}. */
    void commit(int slot, int start, int length, InetSocketAddress source) {
        if (count == lengths.length) {
            grow();
        }
        offsets[count] = (long) slot * stride + start;
        lengths[count] = length;
        sources[count] = source;
        count++;
    }

    /** Room for GRO runs: at most {@link #MAX_SEGMENTS_PER_SLOT} entries per slot, grown once. */
    private void grow() {
        int n = Math.min(Math.max(lengths.length * 2, 16), slots.length * MAX_SEGMENTS_PER_SLOT);
        if (n <= lengths.length) {
            throw new IllegalStateException("more datagrams than a batch can hold");
        }
        lengths = java.util.Arrays.copyOf(lengths, n);
        offsets = java.util.Arrays.copyOf(offsets, n);
        sources = java.util.Arrays.copyOf(sources, n);
    }
}
