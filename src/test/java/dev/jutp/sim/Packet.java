package dev.jutp.sim;

import java.net.InetSocketAddress;

/** One datagram in flight: UDP payload bytes plus addressing and the sender's flags (DF). */
public record Packet(InetSocketAddress from, InetSocketAddress to, byte[] bytes, int flags) {
    public static final int DONT_FRAGMENT = 2;      // UTP_UDP_DONTFRAG

    boolean dontFragment() {
        return (flags & DONT_FRAGMENT) != 0;
    }
}
