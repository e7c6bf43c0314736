package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.capi.Harness.Datagram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * The five slots libutp fills by default (MTU, overhead, two clocks, random): what an application's
 * own callback changes, and what unsetting one does (libutp's wrapper then returns 0; jutp keeps
 * that except where 0 would break the library: MTU and the clocks).
 */
class DefaultCallbacksTest {

    @Test
    void applicationOverheadIsReportedInOverheadStatistics() {
        try (Harness h = new Harness()) {
            List<long[]> reports = new ArrayList<>();
            utp_set_callback(h.sideA.ctx, UTP_GET_UDP_OVERHEAD, a -> 100);
            utp_set_callback(h.sideA.ctx, UTP_ON_OVERHEAD_STATISTICS, a -> {
                reports.add(new long[] {a.send(), a.type(), a.len()});
                return 0;
            });
            UtpSocket a = h.connect();
            reports.clear();
            utp_write(a, Harness.bytes(new byte[10]), 10);
            assertArrayEquals(new long[] {1, UTP_HEADER_OVERHEAD, 20 + 100}, reports.get(0));
            utp_set_callback(h.sideA.ctx, UTP_GET_UDP_OVERHEAD, null);     // unset: overhead 0, as libutp
            h.deliver();
            reports.clear();
            utp_write(a, Harness.bytes(new byte[10]), 10);
            assertArrayEquals(new long[] {1, UTP_HEADER_OVERHEAD, 20}, reports.get(0));
        }
    }

    @Test
    void unsetMtuFallsBackToTheDefaultInsteadOfUnderflowing() {
        try (Harness h = new Harness()) {
            utp_set_callback(h.sideA.ctx, UTP_GET_UDP_MTU, null);
            UtpSocket a = h.connect();
            assertEquals(1382, utp_write(a, Harness.bytes(new byte[1 << 20]), 1 << 20));
            assertEquals(1402, h.lastSentBy(h.sideA).bytes().length);
        }
    }

    @Test
    void issuingDeferredAcksWithNonePendingReadsNoClock() {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            int[] clockReads = new int[1];
            utp_set_callback(h.sideB.ctx, UTP_GET_MILLISECONDS, x -> { clockReads[0]++; return 1000; });
            utp_set_callback(h.sideB.ctx, UTP_GET_MICROSECONDS, x -> { clockReads[0]++; return 1_000_000; });
            utp_issue_deferred_acks(h.sideB.ctx);
            assertEquals(0, clockReads[0], "libutp reads no clock when no ack is pending");
            utp_write(a, Harness.bytes(new byte[100]), 100);
            Datagram data = h.network.poll();
            int beforeData = h.sentBy(h.sideB).size();
            h.inject(data.to(), data.bytes(), data.from().addr);   // B defers the ack of the data
            assertEquals(beforeData, h.sentBy(h.sideB).size());
            clockReads[0] = 0;
            utp_issue_deferred_acks(h.sideB.ctx);
            assertEquals(beforeData + 1, h.sentBy(h.sideB).size(), "the deferred ack leaves");
            assertTrue(clockReads[0] > 0, "sending the ack stamps it");
            clockReads[0] = 0;
            utp_issue_deferred_acks(h.sideB.ctx);
            assertEquals(0, clockReads[0], "nothing pending again");
        }
    }

    @Test
    void unsetClocksFallBackToTheMonotonicClock() throws Exception {
        UtpContext ctx = utp_init(2);
        List<Integer> stamps = new ArrayList<>();
        utp_set_callback(ctx, UTP_GET_MILLISECONDS, null);
        utp_set_callback(ctx, UTP_GET_MICROSECONDS, null);
        utp_set_callback(ctx, UTP_SENDTO, a -> {
            stamps.add(a.buf().get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 4));
            return 0;
        });
        UtpSocket s = utp_create_socket(ctx);
        assertEquals(0, utp_connect(s, Harness.ADDR_B));
        Thread.sleep(2);                                   // only to make the clock move; no timing is asserted
        UtpSocket t = utp_create_socket(ctx);
        assertEquals(0, utp_connect(t, Harness.ADDR_A));
        assertEquals(2, stamps.size());
        assertNotEquals(stamps.get(0), stamps.get(1), "a frozen clock (libutp's 0) would stamp both SYNs alike");
        utp_destroy(ctx);
    }

    @Test
    void unsetRandomGivesIdZeroAndAClashReturnsMinusOneInsteadOfSpinning() {
        try (Harness h = new Harness()) {
            utp_set_callback(h.sideA.ctx, UTP_GET_RANDOM, null);
            UtpSocket a = utp_create_socket(h.sideA.ctx);
            assertEquals(0, utp_connect(a, Harness.ADDR_B));
            Datagram syn = h.lastSentBy(h.sideA);
            assertEquals(0, syn.connId(), "random 0: receive id 0");
            assertEquals(0, syn.seq(), "random 0: ISN 0");
            UtpSocket b = utp_create_socket(h.sideA.ctx);
            assertEquals(-1, utp_connect(b, Harness.ADDR_B), "every draw clashes with the first connection (libutp loops forever)");
            assertNull(utp_getpeername(b), "the failed socket stays unconnected");
        }
    }
}
