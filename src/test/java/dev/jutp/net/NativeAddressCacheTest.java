package dev.jutp.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Pure memory tests of sockaddr encoding and the two lookup tables; no sockets. */
class NativeAddressCacheTest {
    @Test
    void ipv4SocketRoundTripsAndCanonicalises() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NativeAddressCache cache = new NativeAddressCache(false, 16);
            MemorySegment name = arena.allocate(32);
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("127.0.0.9"), 40_001);
            assertEquals(16, cache.encode(peer, name, 0));
            assertEquals(LibC.AF_INET, name.get(ValueLayout.JAVA_SHORT, 0));
            InetSocketAddress decoded = cache.decode(name, 0, 16);
            assertEquals(peer, decoded);
            assertSame(decoded, cache.decode(name, 0, 16));
            assertEquals(-1, cache.encode(new InetSocketAddress(InetAddress.getByName("::1"), 1), name, 0));
        }
    }

    @Test
    void ipv6SocketMapsIpv4PeersAndKeepsScope() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NativeAddressCache cache = new NativeAddressCache(true, 16);
            MemorySegment name = arena.allocate(32);
            InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6881);
            assertEquals(28, cache.encode(v4, name, 0));
            assertEquals(v4, cache.decode(name, 0, 28)); // v4-mapped comes back as an Inet4Address
            InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("fe80::1%1"), 6881);
            assertEquals(28, cache.encode(v6, name, 0));
            assertEquals(1, name.get(ValueLayout.JAVA_INT_UNALIGNED, 24));
            assertEquals(v6, cache.decode(name, 0, 28));
        }
    }

    @Test
    void rejectsShortOrForeignSockaddrs() {
        try (Arena arena = Arena.ofConfined()) {
            NativeAddressCache cache = new NativeAddressCache(true, 16);
            MemorySegment name = arena.allocate(32);
            name.set(ValueLayout.JAVA_SHORT, 0, (short) LibC.AF_INET6);
            assertNull(cache.decode(name, 0, 20));
            name.set(ValueLayout.JAVA_SHORT, 0, (short) 1); // AF_UNIX
            assertNull(cache.decode(name, 0, 28));
        }
    }

    @Test
    void evictionRecreatesInsteadOfReturningAWrongPeer() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            NativeAddressCache cache = new NativeAddressCache(false, 4);
            MemorySegment name = arena.allocate(32);
            InetAddress host = InetAddress.getByName("127.0.0.1");
            InetSocketAddress first = null;
            for (int port = 1000; port < 1100; port++) {
                cache.encode(new InetSocketAddress(host, port), name, 0);
                InetSocketAddress got = cache.decode(name, 0, 16);
                assertEquals(port, got.getPort());
                if (first == null) {
                    first = got;
                }
            }
            cache.encode(new InetSocketAddress(host, 1000), name, 0);
            InetSocketAddress again = cache.decode(name, 0, 16);
            assertEquals(first, again);
            assertNotSame(first, again); // 100 peers through 4 slots: the first was evicted
        }
    }
}
