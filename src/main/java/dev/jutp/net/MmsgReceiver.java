package dev.jutp.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * Fills a {@link DatagramBatch} with {@code recvmmsg}, up to {@code maxPerCall} buffers per syscall,
 * using mmsghdr/iovec/sockaddr/control arrays allocated once. Every length the kernel writes back is
 * checked against what was offered before it is used.
 *
 * <p>With UDP GRO on, one buffer may hold a run of equal-size datagrams from one sender (the last may
 * be shorter), with their size in a {@code UDP_GRO} control message; the run is split into batch
 * entries in place, so a GSO sender's super-packet costs the receiver one buffer, not one per datagram.
 */
final class MmsgReceiver {
    /** One control message with an int (the GRO segment size), with room to spare. */
    private static final long CONTROL_BYTES = LibC.cmsgSpace(4) * 2;

    private final LinuxSocket socket;
    private final NativeAddressCache addresses;
    private final TransportCounters counters;
    private final int maxPerCall;
    private boolean gro;
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final MemorySegment controls;

    MmsgReceiver(LinuxSocket socket, NativeAddressCache addresses, TransportCounters counters,
                 int maxPerCall, Arena arena) {
        this.socket = socket;
        this.addresses = addresses;
        this.counters = counters;
        this.maxPerCall = maxPerCall;
        this.headers = arena.allocate(LibC.MMSGHDR.byteSize() * maxPerCall, 8);
        this.iovecs = arena.allocate(LibC.IOVEC.byteSize() * maxPerCall, 8);
        this.names = arena.allocate((long) LibC.SOCKADDR_BYTES * maxPerCall, 8);
        this.controls = arena.allocate(CONTROL_BYTES * maxPerCall, 8);
        for (int i = 0; i < maxPerCall; i++) {
            long h = header(i);
            headers.set(ADDRESS, h + LibC.MSG_NAME, names.asSlice((long) i * LibC.SOCKADDR_BYTES));
            headers.set(ADDRESS, h + LibC.MSG_IOV, iovecs.asSlice(i * LibC.IOVEC.byteSize()));
            headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_IOVLEN, 1L);
            headers.set(ADDRESS, h + LibC.MSG_CONTROL, controls.asSlice(i * CONTROL_BYTES));
            headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_CONTROLLEN, 0L);
        }
    }

    /** Whether the socket has UDP_GRO on (the control buffers are then offered to the kernel). */
    void setGro(boolean on) {
        gro = on;
    }

    boolean gro() {
        return gro;
    }

    int receive(DatagramBatch batch) {
        batch.clear();
        int capacity = batch.capacity();
        int slotBytes = batch.slotBytes();
        int failures = 0;
        // Each pass either fills slots, stops on EAGAIN, or counts a failure; both are bounded.
        for (int pass = 0; pass <= capacity && batch.slotsUsed() < capacity; pass++) {
            int base = batch.slotsUsed();
            int n = Math.min(maxPerCall, capacity - base);
            for (int i = 0; i < n; i++) {
                long iov = i * LibC.IOVEC.byteSize();
                long h = header(i);
                iovecs.set(JAVA_LONG_UNALIGNED, iov + LibC.IOVEC_BASE, batch.slotUnchecked(base + i).address());
                iovecs.set(JAVA_LONG_UNALIGNED, iov + LibC.IOVEC_LEN, slotBytes);
                headers.set(JAVA_INT_UNALIGNED, h + LibC.MSG_NAMELEN, LibC.SOCKADDR_BYTES);
                headers.set(JAVA_INT_UNALIGNED, h + LibC.MSG_FLAGS, 0);
                headers.set(JAVA_LONG_UNALIGNED, h + LibC.MSG_CONTROLLEN, gro ? CONTROL_BYTES : 0L);
            }
            int r = LibC.recvmmsg(socket.fd, headers, n, LibC.MSG_DONTWAIT);
            if (r < 0) {
                int errno = socket.callErrno.read();
                if (errno == LibC.EAGAIN) {
                    break;
                }
                // Typically a pending ICMP error (ECONNREFUSED...) that this call consumed: try again once.
                counters.receiveErrors++;
                counters.lastErrno = errno;
                if (++failures > 1) {
                    break;
                }
                continue;
            }
            int received = Math.min(r, n);
            batch.useSlots(received);
            for (int i = 0; i < received; i++) {
                long h = header(i);
                int length = headers.get(JAVA_INT_UNALIGNED, h + LibC.MMSG_LEN);
                int flags = headers.get(JAVA_INT_UNALIGNED, h + LibC.MSG_FLAGS);
                if ((flags & LibC.MSG_TRUNC) != 0 || length < 0 || length > slotBytes) {
                    counters.receiveTruncated++;
                    continue;
                }
                int nameLength = headers.get(JAVA_INT_UNALIGNED, h + LibC.MSG_NAMELEN);
                InetSocketAddress source = nameLength > 0 && nameLength <= LibC.SOCKADDR_BYTES
                        ? addresses.decode(names, (long) i * LibC.SOCKADDR_BYTES, nameLength) : null;
                if (source == null) {
                    counters.receiveErrors++;
                    continue;
                }
                int segment = gro ? groSegmentSize(i) : 0;
                if (segment <= 0 || segment >= length) {
                    batch.commit(base + i, 0, length, source);
                    continue;
                }
                counters.groBuffers++;
                for (int start = 0; start < length; start += segment) {
                    batch.commit(base + i, start, Math.min(segment, length - start), source);
                }
            }
            if (received < n) {
                break; // the queue is empty: save the syscall that would say EAGAIN
            }
        }
        return batch.count();
    }

    /** The UDP_GRO segment size the kernel attached to message {@code i}, or 0 if none. */
    private int groSegmentSize(int i) {
        long controlLength = headers.get(JAVA_LONG_UNALIGNED, header(i) + LibC.MSG_CONTROLLEN);
        long base = i * CONTROL_BYTES;
        long end = Math.min(controlLength, CONTROL_BYTES);
        // Walk the control messages; each step advances by at least one header, so the loop is bounded.
        for (long at = 0; at + LibC.CMSG_DATA + 4 <= end; ) {
            long cmsgLength = controls.get(JAVA_LONG_UNALIGNED, base + at + LibC.CMSG_LEN);
            if (cmsgLength < LibC.CMSG_DATA || at + cmsgLength > end) {
                return 0;
            }
            if (controls.get(JAVA_INT_UNALIGNED, base + at + LibC.CMSG_LEVEL) == LibC.SOL_UDP
                    && controls.get(JAVA_INT_UNALIGNED, base + at + LibC.CMSG_TYPE) == LibC.UDP_GRO
                    && cmsgLength >= LibC.CMSG_DATA + 4) {
                return controls.get(JAVA_INT_UNALIGNED, base + at + LibC.CMSG_DATA);
            }
            at += (cmsgLength + 7) & ~7L;
        }
        return 0;
    }

    private static long header(int i) {
        return i * LibC.MMSGHDR.byteSize();
    }
}
