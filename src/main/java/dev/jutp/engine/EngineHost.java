package dev.jutp.engine;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * What the engine needs from its owner: a way to send datagrams and a few synchronous
 * answers. Implementations must not call back into the engine from these methods.
 */
public interface EngineHost {
    /** Flag on {@link #send}: the datagram is an MTU probe; ask for "don't fragment". */
    int DONT_FRAGMENT = 2;

    /** Sends {@code length} bytes of {@code segment} at {@code offset} to {@code to}. */
    void send(MemorySegment segment, long offset, int length, InetSocketAddress to, int flags);

    /** Largest UDP payload to use towards {@code peer} (the MTU search's ceiling). */
    int udpMtu(Connection connection, InetSocketAddress peer);

    /** IP + UDP header bytes towards {@code peer}, for overhead accounting. */
    int udpOverhead(Connection connection, InetSocketAddress peer);

    /** 32 random bits (connection ids, initial sequence numbers). */
    int random(Connection connection);

    /** Bytes the application has received on {@code connection} but not yet consumed. */
    long readBufferSize(Connection connection);

    /** True to refuse an incoming connection from {@code from} before any state exists. */
    boolean firewallRejects(InetSocketAddress from);
}
