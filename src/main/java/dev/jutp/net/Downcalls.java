package dev.jutp.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libc entry points {@link LibC} calls, and the two downcall handles linked at first use, each
 * in its own holder class: the critical {@code syscall} of the per-batch calls and
 * {@code __errno_location}. This class does not depend on LibC's initialisation, so
 * {@link Transports#prepare()} can link both on a second thread while LibC links its own handle:
 * linking generates classes, about 10 ms per handle on a busy machine, all before a client's first SYN.
 */
final class Downcalls {
    static final Linker LINKER = Linker.nativeLinker();
    /** long syscall(long number, ...), always called with six arguments: one shape for every call. */
    static final FunctionDescriptor SYSCALL_SHAPE = FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    static final MemorySegment SYSCALL = symbol("syscall");

    private Downcalls() {
    }

    /**
     * syscall without captured call state, for the per-batch calls: the JDK slices the capture
     * segment on every call (a 40-byte object that only C2's escape analysis removes), so they are
     * critical downcalls (non-blocking: MSG_DONTWAIT, a non-blocking socket or eventfd) and the
     * caller reads errno in place right after a failure ({@link ThreadErrno}).
     */
    static MethodHandle criticalSyscall() {
        return CriticalSyscall.HANDLE;
    }

    /** {@code int *__errno_location(void)}: glibc and musl both export it. */
    static MethodHandle errnoLocation() {
        return ErrnoLocation.HANDLE;
    }

    static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
    }

    private static final class CriticalSyscall {
        static final MethodHandle HANDLE = LINKER.downcallHandle(SYSCALL, SYSCALL_SHAPE,
                Linker.Option.firstVariadicArg(1), Linker.Option.critical(false));
    }

    private static final class ErrnoLocation {
        static final MethodHandle HANDLE = LINKER.downcallHandle(symbol("__errno_location"),
                FunctionDescriptor.of(ADDRESS), Linker.Option.critical(false));
    }
}
