package dev.jutp.net;

/**
 * Socket and batching options. Large socket buffers matter: with the kernel's default ~208 KiB
 * receive buffer a uTP burst overflows the receiver and stalls on RTO (the README's Performance table:
 * libutp → libutp with default socket buffers).
 *
 * @param receiveBufferBytes requested SO_RCVBUF (the kernel clamps to rmem_max and doubles it), 0 = the
 *     kernel's default
 * @param sendBufferBytes requested SO_SNDBUF, 0 = the kernel's default
 * @param maxDatagramsPerSyscall messages per recvmmsg/sendmmsg call on Linux (1..1024)
 * @param gso allow UDP GSO on Linux when the kernel accepts it
 * @param gro allow UDP GRO on Linux (receive runs of datagrams as one buffer) when the kernel accepts it
 * @param icmpErrors enable IP_RECVERR / IPV6_RECVERR on Linux and report ICMP errors
 */
public record TransportOptions(int receiveBufferBytes, int sendBufferBytes, int maxDatagramsPerSyscall,
                               boolean gso, boolean gro, boolean icmpErrors) {

    public static final int DEFAULT_BUFFER_BYTES = 4 << 20;

    public TransportOptions {
        if (receiveBufferBytes < 0 || sendBufferBytes < 0) {
            throw new IllegalArgumentException("socket buffer sizes must not be negative");
        }
        if (maxDatagramsPerSyscall < 1 || maxDatagramsPerSyscall > 1024) {
            throw new IllegalArgumentException("maxDatagramsPerSyscall must be in 1..1024");
        }
    }

    public static TransportOptions defaults() {
        return new TransportOptions(DEFAULT_BUFFER_BYTES, DEFAULT_BUFFER_BYTES, 64, true, true, true);
    }

    public TransportOptions withReceiveBufferBytes(int bytes) {
        return new TransportOptions(bytes, sendBufferBytes, maxDatagramsPerSyscall, gso, gro, icmpErrors);
    }

    public TransportOptions withSendBufferBytes(int bytes) {
        return new TransportOptions(receiveBufferBytes, bytes, maxDatagramsPerSyscall, gso, gro, icmpErrors);
    }

    public TransportOptions withMaxDatagramsPerSyscall(int count) {
        return new TransportOptions(receiveBufferBytes, sendBufferBytes, count, gso, gro, icmpErrors);
    }

    public TransportOptions withGso(boolean enabled) {
        return new TransportOptions(receiveBufferBytes, sendBufferBytes, maxDatagramsPerSyscall, enabled, gro, icmpErrors);
    }

    public TransportOptions withGro(boolean enabled) {
        return new TransportOptions(receiveBufferBytes, sendBufferBytes, maxDatagramsPerSyscall, gso, enabled, icmpErrors);
    }

    public TransportOptions withIcmpErrors(boolean enabled) {
        return new TransportOptions(receiveBufferBytes, sendBufferBytes, maxDatagramsPerSyscall, gso, gro, enabled);
    }
}
