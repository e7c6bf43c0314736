package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.engine.Engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * A busy endpoint must not kill its own connections: retransmission timeouts of many connections
 * are spread over ticks (a burst of them would overflow the receiving socket again), and no
 * connection gives up while its own endpoint reports a receive backlog (the silence may be its
 * own dropped datagrams).
 */
class OverloadTest {

    @Test
    void retransmissionTimeoutsOfManyConnectionsAreSpreadOverTicks() {
        VirtualNet net = new VirtualNet(11);
        VirtualNet.Host server = net.host("10.0.0.2", 2000);
        server.acceptConnections();
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        client.ctx.engine.setTickMillis(10);
        int perTick = (int) Math.max(16, Engine.TIMEOUTS_PER_SECOND * 10L / 1000);
        List<VirtualNet.Record> conns = new ArrayList<>();
        for (int i = 0; i < 5 * perTick; i++) {
            conns.add(client.connect(server));
        }
        net.advance(200, 10);
        int[] sentThisStep = new int[1];
        Set<Integer> retransmitted = new HashSet<>();
        net.drop = d -> {
            if (d.from().equals(client.addr)) {
                sentThisStep[0]++;
                retransmitted.add(((d.bytes()[2] & 0xFF) << 8) | (d.bytes()[3] & 0xFF));
            }
            return true;                    // everything is lost from now on
        };
        for (VirtualNet.Record r : conns) {
            client.write(r, new byte[100], false);
        }
        retransmitted.clear();
        int most = 0;
        for (int step = 0; step < 300 && retransmitted.size() < conns.size(); step++) {
            sentThisStep[0] = 0;
            net.advance(10, 10);
            most = Math.max(most, sentThisStep[0]);
        }
        assertEquals(conns.size(), retransmitted.size(), "every connection retransmitted");
        assertTrue(most <= perTick, "at most " + perTick + " timeouts per tick, saw " + most);
        assertTrue(client.ctx.engine.stats().timeoutsDeferred > 0);
    }

    @Test
    void noGiveUpWhileTheEndpointReportsABacklog() {
        assertEquals(UTP_ETIMEDOUT, silencedPeer(false, 120_000).error, "control: a silent peer times out");
        VirtualNet.Record busy = silencedPeer(true, 300_000);
        assertEquals(-1, busy.error, "no give-up while backlogged");
    }

    @Test
    void givesUpOnceTheBacklogClears() {
        VirtualNet net = new VirtualNet(13);
        VirtualNet.Host server = net.host("10.0.0.2", 2000);
        server.acceptConnections();
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        VirtualNet.Record c = client.connect(server);
        net.advance(200, 10);
        net.drop = d -> true;
        client.write(c, new byte[100], false);
        for (int t = 0; t < 100_000; t += 100) {
            net.advance(100, 100);
            client.ctx.engine.noteInputBacklog();
        }
        assertEquals(-1, c.error);
        for (int t = 0; t < 900_000 && c.error < 0; t += 1000) {
            net.advance(1000, 100);
        }
        assertEquals(UTP_ETIMEDOUT, c.error);
    }

    /** A connection with unacked data whose peer goes silent, watched for {@code millis}. */
    private static VirtualNet.Record silencedPeer(boolean backlogged, long millis) {
        VirtualNet net = new VirtualNet(12);
        VirtualNet.Host server = net.host("10.0.0.2", 2000);
        server.acceptConnections();
        VirtualNet.Host client = net.host("10.0.0.1", 1000);
        VirtualNet.Record c = client.connect(server);
        net.advance(200, 10);
        assertEquals(1, c.connects);
        net.drop = d -> true;
        client.write(c, new byte[100], false);
        for (long t = 0; t < millis && c.error < 0; t += 100) {
            net.advance(100, 100);
            if (backlogged) {
                client.ctx.engine.noteInputBacklog();
            }
        }
        return c;
    }
}
