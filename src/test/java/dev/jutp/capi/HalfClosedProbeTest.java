package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Issue 13: a side that has sent its FIN (shutdown(SHUT_WR), acked) while its peer's direction is
 * still open keeps probing the peer, so a peer that vanishes is detected in bounded time with the
 * idle timeout off (the default): silent 30 s, probes every 10 s, ETIMEDOUT after 60 s of silence
 * (plus one tick). A live idle peer answers the probes and the connection stays up. Virtual time.
 */
class HalfClosedProbeTest {
    static final long BOUND_MILLIS = 60_000 + 500 + 100;

    @Test
    void aHalfClosedSideDetectsAVanishedPeerInBoundedTime() {
        try (VirtualNet net = new VirtualNet(3)) {
            Setup s = new Setup(net);
            s.server.vanished = true;
            long vanishedAt = net.nowMicros;
            for (long t = 0; t < 300_000 && s.client.errors == 0; t += 100) {
                net.advance(100, 100);
            }
            assertEquals(1, s.client.errors, "the initiator noticed: " + s.client);
            assertEquals(UTP_ETIMEDOUT, s.client.error);
            long took = (net.nowMicros - vanishedAt) / 1000;
            assertTrue(took <= BOUND_MILLIS, "detected after " + took + " ms");
            assertTrue(took >= 30_000, "not before the peer missed a keep-alive: " + took + " ms");
        }
    }

    @Test
    void aLiveIdlePeerIsNotTakenForGone() {
        try (VirtualNet net = new VirtualNet(4)) {
            Setup s = new Setup(net);
            net.advance(600_000, 100);
            assertEquals(0, s.client.errors, s.client.toString());
            VirtualNet.Record accepted = s.server.records.getFirst();
            assertEquals(0, accepted.errors, accepted.toString());
            // The peer's direction still works after ten minutes of half-close.
            s.server.write(accepted, new byte[] {1, 2, 3}, true);
            net.advance(2_000, 10);
            assertEquals(3, s.client.received.size());
            assertEquals(1, s.client.eofs);
        }
    }

    /** The initiator sends 10 bytes and its FIN; the acceptor reads them and EOF, then neither writes nor closes. */
    private static final class Setup {
        final VirtualNet.Host initiator;
        final VirtualNet.Host server;
        final VirtualNet.Record client;

        Setup(VirtualNet net) {
            initiator = net.host("10.0.0.1", 1000);
            server = net.host("10.0.0.2", 2000);
            server.acceptConnections();
            server.closeOnEof = false;
            client = initiator.connect(server);
            initiator.write(client, new byte[10], true);
            net.advance(2_000, 10);
            assertEquals(1, client.connects);
            assertEquals(1, server.records.getFirst().eofs, "the acceptor has the FIN");
        }
    }
}
