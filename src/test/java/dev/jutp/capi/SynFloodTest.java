package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.engine.Engine;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * SYN floods from forged addresses: one reply per SYN and never more bytes than received
 * (amplification ≤ 1), half-open state capped and expiring, memory bounded, and a real client
 * connecting in the middle of the flood gets through and transfers its data.
 */
class SynFloodTest {
    static final int FLOOD = 100_000;

    /** The i-th forged source: 100,000 distinct (address, port) pairs in 198.18.0.0/15. */
    static InetSocketAddress forged(int i) {
        int a = i % 50_000;
        return new InetSocketAddress("198." + (18 + a / 65_536) + "." + (a / 256 % 256) + "." + (a % 256), 1024 + i / 50_000);
    }

    @Test
    void floodOfHundredThousandSynsIsAnsweredOneForOneAndARealClientGetsThrough() {
        try (VirtualNet net = new VirtualNet(7)) {
            VirtualNet.Host server = net.host("10.0.0.2", 2000);
            VirtualNet.Host client = net.host("10.0.0.1", 1000);
            server.acceptConnections();
            Engine engine = server.ctx.engine;
            byte[] payload = new byte[200_000];
            net.random.nextBytes(payload);
            VirtualNet.Record real = null;
            int maxHalfOpen = 0;
            long synBytes = 0;
            // 10 SYNs per virtual millisecond (10 s of flood); every 10th forged SYN is sent twice.
            for (int i = 0; i < FLOOD; i++) {
                byte[] syn = VirtualNet.syn(net.random.nextInt(1 << 16), net.random.nextInt(1 << 16));
                net.forge(server, forged(i), syn);
                synBytes += syn.length;
                if (i % 10 == 0) {
                    net.forge(server, forged(i), syn);
                    synBytes += syn.length;
                }
                if (i == FLOOD / 2) {
                    real = client.connect(server);
                    client.write(real, payload, true);
                }
                maxHalfOpen = Math.max(maxHalfOpen, engine.halfOpenCount());
                if (i % 10 == 9) {
                    net.advance(1, 1);
                }
            }
            net.advance(5_000, 5);

            // The real client got through the flood and delivered every byte.
            assertEquals(1, real.connects);
            assertArrayEquals(payload, server.acceptedFrom(client.addr).received.toByteArray());
            assertEquals(0, real.errors);

            // One reply per SYN at most, never more bytes than received, to every forged address.
            long bytesOut = 0, datagramsOut = 0;
            for (Map.Entry<InetSocketAddress, VirtualNet.Unverified> e : net.unverified.entrySet()) {
                VirtualNet.Unverified u = e.getValue();
                assertTrue(u.datagramsOut <= u.datagramsIn, () -> e.getKey() + " got " + u.datagramsOut + " replies to " + u.datagramsIn);
                assertTrue(u.bytesOut <= u.bytesIn, () -> e.getKey() + " got " + u.bytesOut + " bytes for " + u.bytesIn);
                bytesOut += u.bytesOut;
                datagramsOut += u.datagramsOut;
            }
            assertEquals(FLOOD, net.unverified.size());
            double amplification = (double) bytesOut / synBytes;
            System.out.printf("SYN flood: %d SYNs (%d bytes) from %d forged sources -> %d replies (%d bytes), amplification %.3f, "
                    + "half-open peak %d (cap %d), %d pushed out%n", FLOOD + FLOOD / 10, synBytes, net.unverified.size(),
                    datagramsOut, bytesOut, amplification, maxHalfOpen, engine.maxHalfOpen(), engine.stats().halfOpenEvicted);
            assertTrue(amplification <= 1.0);

            // Half-open state was capped, and what remains expires.
            assertEquals(Engine.DEFAULT_MAX_HALF_OPEN, maxHalfOpen);
            assertTrue(engine.stats().halfOpenEvicted >= FLOOD - Engine.DEFAULT_MAX_HALF_OPEN);
            assertTrue(engine.connectionCount() <= Engine.DEFAULT_MAX_HALF_OPEN + 1);
            net.advance(70_000, 500);
            assertEquals(0, engine.halfOpenCount());
            assertEquals(0, engine.connectionCount());

            // Every accepted socket, real or forged, ended with exactly one DESTROYING.
            assertEquals(FLOOD + 1, server.records.size());
            assertEquals(List.of(), server.notDestroyedOnce().stream().limit(5).toList());
            assertEquals(0, server.strayDestroyings);
            // Nothing was ever sent again to a forged address after its SYN-ACK: no timer resends.
            long repliesAfterFlood = net.unverified.values().stream().mapToLong(u -> u.datagramsOut).sum();
            assertEquals(datagramsOut, repliesAfterFlood);
        }
    }

