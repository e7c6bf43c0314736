package dev.jutp.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.engine.Engine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 #2: SYNs chosen so that every (address, port, id) lands in the same slot under the
 * connection table's old unkeyed hash. With the SYN backlog full, each one costs a lookup, an
 * insertion and the eviction of the oldest half-open connection; they used to walk (and, on
 * removal, re-insert) a chain of up to a thousand entries. Under the keyed hash they cost what
 * random SYNs cost. Asserted on the table's probe count (deterministic); times are printed.
 */
class HashFloodTest {
    static final int SYNS = 100_000;
    static final int OLD_MASK = 4095;       // the table of a full 1000-connection backlog: 4096 slots

    /** The table's hash before issue 14: public knowledge, so an attacker can solve for collisions. */
    static int oldIndex(InetAddress a, int port, int recvId) {
        int h = a.hashCode() * 31 + port;
        h = h * 0x9E3779B9 + recvId;
        return (h ^ (h >>> 16)) & OLD_MASK;
    }

    record Syn(InetSocketAddress from, int connId) { }

    /** {@code count} SYNs from one address, all in slot 0 of the old hash (a few ids per port, solved). */
    static List<Syn> colliding(int count) throws UnknownHostException {
        InetAddress a = InetAddress.getByName("198.51.100.7");
        List<Syn> out = new ArrayList<>(count);
        for (int port = 1024; port <= 65535 && out.size() < count; port++) {
            int c = (a.hashCode() * 31 + port) * 0x9E3779B9;
            int high = (c >>> 16) & OLD_MASK;
            int low = (0 ^ high) - (c & OLD_MASK) & OLD_MASK;
            for (int k = 0; k < 16 && out.size() < count; k++) {
                int recvId = low + k * 4096;
                if (oldIndex(a, port, recvId) == 0) {
                    out.add(new Syn(new InetSocketAddress(a, port), (recvId - 1) & 0xFFFF));
                }
            }
        }
        assertEquals(count, out.size(), "enough colliding SYNs");
        return out;
    }

    static List<Syn> random(int count, long seed) throws UnknownHostException {
        SplittableRandom r = new SplittableRandom(seed);
        List<Syn> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] ip = {(byte) 198, (byte) (18 + r.nextInt(2)), (byte) r.nextInt(256), (byte) r.nextInt(256)};
            out.add(new Syn(new InetSocketAddress(InetAddress.getByAddress(ip), 1024 + r.nextInt(64_512)), r.nextInt(1 << 16)));
        }
        return out;
    }

    record Cost(double probesPerSyn, double nanosPerSyn) { }

    static Cost flood(List<Syn> syns) {
        try (VirtualNet net = new VirtualNet(11)) {
            VirtualNet.Host server = net.host("10.0.0.2", 2000);
            server.acceptConnections();
            Engine engine = server.ctx.engine;
            long probes = engine.connectionTableProbes();
            long start = System.nanoTime();
            for (int i = 0; i < syns.size(); i++) {
                Syn s = syns.get(i);
                net.forge(server, s.from(), VirtualNet.syn(s.connId(), i));
            }
            long nanos = System.nanoTime() - start;
            assertEquals(Engine.DEFAULT_MAX_HALF_OPEN, engine.halfOpenCount(), "the backlog was full: every SYN evicted one");
            return new Cost((double) (engine.connectionTableProbes() - probes) / syns.size(), (double) nanos / syns.size());
        }
    }

    @Test
    void synsCollidingUnderTheOldHashCostNoMoreThanRandomOnes() throws UnknownHostException {
        List<Syn> colliding = colliding(SYNS);
        List<Syn> random = random(SYNS, 5);
        Cost r = flood(random);
        Cost c = flood(colliding);
        double randomProbes = r.probesPerSyn();
        double collidingProbes = c.probesPerSyn();
        System.out.printf("hash flood, %d SYNs each, backlog full: random %.2f probes/SYN (%.0f ns/SYN),"
                        + " colliding under the old hash %.2f probes/SYN (%.0f ns/SYN)%n",
                SYNS, randomProbes, r.nanosPerSyn(), collidingProbes, c.nanosPerSyn());
        assertTrue(collidingProbes <= 2 * randomProbes,
                "colliding SYNs cost " + collidingProbes + " probes each, random ones " + randomProbes);
    }
}
