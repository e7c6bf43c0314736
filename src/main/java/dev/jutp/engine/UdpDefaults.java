package dev.jutp.engine;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * libutp's default UDP sizes (its {@code utp_default_get_udp_mtu} and
 * {@code utp_default_get_udp_overhead}), defined once for the libutp API's default callbacks and the
 * stream API's endpoint host.
 */
public final class UdpDefaults {
    /** IPv4 (20) and UDP (8) header bytes per datagram. */
    public static final int IPV4_OVERHEAD_BYTES = 28;
    /** IPv6 (40) and UDP (8) header bytes per datagram. */
    public static final int IPV6_OVERHEAD_BYTES = 48;
    /**
     * IPv6 carried in UDP over IPv4 (Teredo): both header sets. libutp charges this for every IPv6
     * peer, since IPv6 peers were mostly tunnelled when it was written.
     */
    public static final int TEREDO_OVERHEAD_BYTES = IPV4_OVERHEAD_BYTES + IPV6_OVERHEAD_BYTES;
    /**
     * UDP payload bytes to an IPv4 peer: a 1500-byte Ethernet MTU less the IPv4 and UDP headers and
     * room for GRE (24), PPPoE (8) and MPPE (2) encapsulation and 36 bytes of slack, so a packet is
     * not fragmented on the usual tunnelled paths.
     */
    public static final int IPV4_MTU_BYTES = 1402;
    /** UDP payload bytes to an IPv6 peer: the 1280-byte minimum IPv6 (and Teredo) MTU less the IPv6 and UDP headers. */
    public static final int IPV6_MTU_BYTES = 1232;

    private UdpDefaults() {
    }

    /** Whether {@code peer} is an IPv6 address (null counts as IPv4, as libutp's defaults do). */
    public static boolean isIpv6(InetSocketAddress peer) {
        return peer != null && peer.getAddress() instanceof Inet6Address;
    }

    /** libutp's default UDP payload size for {@code peer}. */
    public static int mtuBytes(InetSocketAddress peer) {
        return isIpv6(peer) ? IPV6_MTU_BYTES : IPV4_MTU_BYTES;
    }
}
