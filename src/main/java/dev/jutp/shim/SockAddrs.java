package dev.jutp.shim;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * {@code struct sockaddr} (Linux: {@code sockaddr_in}, {@code sockaddr_in6}) to and from
 * {@link InetSocketAddress}. Decoding goes through a small direct-mapped cache so a datagram from
 * a known peer costs no allocation; encoding of the same address object is cached too.
 */
@SuppressWarnings("restricted")
final class SockAddrs {

    static final short AF_INET = 2;
    static final short AF_INET6 = 10;
    static final int SOCKADDR_IN_LEN = 16;
    static final int SOCKADDR_IN6_LEN = 28;
    /** Room reserved for an encoded address. */
    static final int MAX_LEN = 32;

    private static final ValueLayout.OfShort NATIVE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NATIVE_INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong RAW_LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private static final int CACHE = 64;

    // Decode cache: key = the sockaddr's bytes 0..23 as three longs (family+port+v4 / v6 head).
    private final long[] k0 = new long[CACHE];
    private final long[] k1 = new long[CACHE];
    private final long[] k2 = new long[CACHE];
    private final int[] k3 = new int[CACHE];
    private final InetSocketAddress[] decoded = new InetSocketAddress[CACHE];

    // Encode cache: by identity of the address object.
    private final InetSocketAddress[] encodedFor = new InetSocketAddress[CACHE];
    private final byte[][] encoded = new byte[CACHE][];

    /** The address at {@code sa} ({@code len} bytes), or null if it is not AF_INET/AF_INET6. */
    InetSocketAddress decode(long sa, int len) throws UnknownHostException {
        if (sa == 0 || len < SOCKADDR_IN_LEN) {
            return null;
        }
        MemorySegment m = MemorySegment.ofAddress(sa).reinterpret(Math.min(len, SOCKADDR_IN6_LEN));
        short family = m.get(NATIVE_SHORT, 0);
        long a;
        long b;
        long c;
        int d;
        if (family == AF_INET) {
            a = m.get(RAW_LONG, 0);               // family, port, IPv4 address
            b = 0;
            c = 0;
            d = 0;
        } else if (family == AF_INET6 && len >= SOCKADDR_IN6_LEN) {
            a = m.get(RAW_LONG, 0) & 0x0000_0000_FFFF_FFFFL; // family, port (flowinfo ignored)
            b = m.get(RAW_LONG, 8);
            c = m.get(RAW_LONG, 16);
            d = m.get(NATIVE_INT, 24);
        } else {
            return null;
        }
        int i = (int) mix(a, b, c, d) & (CACHE - 1);
        InetSocketAddress hit = decoded[i];
        if (hit != null && k0[i] == a && k1[i] == b && k2[i] == c && k3[i] == d) {
            return hit;
        }
        int port = Short.toUnsignedInt(m.get(BE_SHORT, 2));
        InetAddress ip;
        if (family == AF_INET) {
            ip = InetAddress.getByAddress(m.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE));
        } else {
            byte[] raw = m.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
            int scope = m.get(NATIVE_INT, 24);
            InetAddress plain = InetAddress.getByAddress(raw);   // v4-mapped comes back as IPv4
            ip = (plain instanceof Inet6Address && scope != 0)
                    ? Inet6Address.getByAddress(null, raw, scope) : plain;
        }
        InetSocketAddress r = new InetSocketAddress(ip, port);
        k0[i] = a;
        k1[i] = b;
        k2[i] = c;
        k3[i] = d;
        decoded[i] = r;
        return r;
    }

    /** Writes {@code addr} as a sockaddr at {@code dst}; returns its length, or 0 if unresolved. */
    int encode(InetSocketAddress addr, MemorySegment dst) {
        if (addr == null || addr.getAddress() == null) {
            return 0;
        }
        int i = System.identityHashCode(addr) & (CACHE - 1);
        byte[] e = encodedFor[i] == addr ? encoded[i] : null;
        if (e == null) {
            e = encodeNew(addr);
            encodedFor[i] = addr;
            encoded[i] = e;
        }
        MemorySegment.copy(e, 0, dst, ValueLayout.JAVA_BYTE, 0, e.length);
        return e.length;
    }

    /** The encoded bytes of {@code addr} (a fresh array). */
    static byte[] encodeNew(InetSocketAddress addr) {
        InetAddress ip = addr.getAddress();
        MemorySegment m;
        if (ip instanceof Inet4Address) {
            m = MemorySegment.ofArray(new byte[SOCKADDR_IN_LEN]);
            m.set(NATIVE_SHORT, 0, AF_INET);
            MemorySegment.copy(ip.getAddress(), 0, m, ValueLayout.JAVA_BYTE, 4, 4);
        } else {
            m = MemorySegment.ofArray(new byte[SOCKADDR_IN6_LEN]);
            m.set(NATIVE_SHORT, 0, AF_INET6);
            MemorySegment.copy(ip.getAddress(), 0, m, ValueLayout.JAVA_BYTE, 8, 16);
            m.set(NATIVE_INT, 24, ((Inet6Address) ip).getScopeId());
        }
        m.set(BE_SHORT, 2, (short) addr.getPort());
        return m.toArray(ValueLayout.JAVA_BYTE);
    }

    private static long mix(long a, long b, long c, int d) {
        long h = a * 0x9E3779B97F4A7C15L ^ b * 0xC2B2AE3D27D4EB4FL ^ c * 0x165667B19E3779F9L ^ d;
        return h ^ (h >>> 29) ^ (h >>> 41);
    }
}
