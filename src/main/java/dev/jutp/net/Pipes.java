package dev.jutp.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The capacity of a pipe a process was handed (its standard input or output). Linux gives a pipe 64 KiB,
 * so a producer and a consumer in two processes take turns every 64 KiB: two context switches each
 * time, which on a busy machine means waiting for a core each time. A larger pipe lets each side run
 * for longer before it waits.
 */
public final class Pipes {
    private static final java.nio.file.Path PIPE_MAX_SIZE = java.nio.file.Path.of("/proc/sys/fs/pipe-max-size");

    /** fcntl commands (linux/fcntl.h: F_LINUX_SPECIFIC_BASE 1024 + 7 and + 8). */
    private static final int F_SETPIPE_SZ = 1031;
    private static final int F_GETPIPE_SZ = 1032;

    private Pipes() {
    }

    /** The capacity of the pipe on {@code fd}, or -1 if it is not a pipe (or not on Linux). */
    public static int capacity(int fd) {
        if (!Transports.linuxSupported()) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            return Math.max(-1, LibC.fcntl(LibC.newErrnoState(arena), fd, F_GETPIPE_SZ, 0));
        }
    }

    /**
     * Asks the kernel to make the pipe on {@code fd} hold {@code bytes} (rounded up to a power-of-two
     * number of pages; at most {@code /proc/sys/fs/pipe-max-size} without CAP_SYS_RESOURCE).
     *
     * @return the pipe's capacity afterwards, or -1 if {@code fd} is not a pipe, the request was
     *     refused, or this platform has no such call (nothing changed then)
     */
    public static int enlarge(int fd, int bytes) {
        if (!Transports.linuxSupported()) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = LibC.newErrnoState(arena);
            int before = LibC.fcntl(e, fd, F_GETPIPE_SZ, 0);
            if (before < 0) {
                return -1;                          // not a pipe (a file, a terminal, a socket)
            }
            if (before >= bytes) {
                return before;
            }
            int after = LibC.fcntl(e, fd, F_SETPIPE_SZ, bytes);
            if (after < 0) {
                // EPERM above pipe-max-size for an unprivileged process: settle for that limit.
                int max = pipeMaxSize();
                after = max > before && max < bytes ? LibC.fcntl(e, fd, F_SETPIPE_SZ, max) : -1;
            }
            return after < 0 ? -1 : after;
        }
    }

    /** /proc/sys/fs/pipe-max-size, or -1 if unreadable. */
    private static int pipeMaxSize() {
        try {
            return Integer.parseInt(java.nio.file.Files.readString(PIPE_MAX_SIZE).trim());
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
