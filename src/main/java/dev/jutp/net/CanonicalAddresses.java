package dev.jutp.net;

import java.net.InetSocketAddress;

/**
 * Maps equal socket addresses to one canonical instance, so the engine can compare peers by identity
 * and key its tables on one object per peer. Fixed-size open addressing; a full probe run evicts its
 * first entry (entries are never emptied, so probe chains stay valid). Never allocates.
 */
final class CanonicalAddresses {
    private static final int PROBES = 8;

    private final InetSocketAddress[] table;
    private final int mask;

    CanonicalAddresses(int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        table = new InetSocketAddress[capacityPowerOfTwo];
        mask = capacityPowerOfTwo - 1;
    }

    InetSocketAddress canonical(InetSocketAddress address) {
        int start = mix(address.hashCode()) & mask;
        for (int p = 0; p < PROBES; p++) {
            int i = (start + p) & mask;
            InetSocketAddress e = table[i];
            if (e == null) {
                table[i] = address;
                return address;
            }
            if (e == address || e.equals(address)) {
                return e;
            }
        }
        table[start] = address;
        return address;
    }

    static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
