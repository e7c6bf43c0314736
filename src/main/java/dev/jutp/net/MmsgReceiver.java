package dev.jutp.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * Fills a {@link DatagramBatch} with {@code recvmmsg}, up to {@code maxPerCall} datagrams per syscall,
 * using mmsghdr/iovec/sockaddr arrays allocated once. Every length the kernel writes back is checked
 * against what was offered before it is used.
 */
final class MmsgReceiver {
    private final LinuxSocket socket;
    private final NativeAddressCache addresses;
    private final TransportCounters counters;
    private final int maxPerCall;
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment names;

    MmsgReceiver(LinuxSocket socket, NativeAddressCache addresses, TransportCounters counters,
                 int maxPerCall, Arena arena) {
        this.socket = socket;
        this.addresses = addresses;
        this.counters = counters;
        this.maxPerCall = maxPerCall;
        this.headers = arena.allocate(LibC.MMSGHDR.byteSize() * maxPerCall, 8);
        this.iovecs = arena.allocate(LibC.IOVEC.byteSize() * maxPerCall, 8);
        this.names = arena.allocate((long) LibC.SOCKADDR_BYTES * maxPerCall, 8);
        for (int i = 0; i < maxPerCall; i++) {
            long h = header(i);
            headers.set(ADDRESS, h + LibC.MSG_NAME, names.asSlice((long) i * LibC.SOCKADDR_BYTES));
            headers.set(ADDRESS, h + LibC.MSG_IOV, iovecs.asSlice(i * LibC.IOVEC.byteSize()));
            headers.set(JAVA_LONG, h + LibC.MSG_IOVLEN, 1L);
            headers.set(ADDRESS, h + LibC.MSG_CONTROL, MemorySegment.NULL);
            headers.set(JAVA_LONG, h + LibC.MSG_CONTROLLEN, 0L);
        }
    }

    int receive(DatagramBatch batch) {
        batch.clear();
        int capacity = batch.capacity();
        int slotBytes = batch.slotBytes();
        int failures = 0;
        // Each pass either fills slots, stops on EAGAIN, or counts a failure; both are bounded.
        for (int pass = 0; pass <= capacity && batch.count() < capacity; pass++) {
            int base = batch.count();
            int n = Math.min(maxPerCall, capacity - base);
            for (int i = 0; i < n; i++) {
                long iov = i * LibC.IOVEC.byteSize();
                iovecs.set(JAVA_LONG, iov + LibC.IOVEC_BASE, batch.slotUnchecked(base + i).address());
                iovecs.set(JAVA_LONG, iov + LibC.IOVEC_LEN, slotBytes);
                headers.set(JAVA_INT, header(i) + LibC.MSG_NAMELEN, LibC.SOCKADDR_BYTES);
                headers.set(JAVA_INT, header(i) + LibC.MSG_FLAGS, 0);
            }
            int r = LibC.recvmmsg(socket.errno, socket.fd, headers, n, LibC.MSG_DONTWAIT);
            if (r < 0) {
                int errno = socket.lastErrno();
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
            for (int i = 0; i < received; i++) {
                long h = header(i);
                int length = headers.get(JAVA_INT, h + LibC.MMSG_LEN);
                int flags = headers.get(JAVA_INT, h + LibC.MSG_FLAGS);
                if ((flags & LibC.MSG_TRUNC) != 0 || length < 0 || length > slotBytes) {
                    counters.receiveTruncated++;
                    continue;
                }
                int nameLength = headers.get(JAVA_INT, h + LibC.MSG_NAMELEN);
                InetSocketAddress source = nameLength > 0 && nameLength <= LibC.SOCKADDR_BYTES
                        ? addresses.decode(names, (long) i * LibC.SOCKADDR_BYTES, nameLength) : null;
                if (source == null) {
                    counters.receiveErrors++;
                    continue;
                }
                batch.moveToNext(base + i, length);
                batch.commit(length, source);
            }
            if (received < n) {
                break; // the queue is empty: save the syscall that would say EAGAIN
            }
        }
        return batch.count();
    }

    private static long header(int i) {
        return i * LibC.MMSGHDR.byteSize();
    }
}
