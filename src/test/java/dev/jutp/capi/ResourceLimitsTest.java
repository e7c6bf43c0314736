package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Resource limits on the virtual network: a reader stalled at a zero window for minutes,
 * thousands of idle connections, FIN/RST races and peers vanishing mid-transfer and
 * mid-handshake. Every socket reaches a terminal state in bounded virtual time and gets exactly
 * one UTP_STATE_DESTROYING.
 */
class ResourceLimitsTest {

    private static VirtualNet.Host server(VirtualNet net) {
        VirtualNet.Host h = net.host("10.0.0.2", 2000);
        h.acceptConnections();
        return h;
    }

    /** A fresh net: the client connected to the server and sent {@code firstBytes}, which accepted. */
    private record Link(VirtualNet net, VirtualNet.Host server, VirtualNet.Host client, VirtualNet.Record c, VirtualNet.Record s) {
    }

    private static Link connected(int seed, int firstBytes) {
        VirtualNet net = new VirtualNet(seed);
        VirtualNet.Host server = server(net);
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        VirtualNet.Record c = client.connect(server);
        client.write(c, new byte[firstBytes], false);
        net.advance(100, 10);
        return new Link(net, server, client, c, server.acceptedFrom(client.addr));
    }

    /** Destroys the contexts and checks every socket of every host was destroyed exactly once. */
    private static void assertAllDestroyedOnce(VirtualNet net) {
        List<VirtualNet.Host> hosts = new ArrayList<>(net.hosts.values());
        net.close();
        for (VirtualNet.Host h : hosts) {
            assertEquals(List.of(), h.notDestroyedOnce(), h + ": sockets not destroyed exactly once");
            assertEquals(0, h.strayDestroyings, h + ": DESTROYING for unknown sockets");
        }
    }

    @Test
    void zeroWindowForFiveMinutesKeepsTheConnectionAndResumes() {
        VirtualNet net = new VirtualNet(1);
        VirtualNet.Host server = server(net);
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        byte[] data = new byte[3_000_000];
        net.random.nextBytes(data);
        server.readBufferSize = 1 << 20;        // the application reads nothing: the window is 0
        VirtualNet.Record c = client.connect(server);
        client.write(c, data, true);
        net.advance(10_000, 10);
        long datagramsBefore = net.datagramsDelivered;
        net.advance(300_000, 100);              // five minutes stalled
        long duringStall = net.datagramsDelivered - datagramsBefore;
        VirtualNet.Record s = server.acceptedFrom(client.addr);
        assertEquals(0, c.errors);
        assertEquals(0, s.errors);
        assertTrue(s.received.size() < data.length);
        // Zero-window probes and keep-alives only: a few per 15 s, not a busy loop.
        assertTrue(duringStall > 0 && duringStall < 300, "datagrams during the stall: " + duringStall);

        server.readBufferSize = 0;               // the reader wakes up
        utp_read_drained(s.socket);
        net.advance(60_000, 5);
        assertArrayEquals(data, s.received.toByteArray());
        assertEquals(1, s.eofs);
        assertEquals(0, c.errors);
        assertEquals(1, c.destroyings);
        assertEquals(1, s.destroyings);
        assertAllDestroyedOnce(net);
    }

