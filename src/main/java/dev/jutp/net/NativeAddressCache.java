package dev.jutp.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Translates between native {@code sockaddr}s and {@link InetSocketAddress} objects without allocating
 * in steady state: received addresses are looked up by their bytes, so one peer always maps to the same
 * object, and destinations are looked up by object identity, so sending to that object never calls
 * {@code InetAddress.getAddress()} (which clones an array).
 *
 * <p>Addresses are keyed as 16 bytes (IPv4 as v4-mapped IPv6), port and scope id. Both tables are fixed
 * size with bounded linear probing; a full probe run evicts its home entry, and the evicted peer is
 * simply re-created on its next datagram.
 */
final class NativeAddressCache {
    private static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final long V4_MAPPED_PREFIX = 0xFFFF_0000_0000L;
    private static final int PROBES = 8;

    private final boolean ipv6Socket;
    private final int mask;
    // By bytes (receive side).
    private final InetSocketAddress[] byKeyObject;
    private final long[] byKeyHi;
    private final long[] byKeyLo;
    private final long[] byKeyPortScope;
    // By identity (send side).
    private final InetSocketAddress[] byIdObject;
    private final long[] byIdHi;
    private final long[] byIdLo;
    private final long[] byIdPortScope;

    NativeAddressCache(boolean ipv6Socket, int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        this.ipv6Socket = ipv6Socket;
        this.mask = capacityPowerOfTwo - 1;
        byKeyObject = new InetSocketAddress[capacityPowerOfTwo];
        byKeyHi = new long[capacityPowerOfTwo];
        byKeyLo = new long[capacityPowerOfTwo];
        byKeyPortScope = new long[capacityPowerOfTwo];
        byIdObject = new InetSocketAddress[capacityPowerOfTwo];
        byIdHi = new long[capacityPowerOfTwo];
        byIdLo = new long[capacityPowerOfTwo];
        byIdPortScope = new long[capacityPowerOfTwo];
    }

    /**
     * Decodes the sockaddr the kernel wrote at {@code name[offset]}.
     *
     * @return the canonical address, or null when the family or length is not one we asked for
     */
    InetSocketAddress decode(MemorySegment name, long offset, int nameLength) {
        int family = name.get(SHORT, offset);
        long hi;
        long lo;
        long portScope;
        if (family == LibC.AF_INET && nameLength >= 16) {
            hi = 0;
            lo = V4_MAPPED_PREFIX | (name.get(U32_BE, offset + 4) & 0xFFFF_FFFFL);
            portScope = name.get(U16_BE, offset + 2) & 0xFFFF;
        } else if (family == LibC.AF_INET6 && nameLength >= 28) {
            hi = name.get(U64_BE, offset + 8);
            lo = name.get(U64_BE, offset + 16);
            portScope = (name.get(U16_BE, offset + 2) & 0xFFFF) | ((long) name.get(INT, offset + 24) << 32);
        } else {
            return null;
        }
        int home = hash(hi, lo, portScope);
        for (int p = 0; p < PROBES; p++) {
            int i = (home + p) & mask;
            InetSocketAddress e = byKeyObject[i];
            if (e == null) {
                return insertByKey(i, hi, lo, portScope);
            }
            if (byKeyHi[i] == hi && byKeyLo[i] == lo && byKeyPortScope[i] == portScope) {
                return e;
            }
        }
        return insertByKey(home, hi, lo, portScope);
    }

    /**
     * Writes {@code destination} as a sockaddr for this socket's family at {@code out[offset]}.
     *
     * @return the sockaddr length, or -1 when this socket cannot reach that family (IPv6 on an IPv4 socket)
     */
    int encode(InetSocketAddress destination, MemorySegment out, long offset) {
        int home = mix(System.identityHashCode(destination)) & mask;
        int slot = -1;
        for (int p = 0; p < PROBES; p++) {
            int i = (home + p) & mask;
            InetSocketAddress e = byIdObject[i];
            if (e == destination) {
                slot = i;
                break;
            }
            if (e == null) {
                slot = insertById(i, destination);
                break;
            }
        }
        if (slot < 0) {
            slot = insertById(home, destination);
        }
        return write(byIdHi[slot], byIdLo[slot], byIdPortScope[slot], out, offset);
    }

