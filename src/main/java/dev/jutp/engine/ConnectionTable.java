package dev.jutp.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Connections keyed by (peer address, receive connection id), open addressing with linear
 * probing. Lookups allocate nothing: the key is compared field by field against each
 * candidate, never boxed.
 */
final class ConnectionTable {
    private Connection[] slots = new Connection[64];
    private int size;

    int size() {
        return size;
    }

    Connection get(InetSocketAddress peer, int recvId) {
        Connection[] t = slots;
        int m = t.length - 1;
        for (int i = hash(peer, recvId) & m; ; i = (i + 1) & m) {
            Connection c = t[i];
            if (c == null) {
                return null;
            }
            if (c.recvId == recvId && samePeer(c.peer, peer)) {
                return c;
            }
        }
    }

    void put(Connection c) {
        if ((size + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        insert(slots, c);
        size++;
    }

    void remove(Connection c) {
        Connection[] t = slots;
        int m = t.length - 1;
        int i = hash(c.peer, c.recvId) & m;
        while (t[i] != c) {
            if (t[i] == null) {
                return;
            }
            i = (i + 1) & m;
        }
        t[i] = null;
        size--;
        // Backward-shift deletion keeps probe chains intact without tombstones.
        for (int j = (i + 1) & m; t[j] != null; j = (j + 1) & m) {
            Connection moved = t[j];
            t[j] = null;
            insert(t, moved);
        }
    }

    /** Copies the live connections into {@code into}, returning it (grown if needed) for iteration. */
    Connection[] snapshot(Connection[] into) {
        if (into.length < size + 1) {
            into = new Connection[Math.max(size + 1, into.length * 2)];
        }
        int n = 0;
        for (Connection c : slots) {
            if (c != null) {
                into[n++] = c;
            }
        }
        into[n] = null;
        return into;
    }

    void clear() {
        Arrays.fill(slots, null);
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

    private static int hash(InetSocketAddress peer, int recvId) {
        InetAddress a = peer.getAddress();
        int h = (a == null ? 0 : a.hashCode()) * 31 + peer.getPort();
        h = h * 0x9E3779B9 + recvId;
        return h ^ (h >>> 16);
    }

    private static void insert(Connection[] t, Connection c) {
        int m = t.length - 1;
        int i = hash(c.peer, c.recvId) & m;
        while (t[i] != null) {
            i = (i + 1) & m;
        }
        t[i] = c;
    }

    private void rehash(int n) {
        Connection[] old = slots;
        slots = new Connection[n];
        for (Connection c : old) {
            if (c != null) {
                insert(slots, c);
            }
        }
    }
}
