package dev.jutp.engine.buf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Off-heap packet memory: fixed-size slots carved from chunks of up to {@value #SLOTS_PER_CHUNK}
 * (the first {@value #FIRST_CHUNK_SLOTS}, doubling with each live chunk, so a context that sends a
 * few packets holds 32 KiB, not 512), recycled through per-chunk free lists. Slots are addressed by an int id so queues can hold
 * them in primitive arrays. Taking and releasing a slot allocates nothing once the slab has
 * grown to its working size; growth adds one chunk at a time.
 *
 * <p>The slab gives memory back after a burst: {@link #take()} fills the lowest-numbered chunk
 * with a free slot first, so live slots gather in the low chunks, and a chunk whose last slot is
 * released is freed (its own arena closed) as long as {@value #SPARE_SLOTS} free slots (two full
 * chunks) remain elsewhere. The spare keeps a count hovering at a chunk boundary from allocating and
 * freeing a chunk per packet, and a transfer whose packets in flight swing with its window (a 1 MiB
 * window is about 750 packets) from freeing and re-allocating chunks on every swing: closing a shared
 * arena is a handshake with every thread of the process (with one chunk of spare, 2,000 per GB sent,
 * measured in utpcat).
 */
public final class PacketSlab implements AutoCloseable {
    public static final int DEFAULT_SLOT_SIZE = 2048;
    static final int SLOTS_PER_CHUNK = 256;
    static final int FIRST_CHUNK_SLOTS = 16;
    static final int SPARE_SLOTS = 2 * SLOTS_PER_CHUNK;
    /** Off-heap bytes held by every slab in the process (for leak tests and diagnostics). */
    private static final java.util.concurrent.atomic.AtomicLong LIVE_BYTES = new java.util.concurrent.atomic.AtomicLong();

    private final int slotSize;
    private MemorySegment[] chunks = new MemorySegment[4];
    private Arena[] arenas = new Arena[4];
    /** Per chunk, a stack of its free slot indexes (0..255); null for a chunk not allocated. */
    private int[][] freeSlots = new int[4][];
    private int[] freeCounts = new int[4];
    /** Slots per chunk (ids c * 256 .. c * 256 + capacity - 1). */
    private int[] capacities = new int[4];
    private long reserved;
    /** Chunk ids in use so far (allocated or freed); freed ids are reused first. */
    private int chunkIds;
    private int liveChunks;
    /** No chunk below this one has a free slot. */
    private int lowestFree;
    private int totalFree;
    private int inUse;
    private long chunksFreed;
    private boolean closed;

    public PacketSlab(int slotSize) {
        if (slotSize < 64) {
            throw new IllegalArgumentException("slot size too small: " + slotSize);
        }
        this.slotSize = slotSize;
    }

    public int slotSize() {
        return slotSize;
    }

    /** Takes a free slot from the lowest chunk that has one, growing the slab if none is left. */
    public int take() {
        if (totalFree == 0) {
            grow();
        }
        int c = lowestFree;
        while (freeCounts[c] == 0) {
            c++;
        }
        lowestFree = c;
        totalFree--;
        inUse++;
        return c * SLOTS_PER_CHUNK + freeSlots[c][--freeCounts[c]];
    }

    public void release(int slot) {
        int c = slot / SLOTS_PER_CHUNK;
        freeSlots[c][freeCounts[c]++] = slot % SLOTS_PER_CHUNK;
        totalFree++;
        inUse--;
        if (c < lowestFree) {
            lowestFree = c;
        }
        if (freeCounts[c] == capacities[c] && totalFree - capacities[c] >= SPARE_SLOTS) {
            freeChunk(c);
        }
    }

    /** The chunk that holds {@code slot}; pair it with {@link #offset(int)}. */
    public MemorySegment segment(int slot) {
        return chunks[slot / SLOTS_PER_CHUNK];
    }

    public long offset(int slot) {
        return (long) (slot % SLOTS_PER_CHUNK) * slotSize;
    }

    public int slotsInUse() {
        return inUse;
    }

    /** Off-heap bytes the slab holds now (allocated chunks). */
    public long bytesReserved() {
        return reserved;
    }

    /** Off-heap bytes held by all slabs in this process that are not closed. */
    public static long liveBytesAllSlabs() {
        return LIVE_BYTES.get();
    }

    /** Chunks given back so far. */
    public long chunksFreed() {
        return chunksFreed;
    }

    private void grow() {
        int c = 0;
        while (c < chunkIds && freeSlots[c] != null) {
            c++;                            // a freed chunk id first: ids stay dense
        }
        if (c == chunkIds) {
            if (chunkIds == chunks.length) {
                int n = chunkIds * 2;
                chunks = Arrays.copyOf(chunks, n);
                arenas = Arrays.copyOf(arenas, n);
                freeSlots = Arrays.copyOf(freeSlots, n);
                freeCounts = Arrays.copyOf(freeCounts, n);
                capacities = Arrays.copyOf(capacities, n);
            }
            chunkIds++;
        }
        int capacity = Math.min(SLOTS_PER_CHUNK, FIRST_CHUNK_SLOTS << Math.min(liveChunks, 4));
        long bytes = (long) capacity * slotSize;
        Arena arena = Arena.ofShared();
        arenas[c] = arena;
        chunks[c] = arena.allocate(bytes, 64);
        int[] free = new int[capacity];
        // Highest first so take() hands out a chunk's low slots first.
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeSlots[c] = free;
        freeCounts[c] = capacity;
        capacities[c] = capacity;
        totalFree += capacity;
        liveChunks++;
        reserved += bytes;
        LIVE_BYTES.addAndGet(bytes);
        if (c < lowestFree) {
            lowestFree = c;
        }
    }

    private void freeChunk(int c) {
        arenas[c].close();
        arenas[c] = null;
        chunks[c] = null;
        freeSlots[c] = null;
        freeCounts[c] = 0;
        totalFree -= capacities[c];
        long bytes = (long) capacities[c] * slotSize;
        reserved -= bytes;
        LIVE_BYTES.addAndGet(-bytes);
        liveChunks--;
        chunksFreed++;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int c = 0; c < chunkIds; c++) {
            if (arenas[c] != null) {
                arenas[c].close();
                arenas[c] = null;
                chunks[c] = null;
            }
        }
        LIVE_BYTES.addAndGet(-reserved);
        reserved = 0;
        liveChunks = 0;
    }
}
