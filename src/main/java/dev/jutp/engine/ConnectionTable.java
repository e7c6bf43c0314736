package dev.jutp.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Connections keyed by (peer address, receive connection id), open addressing with linear
 * probing. The peer chooses every part of the key, so the hash is SipHash-1-3 under a random
 * per-table key: colliding keys cannot be chosen without it (an unkeyed hash let a SYN flood
 * pile every connection into one probe chain). Removal is backward-shift deletion: one pass
 * over the rest of the chain, each entry's stored hash saying whether it may move back.
 * Iteration follows a dense array in insertion order (swap-removal), so tick order does not
 * depend on the key. Lookups allocate nothing: the key is compared field by field, never boxed.
 */
final class ConnectionTable {
    private static final SecureRandom KEYS = new SecureRandom();

    private final long k0 = KEYS.nextLong();
    private final long k1 = KEYS.nextLong();
    private final long[] words = new long[3];
    private Connection[] slots = new Connection[64];
    private int[] hashes = new int[64];
    private Connection[] all = new Connection[16];
    private int size;
    /** Slots examined by lookups, insertions and removals: the table's work, for tests. */
    private long probes;
    /** IPv6 address words by address object, so a peer's repeated packets read its bytes once. */
    private final InetAddress[] v6Seen = new InetAddress[64];
    private final long[] v6High = new long[64];
    private final long[] v6Low = new long[64];

    int size() {
        return size;
    }

    long probes() {
        return probes;
    }

    Connection get(InetSocketAddress peer, int recvId) {
        Connection[] t = slots;
        int m = t.length - 1;
        int h = hash(peer, recvId);
        for (int i = h & m; ; i = (i + 1) & m) {
            probes++;
            Connection c = t[i];
            if (c == null) {
                return null;
            }
            if (hashes[i] == h && c.recvId == recvId && samePeer(c.peer, peer)) {
                return c;
            }
        }
    }

    void put(Connection c) {
        if ((size + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        insert(c, hash(c.peer, c.recvId));
        if (size == all.length) {
            all = Arrays.copyOf(all, size * 2);
        }
        c.tableIndex = size;
        all[size++] = c;
    }

    void remove(Connection c) {
        Connection[] t = slots;
        int m = t.length - 1;
        int i = hash(c.peer, c.recvId) & m;
        while (t[i] != c) {
            probes++;
            if (t[i] == null) {
                return;
            }
            i = (i + 1) & m;
        }
        // Backward shift: an entry further on moves into the hole unless its home slot lies
        // cyclically after the hole (then the hole does not break its chain).
        for (int j = (i + 1) & m; t[j] != null; j = (j + 1) & m) {
            probes++;
            int home = hashes[j] & m;
            boolean homeAfterHole = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!homeAfterHole) {
                t[i] = t[j];
                hashes[i] = hashes[j];
                i = j;
            }
        }
        t[i] = null;
        int at = c.tableIndex;
        Connection last = all[--size];
        all[at] = last;
        last.tableIndex = at;
        all[size] = null;
        c.tableIndex = -1;
    }

    /** Copies the live connections into {@code into}, returning it (grown if needed) for iteration. */
    Connection[] snapshot(Connection[] into) {
        if (into.length < size + 1) {
            into = new Connection[Math.max(size + 1, into.length * 2)];
        }
        System.arraycopy(all, 0, into, 0, size);
        into[size] = null;
        return into;
    }

    void clear() {
        Arrays.fill(slots, null);
        for (int i = 0; i < size; i++) {
            all[i].tableIndex = -1;
            all[i] = null;
        }
        size = 0;
    }

    static boolean samePeer(InetSocketAddress a, InetSocketAddress b) {
        if (a == b) {
            return true;
        }
        if (a.getPort() != b.getPort()) {
            return false;
        }
        InetAddress x = a.getAddress();
        InetAddress y = b.getAddress();
        return x != null && x.equals(y);
    }

    /** SipHash-1-3 of (address, port, id) under this table's key. */
    int hash(InetSocketAddress peer, int recvId) {
        InetAddress a = peer.getAddress();
        long portAndId = ((long) peer.getPort() << 16) | (recvId & 0xFFFF);
        int n;
        if (a instanceof Inet4Address) {
            // An Inet4Address's hashCode is its address, big-endian: the four bytes, no allocation.
            words[0] = ((long) a.hashCode() << 32) | portAndId;
            n = 1;
        } else {
            int slot = v6Slot(a);
            words[0] = v6High[slot];
            words[1] = v6Low[slot];
            words[2] = portAndId;
            n = 3;
        }
        long h = SipHash.hash(k0, k1, 1, 3, words, n, 0, n * 8);
        return (int) (h ^ (h >>> 32));
    }

    /** Where {@code a}'s 16 bytes are cached (read through getAddress, which copies, on a miss). */
    private int v6Slot(InetAddress a) {
        int slot = System.identityHashCode(a) & (v6Seen.length - 1);
        if (v6Seen[slot] != a) {
            long high = 0;
            long low = 0;
            if (a != null) {
                byte[] b = a.getAddress();
                for (int i = 0; i < 8; i++) {
                    high = (high << 8) | (b[i] & 0xFF);
                    low = (low << 8) | (b[8 + i] & 0xFF);
                }
            }
            v6Seen[slot] = a;
            v6High[slot] = high;
            v6Low[slot] = low;
        }
        return slot;
    }

    private void insert(Connection c, int h) {
        Connection[] t = slots;
        int m = t.length - 1;
        int i = h & m;
        while (t[i] != null) {
            probes++;
            i = (i + 1) & m;
        }
        probes++;
        t[i] = c;
        hashes[i] = h;
    }

    private void rehash(int n) {
        Connection[] old = slots;
        int[] oldHashes = hashes;
        slots = new Connection[n];
        hashes = new int[n];
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null) {
                insert(old[i], oldHashes[i]);
            }
        }
    }
}
