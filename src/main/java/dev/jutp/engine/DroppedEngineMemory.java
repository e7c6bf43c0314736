package dev.jutp.engine;

import dev.jutp.engine.buf.PacketSlab;

import java.lang.foreign.Arena;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The off-heap memory of one engine (its slab and scratch arenas), freed by {@link Engine#release()}
 * or, for an engine dropped without it (a context never passed to {@code utp_destroy}), once the
 * GC has found the engine unreachable and any engine in the process is next created or called.
 * A {@code java.lang.ref.Cleaner} would do the same with a thread of its own; the C shim promises
 * a small thread count, and every engine call is a free moment to poll.
 */
final class DroppedEngineMemory extends PhantomReference<Engine> {
    private static final ReferenceQueue<Engine> DROPPED = new ReferenceQueue<>();
    /** Keeps the references themselves reachable until they are processed. */
    private static final Set<DroppedEngineMemory> PENDING = ConcurrentHashMap.newKeySet();

    private final PacketSlab slab;
    private final Arena scratch;

    DroppedEngineMemory(Engine engine, PacketSlab slab, Arena scratch) {
        super(engine, DROPPED);
        this.slab = slab;
        this.scratch = scratch;
        PENDING.add(this);
    }

    /** Frees the memory now; at most once. */
    void free() {
        if (PENDING.remove(this)) {
            clear();
            slab.close();
            scratch.close();
        }
    }

    /** Frees the memory of every engine the GC found dropped since the last call; a volatile read when none. */
    static void freeDropped() {
        for (Reference<? extends Engine> r = DROPPED.poll(); r != null; r = DROPPED.poll()) {
            ((DroppedEngineMemory) r).free();
        }
    }
}
