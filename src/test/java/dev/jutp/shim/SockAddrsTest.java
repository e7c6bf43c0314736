package dev.jutp.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SockAddrsTest {

    @Test
    void ipv4RoundTripsAsSockaddrIn() throws Exception {
        SockAddrs codec = new SockAddrs();
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6881);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(SockAddrs.MAX_LEN);
            assertEquals(16, codec.encode(a, m));
            assertEquals(2, m.get(ValueLayout.JAVA_SHORT, 0));                 // AF_INET
            assertEquals(0x1A, m.get(ValueLayout.JAVA_BYTE, 2));              // 6881 big-endian
            assertEquals((byte) 0xE1, m.get(ValueLayout.JAVA_BYTE, 3));
            assertEquals(127, m.get(ValueLayout.JAVA_BYTE, 4));
            InetSocketAddress back = codec.decode(m.address(), 16);
            assertEquals(a, back);
            assertSame(back, codec.decode(m.address(), 16));                 // cached, no allocation
        }
    }

    @Test
    void ipv6RoundTripsAndV4MappedComesBackAsIpv4() throws Exception {
        SockAddrs codec = new SockAddrs();
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("::1"), 443);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(SockAddrs.MAX_LEN);
            assertEquals(28, codec.encode(a, m));
            assertEquals(10, m.get(ValueLayout.JAVA_SHORT, 0));                // AF_INET6
            assertEquals(a, codec.decode(m.address(), 28));

            MemorySegment mapped = arena.allocate(28);
            mapped.set(ValueLayout.JAVA_SHORT, 0, (short) 10);
            mapped.set(ValueLayout.JAVA_BYTE, 3, (byte) 80);
            mapped.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xFF);
            mapped.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xFF);
            mapped.set(ValueLayout.JAVA_BYTE, 20, (byte) 10);
            mapped.set(ValueLayout.JAVA_BYTE, 23, (byte) 1);
            InetSocketAddress v4 = codec.decode(mapped.address(), 28);
            assertTrue(v4.getAddress() instanceof Inet4Address);
            assertEquals(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 80), v4);
        }
    }

    @Test
    void unusableAddressesDecodeToNull() throws Exception {
        SockAddrs codec = new SockAddrs();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment unix = arena.allocate(110);
            unix.set(ValueLayout.JAVA_SHORT, 0, (short) 1);                    // AF_UNIX
            assertNull(codec.decode(unix.address(), 110));
            assertNull(codec.decode(0, 16));
            MemorySegment v6 = arena.allocate(28);
            v6.set(ValueLayout.JAVA_SHORT, 0, (short) 10);
            assertNull(codec.decode(v6.address(), 16));                        // truncated sockaddr_in6
        }
    }
}
