package dev.jutp.net;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * Receives ICMP errors reported for datagrams this socket sent, so the engine can route them to
 * {@code utp_process_icmp_error} / {@code utp_process_icmp_fragmentation}.
 */
@FunctionalInterface
public interface IcmpErrorHandler {
    /** Destination (host, port or network) unreachable, including ICMPv6 destination unreachable. */
    int UNREACHABLE = 1;
    /** Fragmentation needed / packet too big, or a local EMSGSIZE for a don't-fragment datagram. */
    int FRAGMENTATION_NEEDED = 2;
    /** Any other ICMP error (time exceeded, parameter problem, ...). */
    int OTHER = 3;

    /**
     * Called on the owner thread from {@link Transport#drainErrors}.
     *
     * @param type one of {@link #UNREACHABLE}, {@link #FRAGMENTATION_NEEDED}, {@link #OTHER}
     * @param quoted the transport's error buffer; valid only during this call
     * @param offset where the quoted UDP payload of the original datagram starts in {@code quoted}
     * @param length bytes of quoted payload (ICMP quotes a prefix, it may be shorter than the original)
     * @param destination where the original datagram was sent
     * @param nextHopMtu the MTU reported for {@link #FRAGMENTATION_NEEDED}, else 0
     */
    void onIcmpError(int type, MemorySegment quoted, long offset, int length,
                     InetSocketAddress destination, int nextHopMtu);
}
