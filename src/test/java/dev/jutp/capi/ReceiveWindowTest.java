package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.capi.ConformanceDataTest.Pair;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A peer that ignores the receive window cannot grow the receiver's buffers (libutp accepts
 * everything, Transmission #6930): DATA beyond the advertised window plus 16 KiB of slack is
 * dropped unacknowledged and counted; a peer that keeps to the window never meets the rule.
 */
class ReceiveWindowTest {
    static final int RCVBUF = 20_000;
    static final int SLACK = 16 * 1024;
    static final int PACKET = 1000;
    static final int PACKETS = 60;
    static final int SLOT = 2048;

    static byte[] chunk(int k) {
        byte[] b = new byte[PACKET];
        Arrays.fill(b, (byte) k);
        return b;
    }

    /** B's application never reads: everything delivered stays in its read buffer. */
    static Pair hoardingReceiver(Harness h) {
        utp_context_set_option(h.sideB.ctx, UTP_RCVBUF, RCVBUF);
        Pair p = new Pair(h);
        h.sideB.readBufferSize = 0;
        return p;
    }

    static void injectInOrder(Harness h, Pair p, int from, int to) {
        for (int k = from; k <= to; k++) {
            p.injectIntoB(p.dataFromA(k, chunk(k)));
            h.sideB.readBufferSize = h.sideB.received.size();
            utp_issue_deferred_acks(h.sideB.ctx);   // B advertises its shrinking window
        }
    }

    @Test
    void inOrderDataPastTheAdvertisedWindowIsDroppedUnacknowledged() {
        try (Harness h = new Harness()) {
            Pair p = hoardingReceiver(h);
            injectInOrder(h, p, 1, PACKETS);

            int delivered = h.sideB.received.size();
            int drops = utp_get_stats(p.b()).windowOverrunDrops();
            assertTrue(delivered <= RCVBUF + SLACK, "kept " + delivered + " bytes");
            assertTrue(delivered >= RCVBUF, "everything the window allowed was taken: " + delivered);
            assertEquals(PACKETS - delivered / PACKET, drops);
            int lastAccepted = delivered / PACKET;
            assertEquals((p.isnA + lastAccepted) & 0xFFFF, h.lastSentBy(h.sideB).ack(), "dropped packets are not acked");
            assertEquals(0, h.lastSentBy(h.sideB).wnd(), "the window B advertises is closed");

            // The application drains; the peer resends what was dropped and all of it arrives.
            h.sideB.readBufferSize = 0;
            utp_read_drained(p.b());
            injectInOrder(h, p, lastAccepted + 1, Math.min(PACKETS, lastAccepted + RCVBUF / PACKET));
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int k = 1; k <= Math.min(PACKETS, lastAccepted + RCVBUF / PACKET); k++) {
                expected.writeBytes(chunk(k));
            }
            assertArrayEquals(expected.toByteArray(), h.sideB.received.toByteArray());
        }
    }

    @Test
    void outOfOrderDataIsBoundedByTheWindowToo() {
        try (Harness h = new Harness()) {
            Pair p = hoardingReceiver(h);
            for (int k = 2; k <= PACKETS + 1; k++) {      // packet 1 is missing: all go to the reorder buffer
                p.injectIntoB(p.dataFromA(k, chunk(k)));
            }
            utp_issue_deferred_acks(h.sideB.ctx);
            int drops = utp_get_stats(p.b()).windowOverrunDrops();
            int held = PACKETS - drops;
            // Charged by the 2 KiB slot each pins, not the payload: every slot the window allows is used.
            assertTrue(held * SLOT <= RCVBUF + SLACK && (held + 1) * SLOT > RCVBUF + SLACK, "held " + held);
            assertEquals(held, h.sideB.ctx.engine.slab().slotsInUse(), "B sends only acks: its slots are the reorder buffer's");

            p.injectIntoB(p.dataFromA(1, chunk(1)));       // the gap fills: the buffered run is delivered
            assertEquals((held + 1) * PACKET, h.sideB.received.size());
        }
    }

    @Test
    void duplicatesOfBufferedPacketsAreStillCountedAsDuplicates() {
        try (Harness h = new Harness()) {
            Pair p = hoardingReceiver(h);
            for (int k = 2; k <= PACKETS + 1; k++) {
                p.injectIntoB(p.dataFromA(k, chunk(k)));
            }
            int drops = utp_get_stats(p.b()).windowOverrunDrops();
            p.injectIntoB(p.dataFromA(2, chunk(2)));
            assertEquals(drops, utp_get_stats(p.b()).windowOverrunDrops());
            assertEquals(1, utp_get_stats(p.b()).nduprecv());
        }
    }

    @Test
    void optionZeroAcceptsEverythingAsLibutpDoes() {
        try (Harness h = new Harness()) {
            assertEquals(1, utp_context_get_option(h.sideB.ctx, JUTP_ENFORCE_RECEIVE_WINDOW));
            assertEquals(0, utp_context_set_option(h.sideB.ctx, JUTP_ENFORCE_RECEIVE_WINDOW, 0));
            assertEquals(0, utp_context_get_option(h.sideB.ctx, JUTP_ENFORCE_RECEIVE_WINDOW));
            Pair p = hoardingReceiver(h);
            injectInOrder(h, p, 1, PACKETS);
            assertEquals(PACKETS * PACKET, h.sideB.received.size());
            assertEquals(0, utp_get_stats(p.b()).windowOverrunDrops());
        }
    }

    @Test
    void aSenderKeepingToTheWindowNeverMeetsTheRule() {
        try (Harness h = new Harness()) {
            utp_context_set_option(h.sideB.ctx, UTP_RCVBUF, RCVBUF);
            UtpSocket a = h.connect();
            UtpSocket b = h.sideB.accepted.get(0);
            byte[] data = new byte[400_000];
            new java.util.SplittableRandom(7).nextBytes(data);
            java.lang.foreign.MemorySegment src = java.lang.foreign.MemorySegment.ofArray(data);
            long written = 0;
            long[] consumed = {0};
            utp_set_callback(h.sideB.ctx, UTP_GET_READ_BUFFER_SIZE, x -> h.sideB.received.size() - consumed[0]);
            // B's application reads 3000 bytes every 10 ms: the window opens and closes all the time.
            for (int step = 0; step < 20_000 && consumed[0] < data.length; step++) {
                if (written < data.length) {
                    written += utp_write(a, src.asSlice(written), data.length - written);
                }
                h.advance(10, 10);
                long take = Math.min(3_000, h.sideB.received.size() - consumed[0]);
                if (take > 0) {
                    consumed[0] += take;
                    utp_read_drained(b);
                }
            }
            assertArrayEquals(data, h.sideB.received.toByteArray());
            assertEquals(0, utp_get_stats(b).windowOverrunDrops());
        }
    }
}