    private int write(long hi, long lo, long portScope, MemorySegment out, long offset) {
        int port = (int) (portScope & 0xFFFF);
        if (!ipv6Socket) {
            if (hi != 0 || (lo >>> 32) != 0xFFFF) {
                return -1;
            }
            out.set(SHORT, offset, (short) LibC.AF_INET);
            out.set(U16_BE, offset + 2, (short) port);
            out.set(U32_BE, offset + 4, (int) lo);
            out.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8, 0L);
            return 16;
        }
        out.set(SHORT, offset, (short) LibC.AF_INET6);
        out.set(U16_BE, offset + 2, (short) port);
        out.set(INT, offset + 4, 0); // flow info
        out.set(U64_BE, offset + 8, hi);
        out.set(U64_BE, offset + 16, lo);
        out.set(INT, offset + 24, (int) (portScope >>> 32));
        return 28;
    }

    private InetSocketAddress insertByKey(int i, long hi, long lo, long portScope) {
        InetSocketAddress address = create(hi, lo, portScope);
        byKeyObject[i] = address;
        byKeyHi[i] = hi;
        byKeyLo[i] = lo;
        byKeyPortScope[i] = portScope;
        // Replies usually go back to the object we handed out: make that a hit on the send side too.
        int home = mix(System.identityHashCode(address)) & mask;
        int slot = home;
        for (int p = 0; p < PROBES; p++) {
            int j = (home + p) & mask;
            if (byIdObject[j] == null) {
                slot = j;
                break;
            }
        }
        byIdObject[slot] = address;
        byIdHi[slot] = hi;
        byIdLo[slot] = lo;
        byIdPortScope[slot] = portScope;
        return address;
    }

    private int insertById(int i, InetSocketAddress destination) {
        InetAddress address = destination.getAddress();
        byte[] bytes = address.getAddress();
        long hi;
        long lo;
        long scope = 0;
        if (address instanceof Inet4Address) {
            hi = 0;
            lo = V4_MAPPED_PREFIX | (((bytes[0] & 0xFFL) << 24) | ((bytes[1] & 0xFFL) << 16)
                    | ((bytes[2] & 0xFFL) << 8) | (bytes[3] & 0xFFL));
        } else {
            hi = bigEndianLong(bytes, 0);
            lo = bigEndianLong(bytes, 8);
            scope = ((Inet6Address) address).getScopeId() & 0xFFFF_FFFFL;
        }
        byIdObject[i] = destination;
        byIdHi[i] = hi;
        byIdLo[i] = lo;
        byIdPortScope[i] = destination.getPort() | (scope << 32);
        return i;
    }

    private static InetSocketAddress create(long hi, long lo, long portScope) {
        int port = (int) (portScope & 0xFFFF);
        int scope = (int) (portScope >>> 32);
        try {
            InetAddress address;
            if (hi == 0 && (lo >>> 32) == 0xFFFF) {
                int v4 = (int) lo;
                address = InetAddress.getByAddress(new byte[] {
                        (byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4});
            } else {
                byte[] bytes = new byte[16];
                for (int k = 0; k < 8; k++) {
                    bytes[k] = (byte) (hi >>> (56 - 8 * k));
                    bytes[8 + k] = (byte) (lo >>> (56 - 8 * k));
                }
                address = scope == 0 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, scope);
            }
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            // Only thrown for a wrong array length, which the code above never builds.
            throw new AssertionError(e);
        }
    }

    private static long bigEndianLong(byte[] b, int from) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = (v << 8) | (b[from + k] & 0xFFL);
        }
        return v;
    }

    private int hash(long hi, long lo, long portScope) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL ^ portScope * 0x165667B19E3779F9L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47)) & mask;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
