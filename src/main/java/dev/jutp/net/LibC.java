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

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout ERRNO_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = offset(ERRNO_LAYOUT, "errno");

    private static final MethodHandle SOCKET = errnoCall("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = errnoCall("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT = errnoCall("getsockopt",
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GETSOCKNAME = errnoCall("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    /*
     * The per-batch calls capture no call state: the JDK slices the capture segment on every call
     * (a 40-byte object that only C2's escape analysis removes), so they are critical downcalls
     * (non-blocking: MSG_DONTWAIT, a non-blocking socket) and the caller reads errno in place
     * right after a failure (ThreadErrno).
     */
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    private static final MethodHandle RECVMMSG = LINKER.downcallHandle(symbol("recvmmsg"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), CRITICAL);
    private static final MethodHandle SENDMMSG = LINKER.downcallHandle(symbol("sendmmsg"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CRITICAL);
    private static final MethodHandle ERRNO_LOCATION = LINKER.downcallHandle(symbol("__errno_location"),
            FunctionDescriptor.of(ADDRESS), CRITICAL);
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle PPOLL = errnoCall("ppoll", JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle EVENTFD = errnoCall("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle READ = errnoCall("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle CLOSE = errnoCall("close", JAVA_INT, JAVA_INT);
    // wakeup() runs on any thread and ignores failure, so it needs no errno segment.
    private static final MethodHandle WRITE_NO_ERRNO = LINKER.downcallHandle(symbol("write"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    private LibC() {
    }

    static MemorySegment newErrnoState(java.lang.foreign.Arena arena) {
        return arena.allocate(ERRNO_LAYOUT);
    }

    static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO_OFFSET);
    }

    static int socket(MemorySegment e, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(e, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(MemorySegment e, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(e, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(MemorySegment e, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(e, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockopt(MemorySegment e, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(e, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockname(MemorySegment e, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) GETSOCKNAME.invokeExact(e, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** recvmmsg; on -1 read errno at once with {@link ThreadErrno#read()}. */
    static int recvmmsg(int fd, MemorySegment vec, int vlen, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(fd, vec, vlen, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendmmsg; on -1 read errno at once with {@link ThreadErrno#read()}. */
    static int sendmmsg(int fd, MemorySegment vec, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(fd, vec, vlen, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The calling thread's errno variable (glibc and musl both export __errno_location). */
    static MemorySegment errnoLocation() {
        try {
            return ((MemorySegment) ERRNO_LOCATION.invokeExact()).reinterpret(Integer.BYTES);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long recvmsg(MemorySegment e, int fd, MemorySegment msg, int flags) {
        try {
            return (long) RECVMSG.invokeExact(e, fd, msg, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ppoll(MemorySegment e, MemorySegment fds, long nfds, MemorySegment timeout) {
        try {
            return (int) PPOLL.invokeExact(e, fds, nfds, timeout, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(MemorySegment e, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(e, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(MemorySegment e, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(e, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long writeIgnoringErrno(int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE_NO_ERRNO.invokeExact(fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment e, int fd) {
        try {
            return (int) CLOSE.invokeExact(e, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Size of a control message holding {@code dataBytes}, padded as CMSG_SPACE does. */
    static long cmsgSpace(long dataBytes) {
        return CMSG_DATA + ((dataBytes + 7) & ~7L);
    }

    private static MethodHandle errnoCall(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(result, args), ERRNO);
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
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
