package dev.jutp.sim;

import java.net.InetSocketAddress;

/** An endpoint attached to a {@link Network}. */
public interface Node {
    InetSocketAddress address();

    /** A datagram arrives (called from an event at its delivery time). */
    void receive(Packet p);

    /** An ICMP fragmentation-needed quoting {@code original}; {@code nextHopMtu} is an IP-level MTU. */
    default void icmpFragmentationNeeded(Packet original, int nextHopMtu) {
    }
}
