package dev.jutp.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * Drains an {@link OutgoingBatch} with {@code sendmmsg}. A run of datagrams to the same destination
 * object with the same flags and equal lengths (the last may be shorter) becomes one message with one
 * iovec per datagram and a {@code UDP_SEGMENT} control message, so the kernel splits it back into
 * separate datagrams (GSO) without a copy on our side.
 *
 * <p>GSO downgrades: EIO/EOPNOTSUPP/ENOPROTOOPT on a GSO message turn GSO off for good; EINVAL/EMSGSIZE
 * (segment larger than the route allows) lower the largest segment size tried. Either way the refused
 * run is resent as plain datagrams at once.
 *
 * <p>DONTFRAG: Linux has no per-datagram don't-fragment control for IPv4, so the socket's
 * IP_MTU_DISCOVER (and IPV6_MTU_DISCOVER) is switched between WANT and DO; a syscall batch never mixes
 * the two, and the switch happens only when the flag changes between datagrams.
 */
final class MmsgSender {
    /** Kernels before 6.11 accept at most 64 segments per GSO send. */
    private static final int MAX_GSO_SEGMENTS = 64;
    /** IPv4's UDP payload limit, which also binds v4-mapped sends on IPv6 sockets. */
    private static final int MAX_GSO_BYTES = 65_507;
    private static final int IOV_POOL = 1024;
    private static final int ECONNREFUSED = 111;
    private static final int ENETUNREACH = 101;
    private static final int EHOSTUNREACH = 113;
    private static final int ENETDOWN = 100;
    private static final int EHOSTDOWN = 112;
    private static final long CONTROL_BYTES = LibC.cmsgSpace(2);

    private final LinuxSocket socket;
    private final NativeAddressCache addresses;
    private final TransportCounters counters;
    private final int maxPerCall;
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final MemorySegment controls;
    private final int[] datagramsInMessage;
    private boolean gso;
    private int gsoMaxSegment = MAX_GSO_BYTES;
    private boolean dontFragment;

    MmsgSender(LinuxSocket socket, NativeAddressCache addresses, TransportCounters counters,
               int maxPerCall, boolean gso, Arena arena) {
        this.socket = socket;
        this.addresses = addresses;
        this.counters = counters;
        this.maxPerCall = maxPerCall;
        this.gso = gso;
        this.headers = arena.allocate(LibC.MMSGHDR.byteSize() * maxPerCall, 8);
        this.iovecs = arena.allocate(LibC.IOVEC.byteSize() * IOV_POOL, 8);
        this.names = arena.allocate((long) LibC.SOCKADDR_BYTES * maxPerCall, 8);
        this.controls = arena.allocate(CONTROL_BYTES * maxPerCall, 8);
        this.datagramsInMessage = new int[maxPerCall];
        for (int m = 0; m < maxPerCall; m++) {
            long h = header(m);
            headers.set(ADDRESS, h + LibC.MSG_NAME, names.asSlice((long) m * LibC.SOCKADDR_BYTES));
            long c = m * CONTROL_BYTES;
            controls.set(JAVA_LONG_UNALIGNED, c + LibC.CMSG_LEN, LibC.CMSG_DATA + 2);
            controls.set(JAVA_INT_UNALIGNED, c + LibC.CMSG_LEVEL, LibC.SOL_UDP);
            controls.set(JAVA_INT_UNALIGNED, c + LibC.CMSG_TYPE, LibC.UDP_SEGMENT);
        }
    }

    boolean gso() {
        return gso;
    }

    int send(OutgoingBatch batch) {
        int sent = 0;
        int plainUntil = -1; // batch index: datagrams before it go out without GSO (a refused run)
        int retriedHead = -1;
        int budget = 4 * batch.remaining() + 8;
        while (batch.remaining() > 0 && budget-- > 0) {
            int head = batch.head();
            int messages = build(batch, plainUntil);
            if (messages == 0) {
                continue; // build dropped an unsendable datagram
            }
            setDontFragment((batch.flags(head) & Transport.FLAG_DONTFRAG) != 0);
            int r = LibC.sendmmsg(socket.fd, headers, messages, 0);
            int errno = r > 0 ? 0 : socket.callErrno.read();
            if (r > 0) {
                int done = 0;
                for (int m = 0; m < Math.min(r, messages); m++) {
                    done += datagramsInMessage[m];
                    if (datagramsInMessage[m] > 1) {
                        counters.gsoSends += datagramsInMessage[m];
                    }
                }
                batch.advance(done);
                sent += done;
                continue;
            }
            if (errno == LibC.EAGAIN || errno == LibC.ENOBUFS) {
                counters.sendWouldBlock++;
                break;
            }
            counters.sendErrors++;
            counters.lastErrno = errno;
            if (errno == LibC.EINTR) {
                continue;
            }
            if (datagramsInMessage[0] > 1) {
                downgradeGso(errno, batch.length(head));
                plainUntil = head + datagramsInMessage[0];
                continue;
            }
            if (isPendingIcmpError(errno) && retriedHead != head) {
                retriedHead = head; // the error belonged to an earlier datagram and is now cleared
                continue;
            }
            counters.sendDropped++;
            batch.advance(1);
        }
        return sent;
    }

