package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * An application callback that throws: the API call that fired it finishes its work and its
 * other callbacks, then rethrows the first exception; the context keeps working.
 */
class CallbackExceptionsTest {
    static final class Boom extends RuntimeException {
        Boom(String m) {
            super(m);
        }
    }

    @Test
    void throwingOnReadStillDeliversTheRestAndRethrowsOnce() {
        try (Harness h = new Harness()) {
            ConformanceDataTest.Pair p = new ConformanceDataTest.Pair(h);
            List<String> reads = new ArrayList<>();
            utp_set_callback(h.sideB.ctx, UTP_ON_READ, a -> {
                reads.add(new String(a.buf().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
                throw new Boom("read " + reads.size());
            });
            p.injectIntoB(p.dataFromA(2, ConformanceDataTest.payload(2)));
            p.injectIntoB(p.dataFromA(3, ConformanceDataTest.payload(3)));
            Boom e = assertThrows(Boom.class, () -> p.injectIntoB(p.dataFromA(1, ConformanceDataTest.payload(1))));
            assertEquals("read 1", e.getMessage());
            assertEquals(2, e.getSuppressed().length, "the later failures ride along");
            assertEquals(List.of("packet-1", "packet-2", "packet-3"), reads, "the gap-filled run was delivered whole");
            // nothing left queued for a later call, and the context still works
            assertThrows(Boom.class, () -> p.injectIntoB(p.dataFromA(4, ConformanceDataTest.payload(4))));
            assertEquals(List.of("packet-1", "packet-2", "packet-3", "packet-4"), reads);
        }
    }

    @Test
    void throwingSendtoLosesThatDatagramOnly() {
        try (Harness h = new Harness()) {
            UtpCallback capture = h.sideA.ctx.callbacks[UTP_SENDTO];
            int[] calls = {0};
            utp_set_callback(h.sideA.ctx, UTP_SENDTO, a -> {
                if (++calls[0] == 1) {
                    throw new Boom("network down");
                }
                return capture.call(a);
            });
            UtpSocket a = utp_create_socket(h.sideA.ctx);
            assertThrows(Boom.class, () -> utp_connect(a, Harness.ADDR_B));
            h.advance(4000, 100);                           // the SYN is retransmitted at 3 s
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_CONNECT), h.sideA.events::toString);
        }
    }

    @Test
    void throwingClockLeavesTheContextUsable() {
        try (Harness h = new Harness()) {
            boolean[] fail = {true};
            utp_set_callback(h.sideA.ctx, UTP_GET_MILLISECONDS, a -> {
                if (fail[0]) {
                    throw new Boom("clock");
                }
                return h.nowMicros / 1000;
            });
            assertThrows(Boom.class, () -> utp_check_timeouts(h.sideA.ctx));
            fail[0] = false;
            UtpSocket a = h.connect();
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_CONNECT), "callbacks still dispatched");
            utp_close(a);
            h.advance(1000, 100);
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING));
            // and the context is not stuck "inside a callback"
            utp_destroy(h.sideA.ctx);
            assertThrows(IllegalStateException.class, () -> utp_check_timeouts(h.sideA.ctx));
        }
    }

    @Test
    void throwingFirewallRejectsTheSyn() {
        try (Harness h = new Harness()) {
            utp_set_callback(h.sideB.ctx, UTP_ON_FIREWALL, a -> {
                throw new Boom("firewall");
            });
            UtpSocket a = utp_create_socket(h.sideA.ctx);
            utp_connect(a, Harness.ADDR_B);
            Harness.Datagram syn = h.network.poll();
            assertThrows(Boom.class, () -> h.inject(h.sideB, syn.bytes(), Harness.ADDR_A));
            assertTrue(h.sentBy(h.sideB).isEmpty());
            assertTrue(h.sideB.accepted.isEmpty());
        }
    }

    @Test
    void throwingDestroyingCallbackStillFreesTheSocket() {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            utp_set_callback(h.sideA.ctx, UTP_ON_STATE_CHANGE, x -> {
                if (x.state() == UTP_STATE_DESTROYING) {
                    throw new Boom("destroying");
                }
                return 0;
            });
            utp_close(a);
            h.deliver();
            h.nowMicros += 600_000;
            assertThrows(Boom.class, () -> utp_check_timeouts(h.sideA.ctx));
            assertTrue(a.isDestroyed());
            assertThrows(IllegalStateException.class, () -> utp_write(a, Harness.bytes(new byte[1]), 1));
        }
    }

    @Test
    void throwingDuringDestroyStillDestroysTheContext() {
        Harness h = new Harness();
        h.connect();
        utp_set_callback(h.sideA.ctx, UTP_ON_STATE_CHANGE, x -> {
            throw new Boom("destroying");
        });
        assertThrows(Boom.class, () -> utp_destroy(h.sideA.ctx));
        assertThrows(IllegalStateException.class, () -> utp_check_timeouts(h.sideA.ctx), "destroyed anyway");
        utp_destroy(h.sideB.ctx);
        h.arena.close();
    }
}
