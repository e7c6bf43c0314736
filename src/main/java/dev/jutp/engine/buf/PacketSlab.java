package dev.jutp.engine.buf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Off-heap packet memory: fixed-size slots carved from chunks of {@value #SLOTS_PER_CHUNK},
 * recycled through per-chunk free lists. Slots are addressed by an int id so queues can hold
 * them in primitive arrays. Taking and releasing a slot allocates nothing once the slab has
 * grown to its working size; growth adds one chunk at a time.
 *
 * <p>The slab gives memory back after a burst: {@link #take()} fills the lowest-numbered chunk
 * with a free slot first, so live slots gather in the low chunks, and a chunk whose last slot is
 * released is freed (its own arena closed) as long as at least one chunk's worth of free slots
 * remains elsewhere. That spare chunk keeps a connection count hovering at a chunk boundary from
 * allocating and freeing a chunk per packet.
 */
public final class PacketSlab implements AutoCloseable {
    public static final int DEFAULT_SLOT_SIZE = 2048;
    static final int SLOTS_PER_CHUNK = 256;

    private final int slotSize;
    private MemorySegment[] chunks = new MemorySegment[4];
    private Arena[] arenas = new Arena[4];
    /** Per chunk, a stack of its free slot indexes (0..255); null for a chunk not allocated. */
    private int[][] freeSlots = new int[4][];
    private int[] freeCounts = new int[4];
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
        if (freeCounts[c] == SLOTS_PER_CHUNK && totalFree - SLOTS_PER_CHUNK >= SLOTS_PER_CHUNK) {
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
        return (long) liveChunks * SLOTS_PER_CHUNK * slotSize;
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
            }
            chunkIds++;
        }
        Arena arena = Arena.ofShared();
        arenas[c] = arena;
        chunks[c] = arena.allocate((long) SLOTS_PER_CHUNK * slotSize, 64);
        int[] free = new int[SLOTS_PER_CHUNK];
        // Highest first so take() hands out a chunk's low slots first.
        for (int i = 0; i < SLOTS_PER_CHUNK; i++) {
            free[i] = SLOTS_PER_CHUNK - 1 - i;
        }
        freeSlots[c] = free;
        freeCounts[c] = SLOTS_PER_CHUNK;
        totalFree += SLOTS_PER_CHUNK;
        liveChunks++;
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
        totalFree -= SLOTS_PER_CHUNK;
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
        liveChunks = 0;
    }
}
