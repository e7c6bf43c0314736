package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The handshake survives the loss of any one, and any two, of a connection's first datagrams
 * (SYN, SYN-ACK, the first DATA each way and their acks), whatever the acceptor does meanwhile:
 * it only reads, it speaks first, or it stops accepting new connections right after this one
 * (utpcat -l closes its listener; ucat's firewall refuses a second peer). A repeated SYN must
 * then still get the same SYN-ACK. Drops are chosen by position in the flow (every datagram
 * either side sends, in order, retransmissions included), virtual time, no randomness.
 */
class HandshakeLossTest {
    /** The first datagrams of the flow: SYN, SYN-ACK, first DATA, its ack, and what follows. */
    static final int POSITIONS = 6;
    static final long BOUND_MILLIS = 60_000;

    enum Acceptor { READS_ONLY, SPEAKS_FIRST, STOPS_ACCEPTING, FIREWALLS_OTHERS }

    @ParameterizedTest
    @EnumSource(Acceptor.class)
    void anySingleOrPairOfLostHandshakeDatagramsIsSurvived(Acceptor mode) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < POSITIONS; i++) {
            check(mode, Set.of(i), failures);
            for (int j = i + 1; j < POSITIONS; j++) {
                check(mode, Set.of(i, j), failures);
            }
        }
        assertTrue(failures.isEmpty(), mode + ": " + failures.size() + " drop sets failed:\n" + String.join("\n", failures));
    }

    @ParameterizedTest
    @EnumSource(Acceptor.class)
    void aRepeatedSynIsAnsweredWithTheSameSynAck(Acceptor mode) {
        // Position 1 is the SYN-ACK: losing it makes the initiator repeat its SYN, and the acceptor
        // must answer although it may no longer accept. An acceptor speaking first sends its DATA
        // (position 2) right behind the SYN-ACK, which answers the SYN as well: lose both.
        try (VirtualNet net = new VirtualNet(1)) {
            Run r = new Run(net, mode, mode == Acceptor.SPEAKS_FIRST ? Set.of(1, 2) : Set.of(1));
            r.runToEnd();
            long resent = utp_get_context_stats(r.acceptor.ctx).synAckResent();
            assertEquals(1, resent, "the repeated SYN got the SYN-ACK again");
            assertEquals(null, r.problem());
        }
    }

    private static void check(Acceptor mode, Set<Integer> dropped, List<String> failures) {
        try (VirtualNet net = new VirtualNet(7)) {
            Run r = new Run(net, mode, dropped);
            r.runToEnd();
            String problem = r.problem();
            if (problem != null) {
                failures.add("drop " + dropped + ": " + problem);
            }
        }
    }

    /** One connection, 3 KB each way, both ends close after EOF; datagrams numbered as sent. */
    private static final class Run {
        final VirtualNet net;
        final VirtualNet.Host initiator;
        final VirtualNet.Host acceptor;
        final VirtualNet.Record client;
        final byte[] up = pattern(3000, 1);
        final byte[] down = pattern(3000, 2);
        int position;

        Run(VirtualNet net, Acceptor mode, Set<Integer> dropped) {
            this.net = net;
            initiator = net.host("10.0.0.1", 1000);
            acceptor = net.host("10.0.0.2", 2000);
            net.drop = d -> dropped.contains(position++);
            utp_set_callback(acceptor.ctx, UTP_ON_ACCEPT, a -> {
                VirtualNet.Record r = acceptor.trackAccepted(a.socket(), a.address());
                if (mode == Acceptor.SPEAKS_FIRST) {
                    acceptor.write(r, down, false);
                }
                if (mode == Acceptor.STOPS_ACCEPTING) {
                    utp_set_callback(acceptor.ctx, UTP_ON_ACCEPT, null);
                }
                if (mode == Acceptor.FIREWALLS_OTHERS) {
                    utp_set_callback(acceptor.ctx, UTP_ON_FIREWALL, f -> 1);
                }
                return 0;
            });
            client = initiator.connect(acceptor);
            initiator.write(client, up, false);
            if (mode != Acceptor.SPEAKS_FIRST) {
                // The acceptor answers once it has the initiator's bytes.
                acceptor.onReceived = r -> {
                    if (r.received.size() == up.length) {
                        acceptor.write(r, down, false);
                    }
                };
            }
        }

        void runToEnd() {
            for (long t = 0; t < BOUND_MILLIS && !done(); t += 10) {
                net.advance(10, 10);
            }
        }

        boolean done() {
            return client.received.size() == down.length && !acceptor.records.isEmpty()
                    && acceptor.records.getFirst().received.size() == up.length;
        }

        String problem() {
            if (client.connects != 1 || client.errors != 0) {
                return "initiator: " + client;
            }
            if (acceptor.records.size() != 1) {
                return "acceptor sockets: " + acceptor.records;
            }
            VirtualNet.Record server = acceptor.records.getFirst();
            if (server.errors != 0) {
                return "acceptor: " + server;
            }
            try {
                assertArrayEquals(up, server.received.toByteArray(), "initiator → acceptor");
                assertArrayEquals(down, client.received.toByteArray(), "acceptor → initiator");
            } catch (AssertionError e) {
                return e.getMessage();
            }
            return null;
        }
    }

    static byte[] pattern(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + salt);
        }
        return b;
    }
}
