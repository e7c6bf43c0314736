package dev.jutp.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into libc for the Linux transport. Every call that can fail captures errno into a
 * caller-owned segment ({@link #newErrnoState}) so errno survives the JVM's own libc use.
 * Constants are the asm-generic Linux values, shared by x86-64 and aarch64 (the only platforms
 * {@link Transports} sends here).
 */
final class LibC {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SOL_IP = 0;
    static final int SOL_IPV6 = 41;
    static final int SOL_UDP = 17;
    static final int IP_MTU_DISCOVER = 10;
    static final int IP_RECVERR = 11;
    static final int IPV6_MTU_DISCOVER = 23;
    static final int IPV6_RECVERR = 25;
    static final int IP_PMTUDISC_DONT = 0;
    static final int IP_PMTUDISC_WANT = 1;
    static final int IP_PMTUDISC_DO = 2;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;

    static final int MSG_CTRUNC = 0x8;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_ERRQUEUE = 0x2000;

    static final short POLLIN = 0x1;

    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;

    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;
    static final int EMSGSIZE = 90;
    static final int ENOPROTOOPT = 92;
    static final int EOPNOTSUPP = 95;
    static final int ENOBUFS = 105;

    static final byte SO_EE_ORIGIN_LOCAL = 1;
    static final byte SO_EE_ORIGIN_ICMP = 2;
    static final byte SO_EE_ORIGIN_ICMP6 = 3;

    // struct iovec { void *iov_base; size_t iov_len; }
    static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
    // struct msghdr, LP64: socklen_t and int fields are followed by padding to the next pointer.
    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; }
    static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"), JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));
    // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } then data, 8-byte aligned.
    static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));

    static final long IOVEC_BASE = offset(IOVEC, "iov_base");
    static final long IOVEC_LEN = offset(IOVEC, "iov_len");
    static final long MSG_NAME = offset(MSGHDR, "msg_name");
    static final long MSG_NAMELEN = offset(MSGHDR, "msg_namelen");
    static final long MSG_IOV = offset(MSGHDR, "msg_iov");
    static final long MSG_IOVLEN = offset(MSGHDR, "msg_iovlen");
    static final long MSG_CONTROL = offset(MSGHDR, "msg_control");
    static final long MSG_CONTROLLEN = offset(MSGHDR, "msg_controllen");
    static final long MSG_FLAGS = offset(MSGHDR, "msg_flags");
    static final long MMSG_LEN = offset(MMSGHDR, "msg_len");
    static final long CMSG_LEN = offset(CMSGHDR, "cmsg_len");
    static final long CMSG_LEVEL = offset(CMSGHDR, "cmsg_level");
    static final long CMSG_TYPE = offset(CMSGHDR, "cmsg_type");
    static final long CMSG_DATA = CMSGHDR.byteSize();
    /** Room for any sockaddr we use (sockaddr_in6 is 28 bytes). */
    static final int SOCKADDR_BYTES = 32;

    private static final StructLayout ERRNO_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = offset(ERRNO_LAYOUT, "errno");

    /*
     * Every call goes through libc's syscall(2), long syscall(long number, ...), always with six
     * arguments: one native function shape for all of them. Linking a downcall generates classes per
     * distinct (function descriptor, options) pair, about 10 ms each on a busy machine, and a run
     * opens its socket before its first SYN: one wrapper per libc function cost 14 shapes (0.14 s of
     * a 0.3 s start); these are 2 (this one, and the per-batch critical one in Downcalls), plus
     * __errno_location. Pointers pass as their addresses: every segment handed over belongs to the
     * transport's arena, which the transport closes only after its last call. This handle captures
     * errno into a caller-owned segment, so errno survives the JVM's own libc use.
     */
    private static final MethodHandle SYSCALL = Downcalls.LINKER.downcallHandle(Downcalls.SYSCALL,
            Downcalls.SYSCALL_SHAPE, Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    /** The kernel's sigset_t (64 signals) on x86-64 and aarch64; ppoll checks it only with a mask. */
    private static final long KERNEL_SIGSET_BYTES = 8;

    private LibC() {
    }

    static MemorySegment newErrnoState(java.lang.foreign.Arena arena) {
        return arena.allocate(ERRNO_LAYOUT);
    }

    static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO_OFFSET);
    }

    static int socket(MemorySegment e, int domain, int type, int protocol) {
        return (int) call(e, Syscalls.SOCKET, domain, type, protocol, 0, 0, 0);
    }

    static int bind(MemorySegment e, int fd, MemorySegment addr, int len) {
        return (int) call(e, Syscalls.BIND, fd, addr.address(), len, 0, 0, 0);
    }

    static int setsockopt(MemorySegment e, int fd, int level, int name, MemorySegment value, int len) {
        return (int) call(e, Syscalls.SETSOCKOPT, fd, level, name, value.address(), len, 0);
    }

    static int getsockopt(MemorySegment e, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        return (int) call(e, Syscalls.GETSOCKOPT, fd, level, name, value.address(), len.address(), 0);
    }

    static int getsockname(MemorySegment e, int fd, MemorySegment addr, MemorySegment len) {
        return (int) call(e, Syscalls.GETSOCKNAME, fd, addr.address(), len.address(), 0, 0, 0);
    }

    /** recvmmsg; on -1 read errno at once with {@link ThreadErrno#read()}. */
    static int recvmmsg(int fd, MemorySegment vec, int vlen, int flags) {
        return (int) callCritical(Syscalls.RECVMMSG, fd, vec.address(), vlen, flags, 0);
    }

    /** sendmmsg; on -1 read errno at once with {@link ThreadErrno#read()}. */
    static int sendmmsg(int fd, MemorySegment vec, int vlen, int flags) {
        return (int) callCritical(Syscalls.SENDMMSG, fd, vec.address(), vlen, flags, 0);
    }

    /** The calling thread's errno variable (glibc and musl both export __errno_location). */
    static MemorySegment errnoLocation() {
        try {
            return ((MemorySegment) Downcalls.errnoLocation().invokeExact()).reinterpret(Integer.BYTES);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long recvmsg(MemorySegment e, int fd, MemorySegment msg, int flags) {
        return call(e, Syscalls.RECVMSG, fd, msg.address(), flags, 0, 0, 0);
    }

    /**
     * ppoll without a signal mask. Unlike glibc's wrapper, the system call writes the time left into
     * {@code timeout}: callers set it before every call.
     */
    static int ppoll(MemorySegment e, MemorySegment fds, long nfds, MemorySegment timeout) {
        return (int) call(e, Syscalls.PPOLL, fds.address(), nfds, timeout.address(), 0, KERNEL_SIGSET_BYTES, 0);
    }

    static int eventfd(MemorySegment e, int initval, int flags) {
        return (int) call(e, Syscalls.EVENTFD2, initval, flags, 0, 0, 0, 0);
    }

    static long read(MemorySegment e, int fd, MemorySegment buf, long count) {
        return call(e, Syscalls.READ, fd, buf.address(), count, 0, 0, 0);
    }

    /** write for wakeup(), which runs on any thread and ignores failure (a non-blocking eventfd: critical). */
    static long writeIgnoringErrno(int fd, MemorySegment buf, long count) {
        return callCritical(Syscalls.WRITE, fd, buf.address(), count, 0, 0);
    }

    /**
     * mmap of {@code bytes} of private anonymous memory, read-write: the kernel backs a page with
     * memory at its first touch, zeroed. @return the address, or -1 (errno in {@code e})
     */
    static long mmapAnonymous(MemorySegment e, long bytes) {
        return call(e, Syscalls.MMAP, 0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }

    /** munmap, for cleanups that run as an arena closes (errno ignored: the range is ours). */
    static long munmapIgnoringErrno(long address, long bytes) {
        return callCritical(Syscalls.MUNMAP, address, bytes, 0, 0, 0);
    }

    static int fcntl(MemorySegment e, int fd, int cmd, long arg) {
        return (int) call(e, Syscalls.FCNTL, fd, cmd, arg, 0, 0, 0);
    }

    static int close(MemorySegment e, int fd) {
        return (int) call(e, Syscalls.CLOSE, fd, 0, 0, 0, 0, 0);
    }

    private static long call(MemorySegment errno, long number, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) SYSCALL.invokeExact(errno, number, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long callCritical(long number, long a, long b, long c, long d, long e) {
        try {
            return (long) Downcalls.criticalSyscall().invokeExact(number, a, b, c, d, e, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Size of a control message holding {@code dataBytes}, padded as CMSG_SPACE does. */
    static long cmsgSpace(long dataBytes) {
        return CMSG_DATA + ((dataBytes + 7) & ~7L);
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