    /** Fills the header array from the batch head; returns the message count (0 if it dropped a datagram). */
    private int build(OutgoingBatch batch, int plainUntil) {
        int end = batch.end();
        int i = batch.head();
        int flags = batch.flags(i);
        int messages = 0;
        int iovUsed = 0;
        while (messages < maxPerCall && i < end && batch.flags(i) == flags && iovUsed < IOV_POOL) {
            InetSocketAddress destination = batch.destination(i);
            MemorySegment segment = batch.segment(i);
            int nameLength = addresses.encode(destination, names, (long) messages * LibC.SOCKADDR_BYTES);
            if (nameLength < 0 || !segment.scope().isAlive()) {
                if (messages > 0) {
                    break; // send what is built; this datagram is dropped when it reaches the head
                }
                counters.sendDropped++;
                batch.advance(1);
                return 0;
            }
            int length = batch.length(i);
            int run = 1;
            int total = length;
            if (gso && i >= plainUntil && length > 0 && length <= gsoMaxSegment) {
                while (i + run < end && run < MAX_GSO_SEGMENTS && iovUsed + run < IOV_POOL) {
                    int j = i + run;
                    int lj = batch.length(j);
                    if (batch.destination(j) != destination || batch.flags(j) != flags
                            || lj > length || lj == 0 || total + lj > MAX_GSO_BYTES
                            || !batch.segment(j).scope().isAlive()) {
                        break;
                    }
                    run++;
                    total += lj;
                    if (lj < length) {
                        break; // only the last segment may be short
                    }
                }
            }
            for (int k = 0; k < run; k++) {
                long iov = (iovUsed + k) * LibC.IOVEC.byteSize();
                iovecs.set(JAVA_LONG_UNALIGNED, iov + LibC.IOVEC_BASE, batch.segment(i + k).address() + batch.offset(i + k));
                iovecs.set(JAVA_LONG_UNALIGNED, iov + LibC.IOVEC_LEN, batch.length(i + k));
            }
            long h = header(messages);
            headers.set(JAVA_INT_UNALIGNED, h + LibC.MSG_NAMELEN, nameLength);
            headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_IOV, iovecs.address() + iovUsed * LibC.IOVEC.byteSize());
            headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_IOVLEN, run);
            if (run > 1) {
                long c = messages * CONTROL_BYTES;
                controls.set(JAVA_SHORT_UNALIGNED, c + LibC.CMSG_DATA, (short) length);
                headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_CONTROL, controls.address() + c);
                headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_CONTROLLEN, CONTROL_BYTES);
            } else {
                headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_CONTROL, 0L);
                headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_CONTROLLEN, 0L);
            }
            headers.set(JAVA_INT_UNALIGNED, h + LibC.MSG_FLAGS, 0);
            datagramsInMessage[messages] = run;
            iovUsed += run;
            i += run;
            messages++;
        }
        return messages;
    }

    private void downgradeGso(int errno, int segmentBytes) {
        counters.gsoFallbacks++;
        if (errno == LibC.EINVAL || errno == LibC.EMSGSIZE) {
            gsoMaxSegment = Math.min(gsoMaxSegment, segmentBytes - 1);
            if (gsoMaxSegment >= 512) {
                return;
            }
        }
        gso = false;
    }

    private void setDontFragment(boolean on) {
        if (on == dontFragment) {
            return;
        }
        int failed = socket.ipv6 ? socket.setInt(LibC.SOL_IPV6, LibC.IPV6_MTU_DISCOVER, v6Mode(on)) : 0;
        // On an IPv6 socket this covers v4-mapped destinations; failure there is harmless.
        int v4 = socket.setInt(LibC.SOL_IP, LibC.IP_MTU_DISCOVER, v4Mode(on));
        if (!socket.ipv6) {
            failed = v4;
        }
        if (failed == 0) {
            dontFragment = on;
        } else {
            counters.sendErrors++;
            counters.lastErrno = failed;
        }
    }

    /**
     * IPv4: only MTU probes carry DF. Other datagrams leave it clear (as the NIO transport does), so
     * a router on a narrower path fragments them instead of dropping them, which with filtered
     * ICMP would be a black hole that stalls the connection (libutp's DF-everywhere default).
     */
    static int v4Mode(boolean dontFragment) {
        return dontFragment ? LibC.IP_PMTUDISC_DO : LibC.IP_PMTUDISC_DONT;
    }

    /** IPv6 routers never fragment: without DF only the source may, to the path MTU it learned. */
    static int v6Mode(boolean dontFragment) {
        return dontFragment ? LibC.IP_PMTUDISC_DO : LibC.IP_PMTUDISC_WANT;
    }

    private static boolean isPendingIcmpError(int errno) {
        return errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH
                || errno == EHOSTDOWN || errno == ENETDOWN;
    }

    private static long header(int m) {
        return m * LibC.MMSGHDR.byteSize();
    }
}
