package dev.jutp.engine.buf;

import dev.jutp.wire.Seq;

/**
 * The indexing shared by the send queue and the reorder buffer: a power-of-two ring addressed
 * by 16-bit sequence number, growing (by doubling) up to a limit so that a given window of
 * sequence numbers never collides. Subclasses keep their per-slot data in parallel arrays.
 */
abstract class SeqRing {
    static final int INITIAL_CAPACITY = 16;

    int mask = INITIAL_CAPACITY - 1;
    /** Slab slot per ring index, or -1 when the index is empty. */
    int[] slot = filled(INITIAL_CAPACITY);

    static int[] filled(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    public int capacity() {
        return mask + 1;
    }

    public boolean contains(int seq) {
        return slot[seq & mask] >= 0;
    }

    /** Slab slot of {@code seq}, or -1. */
    public int slotOf(int seq) {
        return slot[seq & mask];
    }

    /**
     * Makes room so that every seq in [base, base + span] maps to a distinct index. Growth
     * re-places live entries under the new mask; it allocates, but only when the window grows.
     */
    void ensureSpan(int base, int span) {
        if (span < capacity()) {
            return;
        }
        int newCap = capacity();
        while (newCap <= span) {
            newCap <<= 1;
        }
        int oldMask = mask;
        int[] oldSlot = slot;
        resize(newCap);
        int newMask = newCap - 1;
        // Entries live in [base, base + oldCap): walk that window and move each to its new index.
        for (int i = 0; i <= oldMask; i++) {
            int seq = Seq.add(base, i);
            int from = seq & oldMask;
            if (oldSlot[from] >= 0) {
                moveEntry(from, seq & newMask);
            }
        }
        mask = newMask;
        dropOld();
    }

    /** Allocates the new arrays (keeping references to the old ones for {@link #moveEntry}). */
    abstract void resize(int newCapacity);

    /** Copies one live entry from old index to new index. */
    abstract void moveEntry(int oldIndex, int newIndex);

    /** Lets go of the arrays kept for {@link #moveEntry}. */
    abstract void dropOld();
}
