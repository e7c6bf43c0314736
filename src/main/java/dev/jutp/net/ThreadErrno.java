package dev.jutp.net;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * errno read in place after a critical downcall, for the per-batch calls whose captured call state
 * would cost an allocation per call. A platform thread's errno lives at a fixed address, looked up
 * once per thread; a virtual thread may run on another carrier each time, so it looks up each time
 * (an allocation only on its failure path). Read it right after the call: nothing between a
 * critical downcall's return and this read runs native code on the thread, except a safepoint
 * pause in between, which may rarely change errno (then a failure is counted under the wrong code).
 */
final class ThreadErrno {
    private Thread thread;
    private MemorySegment location;

    /** errno of the calling thread now. */
    int read() {
        Thread current = Thread.currentThread();
        if (current.isVirtual()) {
            return LibC.errnoLocation().get(JAVA_INT, 0);
        }
        if (current != thread) {
            location = LibC.errnoLocation();
            thread = current;
        }
        return location.get(JAVA_INT, 0);
    }
}