    @Test
    void twoThousandIdleConnectionsStayUpForTenMinutes() {
        VirtualNet net = new VirtualNet(2);
        VirtualNet.Host server = server(net);
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        int n = 2000;
        List<VirtualNet.Record> conns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            VirtualNet.Record c = client.connect(server);
            client.write(c, new byte[] {(byte) i}, false);   // confirms the connection at the server
            conns.add(c);
            if (i % 100 == 99) {
                net.advance(10, 10);         // in bursts of 100: within the default SYN backlog
            }
        }
        net.advance(5_000, 10);
        assertEquals(n, server.ctx.engine.connectionCount());
        assertEquals(0, server.ctx.engine.halfOpenCount());
        long before = net.datagramsDelivered;
        net.advance(600_000, 500);
        long perConnectionPerMinute = (net.datagramsDelivered - before) / n / 10;
        assertEquals(n, server.ctx.engine.connectionCount());
        assertEquals(n, client.ctx.engine.connectionCount());
        assertTrue(conns.stream().allMatch(c -> c.errors == 0 && c.connects == 1));
        assertTrue(server.records.stream().allMatch(r -> r.errors == 0 && r.received.size() == 1));
        // Keep-alives every 29 s each way: about 4 datagrams a minute per connection.
        assertTrue(perConnectionPerMinute >= 2 && perConnectionPerMinute <= 6, "per minute: " + perConnectionPerMinute);
        for (VirtualNet.Record c : conns) {
            utp_close(c.socket);
        }
        net.advance(5_000, 10);
        assertEquals(0, server.ctx.engine.connectionCount());
        assertEquals(0, client.ctx.engine.connectionCount());
        assertAllDestroyedOnce(net);
    }

    @Test
    void bothSidesFinishWritingAtTheSameInstant() {
        Link l = connected(3, 5000);
        VirtualNet net = l.net();
        VirtualNet.Host server = l.server(), client = l.client();
        VirtualNet.Record c = l.c(), s = l.s();
        client.write(c, new byte[50_000], true);
        server.write(s, new byte[70_000], true); // both FINs cross on the wire, data still in flight
        net.advance(30_000, 10);
        assertEquals(55_000, s.received.size());
        assertEquals(70_000, c.received.size());
        assertEquals(0, c.errors + s.errors);
        assertEquals(1, c.destroyings);
        assertEquals(1, s.destroyings);
        assertAllDestroyedOnce(net);
    }

    @Test
    void bothSidesCloseAtTheSameInstant() {
        Link l = connected(3, 5000);
        VirtualNet net = l.net();
        VirtualNet.Host server = l.server(), client = l.client();
        VirtualNet.Record c = l.c(), s = l.s();
        server.write(s, new byte[7000], false);
        utp_close(c.socket);
        utp_close(s.socket);                     // both FINs cross; neither reads any more
        net.advance(30_000, 10);
        assertEquals(5000, s.received.size());
        assertEquals(1, c.destroyings);
        assertEquals(1, s.destroyings);
        assertEquals(0, server.ctx.engine.connectionCount() + client.ctx.engine.connectionCount());
        assertAllDestroyedOnce(net);
    }

    @Test
    void resetCrossingAFin() {
        Link l = connected(4, 3000);
        VirtualNet net = l.net();
        VirtualNet.Host server = l.server(), client = l.client();
        VirtualNet.Record c = l.c(), s = l.s();
        utp_shutdown(c.socket, SHUT_WR);         // the client's FIN is on the wire ...
        // ... while the server's RST for the same connection travels the other way.
        int clientRecvId = c.socket.connection().recvId();
        byte[] fin = net.inFlight.stream().filter(d -> d.from().equals(client.addr)).reduce((a, b) -> b).orElseThrow().bytes();
        int finSeq = ((fin[16] & 0xFF) << 8) | (fin[17] & 0xFF);
        net.inFlight.addFirst(new VirtualNet.Datagram(server.addr, client.addr,
                Harness.packet(3, clientRecvId, 1, finSeq, 0, 0, 0, null, null)));   // answers the FIN
        net.advance(60_000, 10);
        assertEquals(UTP_ECONNRESET, c.error);
        assertEquals(1, c.destroyings);
        // The server got the FIN (EOF, closes) or an RST answering its FIN: either way it ends.
        assertEquals(1, s.destroyings);
        assertAllDestroyedOnce(net);
    }

    @Test
    void closeWhileConnecting() {
        VirtualNet net = new VirtualNet(5);
        VirtualNet.Host server = server(net);
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        VirtualNet.Record beforeSyn = client.connect(server);
        utp_close(beforeSyn.socket);             // SYN still queued in the network
        VirtualNet.Record afterSyn = client.connect(server);
        net.deliver();                           // SYN and SYN-ACK both delivered
        utp_close(afterSyn.socket);
        VirtualNet.Record synOnly = client.connect(server);
        net.drop = d -> d.from().equals(server.addr);   // the SYN-ACK is lost ...
        net.deliver();
        utp_close(synOnly.socket);               // ... and the client gives up before it comes
        net.drop = d -> false;
        net.advance(120_000, 100);               // past the half-open expiry
        assertEquals(0, server.ctx.engine.connectionCount());
        assertEquals(0, client.ctx.engine.connectionCount());
        assertTrue(server.records.size() >= 2);
        assertAllDestroyedOnce(net);
    }

    @Test
    void peerVanishingMidTransfer() {
        VirtualNet net = new VirtualNet(6);
        VirtualNet.Host server = server(net);
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        VirtualNet.Record c = client.connect(server);
        client.write(c, new byte[5_000_000], true);
        VirtualNet.Record s = vanishAfter(net, server, 1_000_000, server);   // process gone: no packets, no ticks
        net.advance(120_000, 100);
        assertEquals(UTP_ETIMEDOUT, c.error);
        assertEquals(1, c.destroyings);
        assertEquals(0, client.ctx.engine.connectionCount());

        // And the other way: the sender vanishes, the receiver (idle, waiting) finds out.
        VirtualNet net2 = new VirtualNet(7);
        VirtualNet.Host server2 = server(net2);
        VirtualNet.Host client2 = net2.host("10.0.0.1", 1000);
        VirtualNet.Record c2 = client2.connect(server2);
        client2.write(c2, new byte[5_000_000], true);
        VirtualNet.Record s2 = vanishAfter(net2, server2, 1_000_000, client2);
        // A receiver hears nothing from a vanished sender and, like libutp, has nothing of its own
        // to time out: it waits, at constant memory, until the application gives up on it.
        net2.advance(600_000, 500);
        assertEquals(0, s2.errors);
        assertEquals(0, s2.destroyings);
        utp_close(s2.socket);                    // its FIN goes unanswered: gives up after the RTO retries
        long closedFor = 0;
        while (s2.destroyings == 0 && closedFor < 900_000) {
            net2.advance(1_000, 500);
            closedFor += 1_000;
        }
        System.out.printf("receiver of a vanished sender: destroyed %d s after close%n", closedFor / 1000);
        assertEquals(UTP_ETIMEDOUT, s2.error);
        assertEquals(1, s2.destroyings);
        assertEquals(0, server2.ctx.engine.connectionCount());
        assertAllDestroyedOnce(net);
        net2.hosts.remove(client2.addr);         // its sockets never ended: the process is gone
        utp_destroy(client2.ctx);
        assertAllDestroyedOnce(net2);
    }

    /**
     * Runs the transfer until the server's first socket holds {@code bytes}, then makes
     * {@code vanishing} disappear at once, between two datagrams: a transfer in mid-flight.
     */
    private static VirtualNet.Record vanishAfter(VirtualNet net, VirtualNet.Host server, int bytes, VirtualNet.Host vanishing) {
        net.drop = d -> {
            if (!server.records.isEmpty() && server.records.get(0).received.size() >= bytes) {
                vanishing.vanished = true;
            }
            return false;
        };
        net.advance(1_000, 1);
        VirtualNet.Record s = server.records.get(0);
        assertTrue(vanishing.vanished && s.received.size() < 5_000_000 && s.eofs == 0, s.toString());
        return s;
    }

    @Test
    void peerVanishingMidHandshake() {
        VirtualNet net = new VirtualNet(8);
        VirtualNet.Host server = server(net);
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        // The acceptor vanishes before answering: the initiator's SYN times out.
        server.vanished = true;
        VirtualNet.Record c = client.connect(server);
        net.advance(60_000, 100);
        assertEquals(UTP_ETIMEDOUT, c.error);
        assertEquals(1, c.destroyings);
        // The initiator vanishes right after its SYN: the half-open socket expires.
        server.vanished = false;
        VirtualNet.Record c2 = client.connect(server);
        client.vanished = true;
        net.deliver();
        assertEquals(1, server.ctx.engine.halfOpenCount());
        net.advance(70_000, 500);
        VirtualNet.Record s = server.acceptedFrom(client.addr);
        assertEquals(UTP_ETIMEDOUT, s.error);
        assertEquals(1, s.destroyings);
        assertEquals(0, server.ctx.engine.connectionCount());
        assertEquals(0, c2.destroyings);
        assertAllDestroyedOnce(net);             // utp_destroy ends the vanished client's socket
    }
}
