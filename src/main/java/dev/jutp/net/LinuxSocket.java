package dev.jutp.net;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** A non-blocking UDP socket descriptor owned through libc: creation, options, bind and close. */
final class LinuxSocket {
    final int fd;
    final boolean ipv6;
    final MemorySegment errno;
    /** errno of recvmmsg/sendmmsg, which capture none (owner thread). */
    final ThreadErrno callErrno = new ThreadErrno();
    private final MemorySegment intValue;
    private final MemorySegment intLength;

    private LinuxSocket(int fd, boolean ipv6, Arena arena) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.errno = LibC.newErrnoState(arena);
        this.intValue = arena.allocate(JAVA_INT);
        this.intLength = arena.allocate(JAVA_INT);
    }

    static LinuxSocket open(InetSocketAddress bind, Arena arena) throws IOException {
        boolean ipv6 = bind.getAddress() instanceof Inet6Address;
        MemorySegment errno = LibC.newErrnoState(arena);
        int fd = LibC.socket(errno, ipv6 ? LibC.AF_INET6 : LibC.AF_INET,
                LibC.SOCK_DGRAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket() failed, errno " + LibC.errno(errno));
        }
        return new LinuxSocket(fd, ipv6, arena);
    }

    void bind(InetSocketAddress address, NativeAddressCache codec, Arena arena) throws IOException {
        MemorySegment name = arena.allocate(LibC.SOCKADDR_BYTES, 8);
        int length = codec.encode(address, name, 0);
        if (length < 0 || LibC.bind(errno, fd, name, length) != 0) {
            throw new IOException("bind(" + address + ") failed, errno " + (length < 0 ? 0 : LibC.errno(errno)));
        }
    }

    InetSocketAddress localAddress(NativeAddressCache codec, Arena arena) throws IOException {
        MemorySegment name = arena.allocate(LibC.SOCKADDR_BYTES, 8);
        intLength.set(JAVA_INT, 0, LibC.SOCKADDR_BYTES);
        if (LibC.getsockname(errno, fd, name, intLength) != 0) {
            throw new IOException("getsockname failed, errno " + LibC.errno(errno));
        }
        int length = Math.min(intLength.get(JAVA_INT, 0), LibC.SOCKADDR_BYTES);
        InetSocketAddress local = codec.decode(name, 0, length);
        if (local == null) {
            throw new IOException("getsockname returned an unexpected address family");
        }
        return local;
    }

    /** @return 0, or the errno of the failure */
    int setInt(int level, int option, int value) {
        intValue.set(JAVA_INT, 0, value);
        return LibC.setsockopt(errno, fd, level, option, intValue, 4) == 0 ? 0 : LibC.errno(errno);
    }

    /** @return the option's value, or -1 when the kernel does not know the option */
    int getInt(int level, int option) {
        intLength.set(JAVA_INT, 0, 4);
        if (LibC.getsockopt(errno, fd, level, option, intValue, intLength) != 0) {
            return -1;
        }
        return intValue.get(JAVA_INT, 0);
    }

    void close() {
        LibC.close(errno, fd);
    }
}
