package dev.jutp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The keyed table alone: every live key found after any mix of insertions and backward-shift removals. */
class ConnectionTableTest {
    static final EngineHost SILENT = new EngineHost() {
        @Override public void send(MemorySegment s, long o, int l, InetSocketAddress to, int f) { }
        @Override public int udpMtu(Connection c, InetSocketAddress p) { return 1402; }
        @Override public int udpOverhead(Connection c, InetSocketAddress p) { return 28; }
        @Override public int random(Connection c) { return 7; }
        @Override public long readBufferSize(Connection c) { return 0; }
        @Override public boolean firewallRejects(InetSocketAddress from) { return false; }
    };

    static Connection connection(Engine e, InetSocketAddress peer, int recvId) {
        Connection c = new Connection(e);
        c.peer = peer;
        c.recvId = recvId;
        return c;
    }

    @Test
    void randomInsertionsAndRemovalsKeepEveryChainIntact() throws UnknownHostException {
        try (Engine e = new Engine(SILENT)) {
            ConnectionTable t = new ConnectionTable();
            SplittableRandom r = new SplittableRandom(3);
            List<Connection> live = new ArrayList<>();
            InetAddress v6 = InetAddress.getByName("2001:db8::1");
            for (int step = 0; step < 20_000; step++) {
                if (live.isEmpty() || r.nextInt(3) > 0) {
                    InetAddress a = r.nextBoolean() ? v6 : InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) r.nextInt(4)});
                    InetSocketAddress peer = new InetSocketAddress(a, 1000 + r.nextInt(8));
                    int id = r.nextInt(1 << 16);
                    if (t.get(peer, id) == null) {
                        Connection c = connection(e, peer, id);
                        t.put(c);
                        live.add(c);
                    }
                } else {
                    Connection c = live.remove(r.nextInt(live.size()));
                    t.remove(c);
                    assertNull(t.get(c.peer, c.recvId));
                    assertEquals(-1, c.tableIndex);
                }
                if (step % 997 == 0) {
                    for (Connection c : live) {
                        assertSame(c, t.get(new InetSocketAddress(c.peer.getAddress(), c.peer.getPort()), c.recvId));
                    }
                    Connection[] all = t.snapshot(new Connection[1]);
                    Set<Connection> seen = new HashSet<>();
                    for (int i = 0; all[i] != null; i++) {
                        seen.add(all[i]);
                    }
                    assertEquals(new HashSet<>(live), seen);
                }
            }
            assertEquals(live.size(), t.size());
        }
    }

    @Test
    void twoTablesHashTheSameKeyDifferently() throws UnknownHostException {
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 6881);
        Set<Integer> hashes = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            hashes.add(new ConnectionTable().hash(peer, 1234));
        }
        assertEquals(8, hashes.size(), "each table draws its own key");
    }
}
