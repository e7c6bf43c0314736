package dev.jutp.engine.buf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Off-heap packet memory: fixed-size slots carved from large chunks, recycled through a free
 * list. Taking and releasing a slot allocates nothing once the slab has grown to its working
 * size; growth adds one chunk at a time. Slots are addressed by an int id so queues can hold
 * them in primitive arrays.
 */
public final class PacketSlab implements AutoCloseable {
    public static final int DEFAULT_SLOT_SIZE = 2048;
    private static final int SLOTS_PER_CHUNK = 256;

    private final Arena arena;
    private final int slotSize;
    private MemorySegment[] chunks = new MemorySegment[4];
    private int chunkCount;
    private int[] free = new int[SLOTS_PER_CHUNK];
    private int freeCount;
    private int inUse;

    public PacketSlab(int slotSize) {
        if (slotSize < 64) {
            throw new IllegalArgumentException("slot size too small: " + slotSize);
        }
        this.slotSize = slotSize;
        this.arena = Arena.ofShared();
    }

    public int slotSize() {
        return slotSize;
    }

    /** Takes a free slot, growing the slab by one chunk if none is left. */
    public int take() {
        if (freeCount == 0) {
            grow();
        }
        inUse++;
        return free[--freeCount];
    }

    public void release(int slot) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
        inUse--;
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

    public long bytesReserved() {
        return (long) chunkCount * SLOTS_PER_CHUNK * slotSize;
    }

    private void grow() {
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        int base = chunkCount * SLOTS_PER_CHUNK;
        chunks[chunkCount++] = arena.allocate((long) SLOTS_PER_CHUNK * slotSize, 64);
        if (free.length < SLOTS_PER_CHUNK + freeCount) {
            free = Arrays.copyOf(free, SLOTS_PER_CHUNK + freeCount);
        }
        // Highest first so take() hands out low slot ids first.
        for (int i = SLOTS_PER_CHUNK - 1; i >= 0; i--) {
            free[freeCount++] = base + i;
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
