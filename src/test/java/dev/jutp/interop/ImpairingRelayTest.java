package dev.jutp.interop;

import dev.jutp.sim.LinkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay alone, between two plain UDP sockets on loopback. */
class ImpairingRelayTest {
    static final long SEED = 11;

    static DatagramChannel socket() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return c;
    }

    static void send(DatagramChannel from, SocketAddress to, int number, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(number).position(length).flip();
        from.send(b, to);
    }

    /** Numbers of the datagrams that arrive until {@code quietMillis} pass without one (bounded by count). */
    static List<Integer> drain(DatagramChannel c, int quietMillis, int max) throws IOException {
        List<Integer> got = new ArrayList<>();
        DatagramSocket s = c.socket();
        s.setSoTimeout(quietMillis);
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        while (got.size() < max) {
            try {
                s.receive(p);
            } catch (SocketTimeoutException quiet) {
                break;
            }
            got.add(ByteBuffer.wrap(p.getData(), 0, p.getLength()).getInt());
        }
        return got;
    }

    record Outcome(long lost, long duplicated, int received) { }

    Outcome lossyRun() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
             ImpairingRelay relay = ImpairingRelay.start((InetSocketAddress) server.getLocalAddress(),
                     LinkConfig.of(1).loss(0.1).duplicate(0.1), LinkConfig.of(1), SEED)) {
            for (int i = 0; i < 2000; i++) {
                send(client, relay.address(), i, 100);
            }
            List<Integer> got = drain(server, 500, 10_000);
            ImpairingRelay.Counters c = relay.toServerCounters();
            assertEquals(2000, c.offered());
            assertEquals(c.offered() - c.lost() + c.duplicated(), c.delivered(), relay.toString());
            assertEquals(c.delivered(), got.size(), relay.toString());
            return new Outcome(c.lost(), c.duplicated(), got.size());
        }
    }

    @Test
    @Timeout(30)
    void lossAndDuplicationFollowTheConfigAndTheSeed() throws Exception {
        Outcome a = lossyRun();
        assertTrue(a.lost() > 120 && a.lost() < 280, "10 % of 2000 lost: " + a);
        assertTrue(a.duplicated() > 110 && a.duplicated() < 260, "10 % of 1800 duplicated: " + a);
        assertEquals(a, lossyRun(), "the same seed and the same datagrams: the same decisions");
    }

    @Test
    @Timeout(30)
    void answersGoBackToTheClientAfterTheLatencyOfBothDirections() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
             ImpairingRelay relay = ImpairingRelay.start((InetSocketAddress) server.getLocalAddress(),
                     LinkConfig.of(30), LinkConfig.of(20), SEED)) {
            long start = System.nanoTime();
            send(client, relay.address(), 7, 50);
            ByteBuffer b = ByteBuffer.allocate(100);
            SocketAddress relayBack = server.receive(b);
            assertEquals(7, b.flip().getInt());
            send(server, relayBack, 8, 50);
            b.clear();
            assertEquals(relay.address(), client.receive(b), "the answer comes from the address the client sent to");
            long micros = (System.nanoTime() - start) / 1000;
            assertEquals(8, b.flip().getInt());
            // A lower bound only: the relay may be late on a busy machine, never early.
            assertTrue(micros >= 50_000, "round trip " + micros + " µs with 30 + 20 ms latency");
        }
    }

    @Test
    @Timeout(30)
    void aBurstOverflowsTheBottleneckBufferAndTheRestKeepsItsOrder() throws Exception {
        // 1 Mbit/s with a 20 ms buffer holds 2 of these 1000-byte datagrams; sending 200 back to back
        // takes far less than the 1.6 s the link needs, so most are tail-dropped.
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
             ImpairingRelay relay = ImpairingRelay.start((InetSocketAddress) server.getLocalAddress(),
                     LinkConfig.of(1).rate(1_000_000, 20), LinkConfig.of(1), SEED)) {
            for (int i = 0; i < 200; i++) {
                send(client, relay.address(), i, 1000);
            }
            List<Integer> got = drain(server, 300, 1000);
            ImpairingRelay.Counters c = relay.toServerCounters();
            assertEquals(200, c.offered());
            assertTrue(c.tailDropped() >= 100, relay.toString());
            assertEquals(c.offered() - c.tailDropped(), got.size(), relay.toString());
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i) > got.get(i - 1), "a FIFO bottleneck keeps order: " + got);
            }
        }
    }

    @Test
    @Timeout(30)
    void reorderingDelaysSomeDatagramsPastLaterOnes() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
             ImpairingRelay relay = ImpairingRelay.start((InetSocketAddress) server.getLocalAddress(),
                     LinkConfig.of(1).reorder(0.3, 30), LinkConfig.of(1), SEED)) {
            for (int i = 0; i < 300; i++) {
                send(client, relay.address(), i, 100);
                if (i % 10 == 9) {
                    Thread.sleep(1);                    // spread the sends so a 1–30 ms delay overtakes some
                }
            }
            List<Integer> got = drain(server, 300, 1000);
            assertEquals(300, got.size());
            int inversions = 0;
            for (int i = 1; i < got.size(); i++) {
                inversions += got.get(i) < got.get(i - 1) ? 1 : 0;
            }
            assertTrue(inversions > 10, inversions + " inversions in " + got);
        }
    }

    @Test
    @Timeout(30)
    void datagramsFromASecondClientAreDroppedAndCounted() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel first = socket(); DatagramChannel second = socket();
             ImpairingRelay relay = ImpairingRelay.start((InetSocketAddress) server.getLocalAddress(),
                     LinkConfig.of(1), LinkConfig.of(1), SEED)) {
            send(first, relay.address(), 1, 50);
            assertEquals(List.of(1), drain(server, 300, 10));
            send(second, relay.address(), 2, 50);
            send(first, relay.address(), 3, 50);
            assertEquals(List.of(3), drain(server, 300, 10));
            assertEquals(2, relay.toServerCounters().offered());
            assertTrue(relay.toString().contains("foreign=1"), relay.toString());
        }
    }

    @Test
    @Timeout(30)
    void datagramsAboveThePathMtuVanishInBothDirectionsAndAreCountedApart() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
             ImpairingRelay relay = ImpairingRelay.start((InetSocketAddress) server.getLocalAddress(),
                     LinkConfig.of(1), LinkConfig.of(1), SEED).pathMtu(1100)) {
            send(client, relay.address(), 0, 1099);
            ByteBuffer first = ByteBuffer.allocate(2000);
            SocketAddress relayBack = server.receive(first);        // also where answers go
            assertEquals(1099, first.position());
            int[] lengths = {1099, 1100, 1101, 1402, 64, 1500};
            for (int i = 1; i < lengths.length; i++) {
                send(client, relay.address(), i, lengths[i]);
            }
            assertEquals(List.of(1, 4), drain(server, 300, 100), "only the datagrams of at most 1100 bytes pass");
            ImpairingRelay.Counters c = relay.toServerCounters();
            assertEquals(6, c.offered());
            assertEquals(3, c.tooBig(), relay.toString());
            assertEquals(0, c.lost() + c.tailDropped() + c.overflow(), "too big is its own counter: " + relay);

            send(server, relayBack, 7, 1101);
            send(server, relayBack, 8, 1100);
            assertEquals(List.of(8), drain(client, 300, 10), "the answers are capped too");
            assertEquals(1, relay.toClientCounters().tooBig(), relay.toString());
            assertTrue(relay.toString().contains("path MTU 1100"), relay.toString());
        }
    }

    @Test
    void aPathMtuOutsideADatagramsRangeIsRefused() throws Exception {
        try (DatagramChannel server = socket();
             ImpairingRelay relay = ImpairingRelay.start((InetSocketAddress) server.getLocalAddress(),
                     LinkConfig.of(1), LinkConfig.of(1), SEED)) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> relay.pathMtu(0));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> relay.pathMtu(70_000));
            assertEquals(ImpairingRelay.MAX_DATAGRAM, relay.pathMtu());
        }
    }
}
