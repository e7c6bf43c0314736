package dev.jutp.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * Reads ICMP errors from the socket's error queue ({@code recvmsg(MSG_ERRQUEUE)}, enabled by
 * IP_RECVERR / IPV6_RECVERR). Each entry carries the quoted UDP payload of the datagram that failed,
 * its original destination as msg_name, and a {@code sock_extended_err} control message.
 */
final class ErrorQueueReader {
    private static final int PAYLOAD_BYTES = 2048;
    private static final int CONTROL_BYTES = 512;
    private static final int MAX_PER_DRAIN = 64;
    // struct sock_extended_err { u32 ee_errno; u8 ee_origin, ee_type, ee_code, ee_pad; u32 ee_info; u32 ee_data; }
    private static final long EE_ERRNO = 0;
    private static final long EE_ORIGIN = 4;
    private static final long EE_TYPE = 5;
    private static final long EE_CODE = 6;
    private static final long EE_INFO = 8;
    private static final long EE_BYTES = 16;
    private static final int ICMP_DEST_UNREACH = 3;
    private static final int ICMP_FRAG_NEEDED = 4;
    private static final int ICMP6_DST_UNREACH = 1;
    private static final int ICMP6_PACKET_TOO_BIG = 2;

    private final LinuxSocket socket;
    private final NativeAddressCache addresses;
    private final TransportCounters counters;
    private final MemorySegment header;
    private final MemorySegment name;
    private final MemorySegment payload;
    private final MemorySegment control;

    ErrorQueueReader(LinuxSocket socket, NativeAddressCache addresses, TransportCounters counters, Arena arena) {
        this.socket = socket;
        this.addresses = addresses;
        this.counters = counters;
        this.header = arena.allocate(LibC.MSGHDR);
        this.name = arena.allocate(LibC.SOCKADDR_BYTES, 8);
        this.payload = arena.allocate(PAYLOAD_BYTES, 8);
        this.control = arena.allocate(CONTROL_BYTES, 8);
        MemorySegment iovec = arena.allocate(LibC.IOVEC);
        iovec.set(ADDRESS, LibC.IOVEC_BASE, payload);
        iovec.set(JAVA_LONG, LibC.IOVEC_LEN, PAYLOAD_BYTES);
        header.set(ADDRESS, LibC.MSG_NAME, name);
        header.set(ADDRESS, LibC.MSG_IOV, iovec);
        header.set(JAVA_LONG, LibC.MSG_IOVLEN, 1L);
        header.set(ADDRESS, LibC.MSG_CONTROL, control);
    }

    int drain(IcmpErrorHandler handler) {
        int delivered = 0;
        for (int k = 0; k < MAX_PER_DRAIN; k++) {
            header.set(JAVA_INT, LibC.MSG_NAMELEN, LibC.SOCKADDR_BYTES);
            header.set(JAVA_LONG, LibC.MSG_CONTROLLEN, CONTROL_BYTES);
            header.set(JAVA_INT, LibC.MSG_FLAGS, 0);
            long n = LibC.recvmsg(socket.errno, socket.fd, header, LibC.MSG_ERRQUEUE | LibC.MSG_DONTWAIT);
            if (n < 0) {
                break; // EAGAIN: the queue is empty
            }
            int length = (int) Math.min(n, PAYLOAD_BYTES);
            int nameLength = header.get(JAVA_INT, LibC.MSG_NAMELEN);
            long controlLength = Math.min(header.get(JAVA_LONG, LibC.MSG_CONTROLLEN), CONTROL_BYTES);
            long ee = findExtendedError(controlLength);
            InetSocketAddress destination = nameLength > 0 && nameLength <= LibC.SOCKADDR_BYTES
                    ? addresses.decode(name, 0, nameLength) : null;
            if (ee < 0 || destination == null) {
                counters.receiveErrors++;
                continue;
            }
            int type = classify(control.get(JAVA_BYTE, ee + EE_ORIGIN), control.get(JAVA_BYTE, ee + EE_TYPE) & 0xFF,
                    control.get(JAVA_BYTE, ee + EE_CODE) & 0xFF, control.get(JAVA_INT, ee + EE_ERRNO));
            int mtu = type == IcmpErrorHandler.FRAGMENTATION_NEEDED ? control.get(JAVA_INT, ee + EE_INFO) : 0;
            counters.icmpErrors++;
            delivered++;
            handler.onIcmpError(type, payload, 0, length, destination, mtu);
        }
        return delivered;
    }

    /** @return the offset of the sock_extended_err in the control buffer, or -1 */
    private long findExtendedError(long controlLength) {
        long offset = 0;
        while (offset + LibC.CMSG_DATA <= controlLength) {
            long cmsgLength = control.get(JAVA_LONG, offset + LibC.CMSG_LEN);
            if (cmsgLength < LibC.CMSG_DATA || cmsgLength > controlLength - offset) {
                return -1;
            }
            int level = control.get(JAVA_INT, offset + LibC.CMSG_LEVEL);
            int type = control.get(JAVA_INT, offset + LibC.CMSG_TYPE);
            boolean recvErr = (level == LibC.SOL_IP && type == LibC.IP_RECVERR)
                    || (level == LibC.SOL_IPV6 && type == LibC.IPV6_RECVERR);
            if (recvErr && cmsgLength >= LibC.CMSG_DATA + EE_BYTES) {
                return offset + LibC.CMSG_DATA;
            }
            offset += (cmsgLength + 7) & ~7L;
        }
        return -1;
    }

    private static int classify(byte origin, int type, int code, int errno) {
        if (origin == LibC.SO_EE_ORIGIN_ICMP) {
            if (type == ICMP_DEST_UNREACH) {
                return code == ICMP_FRAG_NEEDED ? IcmpErrorHandler.FRAGMENTATION_NEEDED : IcmpErrorHandler.UNREACHABLE;
            }
            return IcmpErrorHandler.OTHER;
        }
        if (origin == LibC.SO_EE_ORIGIN_ICMP6) {
            if (type == ICMP6_PACKET_TOO_BIG) {
                return IcmpErrorHandler.FRAGMENTATION_NEEDED;
            }
            return type == ICMP6_DST_UNREACH ? IcmpErrorHandler.UNREACHABLE : IcmpErrorHandler.OTHER;
        }
        if (origin == LibC.SO_EE_ORIGIN_LOCAL && errno == LibC.EMSGSIZE) {
            return IcmpErrorHandler.FRAGMENTATION_NEEDED; // our own DONTFRAG send exceeded the path MTU
        }
        return IcmpErrorHandler.OTHER;
    }
}
