package dev.jutp.net;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Waits for the socket with {@code ppoll} (nanosecond timeout) on the socket and an eventfd;
 * {@link #wakeup()} writes the eventfd from any thread. The lock keeps wakeup from writing to a
 * descriptor number that close has already released (and the kernel may have reused).
 */
final class LinuxWaiter {
    private static final long POLLFD_BYTES = 8; // struct pollfd { int fd; short events; short revents; }

    private final int socketFd;
    private final int eventFd;
    private final MemorySegment errno;
    private final MemorySegment pollFds;
    private final MemorySegment timeout;
    private final MemorySegment counter;
    private final MemorySegment wakeValue;
    private final Object lock = new Object();
    private boolean closed;

    LinuxWaiter(int socketFd, Arena arena) throws IOException {
        this.socketFd = socketFd;
        this.errno = LibC.newErrnoState(arena);
        this.eventFd = LibC.eventfd(errno, 0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        if (eventFd < 0) {
            throw new IOException("eventfd failed, errno " + LibC.errno(errno));
        }
        this.pollFds = arena.allocate(2 * POLLFD_BYTES, 8);
        this.timeout = arena.allocate(16, 8); // struct timespec { long tv_sec; long tv_nsec; }
        this.counter = arena.allocate(JAVA_LONG);
        this.wakeValue = arena.allocate(JAVA_LONG);
        wakeValue.set(JAVA_LONG, 0, 1L);
    }

    /** @return {@link Transport#READABLE} and/or {@link Transport#WOKEN}, or 0 on timeout or EINTR */
    int await(long timeoutNanos) {
        pollFds.set(JAVA_INT, 0, socketFd);
        pollFds.set(JAVA_SHORT, 4, LibC.POLLIN);
        pollFds.set(JAVA_SHORT, 6, (short) 0);
        pollFds.set(JAVA_INT, POLLFD_BYTES, eventFd);
        pollFds.set(JAVA_SHORT, POLLFD_BYTES + 4, LibC.POLLIN);
        pollFds.set(JAVA_SHORT, POLLFD_BYTES + 6, (short) 0);
        long nanos = Math.max(0, timeoutNanos);
        timeout.set(JAVA_LONG, 0, nanos / 1_000_000_000L);
        timeout.set(JAVA_LONG, 8, nanos % 1_000_000_000L);
        int ready = LibC.ppoll(errno, pollFds, 2, timeout);
        if (ready <= 0) {
            return 0;
        }
        int mask = 0;
        // POLLERR (queued ICMP errors) also counts as readable: the caller drains both queues.
        if (pollFds.get(JAVA_SHORT, 6) != 0) {
            mask |= Transport.READABLE;
        }
        if (pollFds.get(JAVA_SHORT, POLLFD_BYTES + 6) != 0) {
            LibC.read(errno, eventFd, counter, 8); // resets the eventfd counter to 0
            mask |= Transport.WOKEN;
        }
        return mask;
    }

    void wakeup() {
        synchronized (lock) {
            if (!closed) {
                LibC.writeIgnoringErrno(eventFd, wakeValue, 8);
            }
        }
    }

    void close() {
        synchronized (lock) {
            if (!closed) {
                closed = true;
                LibC.close(errno, eventFd);
            }
        }
    }
}
