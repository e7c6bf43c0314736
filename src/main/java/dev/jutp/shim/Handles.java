package dev.jutp.shim;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The tokens C holds for {@code utp_context*} and {@code utp_socket*}: a table of entries indexed
 * by slot, each handle carrying its slot, the slot's generation and the owning context's lock stripe
 * (layout in {@code c-api-shim/src/utp_shim.h}). Lookups are lock-free and allocation-free; a stale
 * or forged handle finds nothing, so the caller can answer with libutp's error value.
 */
final class Handles {

    /** Base of every registered object: its handle is fixed before it becomes visible. */
    abstract static class Entry {
        long handle;
    }

    static final int STRIPE_BITS = 12;
    static final int STRIPES = 1 << STRIPE_BITS;
    private static final int SLOT_SHIFT = 16;
    private static final int SLOT_BITS = 24;
    private static final int GEN_SHIFT = SLOT_SHIFT + SLOT_BITS;
    private static final int GEN_MASK = (1 << 23) - 1;
    private static final int MAX_SLOTS = 1 << SLOT_BITS;

    private static final VarHandle ENTRIES = MethodHandles.arrayElementVarHandle(Entry[].class);

    private volatile Entry[] table = new Entry[256];
    private int[] generations = new int[256];
    private int[] freeSlots = new int[256];
    private int freeCount;
    private int nextSlot = 1;                 // slot 0 is never used: handle 0 stays NULL

    /** Stripe of a handle, as C computes it. */
    static int stripeOf(long handle) {
        return (int) (handle >>> 4) & (STRIPES - 1);
    }

    /** Registers {@code e}; {@code stripe < 0} means "choose one" (a new context). */
    synchronized long register(Entry e, int stripe) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (nextSlot == MAX_SLOTS) {
                return 0;
            }
            slot = nextSlot++;
            if (slot == table.length) {
                grow();
            }
        }
        int s = stripe >= 0 ? stripe : slot & (STRIPES - 1);
        long h = ((long) (generations[slot] & GEN_MASK) << GEN_SHIFT)
                | ((long) slot << SLOT_SHIFT)
                | ((long) s << 4);
        e.handle = h;
        ENTRIES.setRelease(table, slot, e);
        return h;
    }

    /** Forgets {@code e}; its handle never matches again (until the 2^23rd reuse of the slot). */
    synchronized void release(Entry e) {
        int slot = slotOf(e.handle);
        Entry[] t = table;
        if (e.handle == 0 || slot >= t.length || ENTRIES.getAcquire(t, slot) != e) {
            return;
        }
        ENTRIES.setRelease(t, slot, (Entry) null);
        generations[slot]++;
        if (freeCount == freeSlots.length) {
            freeSlots = java.util.Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    /** The live entry named by {@code handle}, or null. */
    Entry lookup(long handle) {
        if (handle == 0 || (handle & 0xF) != 0) {
            return null;
        }
        int slot = slotOf(handle);
        Entry[] t = table;
        if (slot >= t.length) {
            return null;
        }
        Entry e = (Entry) ENTRIES.getAcquire(t, slot);
        return e != null && e.handle == handle ? e : null;
    }

    private static int slotOf(long handle) {
        return (int) (handle >>> SLOT_SHIFT) & (MAX_SLOTS - 1);
    }

    private void grow() {
        int n = Math.min(table.length * 2, MAX_SLOTS);
        Entry[] t = java.util.Arrays.copyOf(table, n);
        generations = java.util.Arrays.copyOf(generations, n);
        table = t;                            // volatile publish after the copy is complete
    }
}