    @Test
    void fullBacklogPushesOutTheOldestHalfOpenNeverAConfirmedConnection() {
        try (VirtualNet net = new VirtualNet(8)) {
            VirtualNet.Host server = net.host("10.0.0.2", 2000);
            VirtualNet.Host client = net.host("10.0.0.1", 1000);
            server.acceptConnections();
            assertEquals(0, utp_context_set_option(server.ctx, JUTP_MAX_HALF_OPEN, 4));
            assertEquals(4, utp_context_get_option(server.ctx, JUTP_MAX_HALF_OPEN));
            assertEquals(-1, utp_context_set_option(server.ctx, JUTP_MAX_HALF_OPEN, 0));
            VirtualNet.Record real = client.connect(server);
            net.deliver();
            assertEquals(1, utp_write(real.socket, Harness.bytes(new byte[] {1}), 1));   // confirms it at the server
            net.deliver();
            for (int i = 0; i < 5; i++) {
                net.forge(server, forged(i), VirtualNet.syn(100 + i, 1));
            }
            Engine engine = server.ctx.engine;
            assertEquals(4, engine.halfOpenCount());
            assertEquals(5, engine.connectionCount());            // the confirmed one and the 4 newest
            VirtualNet.Record first = server.records.get(1);
            assertEquals(forged(0), first.peer);
            assertEquals(UTP_ETIMEDOUT, first.error);
            assertEquals(1, server.records.stream().mapToInt(r -> r.errors).sum());
            net.advance(1_000, 500);
            assertEquals(1, first.destroyings);
            // The confirmed connection is untouched and keeps working.
            VirtualNet.Record confirmed = server.records.get(0);
            assertEquals(0, confirmed.errors);
            assertEquals(1, utp_write(real.socket, Harness.bytes(new byte[] {2}), 1));
            net.deliver();
            assertArrayEquals(new byte[] {1, 2}, confirmed.received.toByteArray());
        }
    }

    @Test
    void aRepeatedSynGetsTheSameSynAckAndNothingIsResentOnATimer() {
        try (VirtualNet net = new VirtualNet(9)) {
            VirtualNet.Host server = net.host("10.0.0.2", 2000);
            server.acceptConnections();
            InetSocketAddress from = forged(1);
            byte[] syn = VirtualNet.syn(500, 77);
            net.forge(server, from, syn);
            net.advance(20_000, 100);
            net.forge(server, from, syn);
            net.advance(50_000, 100);
            VirtualNet.Unverified u = net.unverified.get(from);
            assertEquals(2, u.datagramsOut, "one SYN-ACK per SYN, none on a timer");
            assertEquals(u.bytesIn, u.bytesOut);
            assertEquals(1, server.records.size());
            assertEquals(UTP_ETIMEDOUT, server.records.get(0).error);   // expired: never confirmed
            net.advance(1_000, 500);
            assertEquals(0, server.ctx.engine.connectionCount());
            assertEquals(1, server.records.get(0).destroyings);
        }
    }

    /**
     * maxConnections is a hard cap that never pushes out a connection its initiator believes
     * established: at the cap, two accepted connections whose clients have not sent yet stay, and
     * a third client is refused at once (RST, ECONNREFUSED) instead of evicting the first.
     */
    @Test
    void atMaxConnectionsANewcomerIsRefusedAndNoAcceptedConnectionIsPushedOut() {
        try (VirtualNet net = new VirtualNet(11)) {
            VirtualNet.Host server = net.host("10.0.0.2", 2000);
            VirtualNet.Host first = net.host("10.0.0.1", 1000);
            VirtualNet.Host second = net.host("10.0.0.3", 1000);
            VirtualNet.Host third = net.host("10.0.0.4", 1000);
            server.acceptConnections();
            server.ctx.engine.setMaxConnections(2);
            VirtualNet.Record a = first.connect(server);
            VirtualNet.Record b = second.connect(server);
            net.advance(100, 5);
            assertEquals(1, a.connects);
            assertEquals(1, b.connects);
            assertEquals(2, server.ctx.engine.halfOpenCount(), "neither client has sent anything yet");

            VirtualNet.Record c = third.connect(server);
            net.advance(100, 5);
            assertEquals(0, c.connects);
            assertEquals(1, c.errors, c.toString());
            assertEquals(UTP_ECONNREFUSED, c.error);
            assertEquals(1, server.ctx.engine.stats().synsRefusedFull);
            assertEquals(0, server.ctx.engine.stats().halfOpenEvicted);

            byte[] payload = new byte[3000];
            net.random.nextBytes(payload);
            first.write(a, payload, true);
            second.write(b, payload, true);
            net.advance(2_000, 5);
            assertArrayEquals(payload, server.acceptedFrom(first.addr).received.toByteArray());
            assertArrayEquals(payload, server.acceptedFrom(second.addr).received.toByteArray());
            assertEquals(0, a.errors + b.errors);
        }
    }

    /** Heap per half-open connection: 10,000 of them, measured after GC; stated and bounded. */
    @Test
    void halfOpenConnectionsCostABoundedFewKilobytesEach() {
        int n = 10_000;
        try (VirtualNet net = new VirtualNet(10)) {
            VirtualNet.Host server = net.host("10.0.0.2", 2000);
            server.acceptConnections();
            server.ctx.engine.setMaxConnections(n + 1);
            utp_context_set_option(server.ctx, JUTP_MAX_HALF_OPEN, n + 1);
            net.forge(server, forged(FLOOD - 1), VirtualNet.syn(1, 1));   // warm up code paths and tables
            long before = usedHeapAfterGc();
            for (int i = 0; i < n; i++) {
                net.forge(server, forged(i), VirtualNet.syn(i, i));
            }
            long after = usedHeapAfterGc();
            assertEquals(n + 1, server.ctx.engine.halfOpenCount());
            long perConnection = (after - before) / n;
            System.out.printf("half-open connection: %d bytes of heap each (%d connections, context and socket handle included)%n",
                    perConnection, n);
            assertTrue(perConnection > 0 && perConnection < 16_384, "bytes per half-open connection: " + perConnection);
            assertEquals(n + 1, server.records.size());
        }
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
