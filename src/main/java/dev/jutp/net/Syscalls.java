package dev.jutp.net;

/**
 * Linux system call numbers for the calls {@link LibC} makes through {@code syscall(2)}: x86-64 has
 * its own table, aarch64 the kernel's generic one (include/uapi/asm-generic/unistd.h). Only these
 * two architectures reach here ({@link Transports#linuxSupported()}).
 */
final class Syscalls {
    private static final boolean X86_64 = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> true;
        case "aarch64" -> false;
        default -> throw new UnsupportedOperationException("no system call table for " + System.getProperty("os.arch"));
    };

    static final long READ = X86_64 ? 0 : 63;
    static final long WRITE = X86_64 ? 1 : 64;
    static final long CLOSE = X86_64 ? 3 : 57;
    static final long MMAP = X86_64 ? 9 : 222;
    static final long FCNTL = X86_64 ? 72 : 25;
    static final long MUNMAP = X86_64 ? 11 : 215;
    static final long SOCKET = X86_64 ? 41 : 198;
    static final long RECVMSG = X86_64 ? 47 : 212;
    static final long BIND = X86_64 ? 49 : 200;
    static final long GETSOCKNAME = X86_64 ? 51 : 204;
    static final long SETSOCKOPT = X86_64 ? 54 : 208;
    static final long GETSOCKOPT = X86_64 ? 55 : 209;
    static final long PPOLL = X86_64 ? 271 : 73;
    static final long EVENTFD2 = X86_64 ? 290 : 19;
    static final long RECVMMSG = X86_64 ? 299 : 243;
    static final long SENDMMSG = X86_64 ? 307 : 269;

    private Syscalls() {
    }
}
