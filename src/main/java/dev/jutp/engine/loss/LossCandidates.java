package dev.jutp.engine.loss;

/**
 * The packets one SACK proves lost, collected while its mask is read from the highest bit down
 * and resent lowest first. Bounded: past the capacity the highest half is forgotten (the next
 * SACK finds them again), so a 1,000-packet window costs no more than a small array, shared by
 * all connections of an engine. Allocates nothing after construction.
 */
public final class LossCandidates {
    private final int[] seqs;
    private final int capacity;
    private int count;

    /** Holds up to {@code capacity} (even, ≥ 2) sequence numbers. */
    public LossCandidates(int capacity) {
        if (capacity < 2 || (capacity & 1) != 0) {
            throw new IllegalArgumentException("capacity must be even and at least 2: " + capacity);
        }
        this.capacity = capacity;
        this.seqs = new int[capacity];
    }

    public void clear() {
        count = 0;
    }

    public int size() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Adds {@code seq}, lower than all added so far; when full, the higher half makes room. */
    public void addLower(int seq) {
        if (count >= capacity) {
            System.arraycopy(seqs, capacity / 2, seqs, 0, capacity / 2);
            count -= capacity / 2;
        }
        seqs[count++] = seq;
    }

    /** Adds the lowest candidate of all (the hole right after the cumulative ack); when full, it replaces the lowest. */
    public void addLowest(int seq) {
        if (count >= capacity) {
            count--;
        }
        seqs[count++] = seq;
    }

    /** Removes and returns the lowest candidate; {@link #isEmpty()} must be false. */
    public int takeLowest() {
        return seqs[--count];
    }
}
