package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.jutp.capi.ConformanceDataTest.Pair;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A host that drains its socket from inside {@code UTP_ON_READ} (issue 14 #3): the nested
 * {@code utp_process_udp} delivers its datagram's data before it returns, so the host may reuse
 * its one receive buffer at once, and a callback reading a reorder-buffer slot keeps seeing its
 * bytes while nested datagrams take slots.
 */
class NestedProcessUdpTest {
    static final int PACKETS = 8;

    static byte[] payload(int k) {
        byte[] b = new byte[300 + k * 50];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (k * 31 + i);
        }
        return b;
    }

    static byte[] expected(int... ks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k : ks) {
            out.writeBytes(payload(k));
        }
        return out.toByteArray();
    }

    /** k if {@code bytes} is exactly payload(k), else -1. */
    static int whichPayload(byte[] bytes) {
        for (int k = 1; k <= PACKETS; k++) {
            if (Arrays.equals(bytes, payload(k))) {
                return k;
            }
        }
        return -1;
    }

    @Test
    void aCallbackThatDrainsTheNextDatagramIntoItsOwnBufferSeesExactlyItsBytes() {
        try (Harness h = new Harness(); Arena arena = Arena.ofConfined()) {
            Pair p = new Pair(h);
            ArrayDeque<byte[]> socket = new ArrayDeque<>();
            for (int k = 1; k <= PACKETS; k++) {
                socket.add(p.dataFromA(k, payload(k)));
            }
            MemorySegment rx = arena.allocate(2048);       // the host's only receive buffer
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int[] deepest = {0};
            int[] depth = {0};
            utp_set_callback(h.sideB.ctx, UTP_ON_READ, a -> {
                UtpSocket socketBefore = a.socket();
                long lenBefore = a.len();
                got.writeBytes(a.buf().toArray(ValueLayout.JAVA_BYTE));
                byte[] next = socket.poll();
                if (next != null) {
                    depth[0]++;
                    deepest[0] = Math.max(deepest[0], depth[0]);
                    MemorySegment.copy(MemorySegment.ofArray(next), 0, rx, 0, next.length);
                    utp_process_udp(a.context(), rx, next.length, Harness.ADDR_A);
                    rx.fill((byte) 0xEE);                    // the host reuses its buffer at once
                    depth[0]--;
                }
                assertSame(socketBefore, a.socket(), "nested callbacks left this one's arguments alone");
                assertEquals(lenBefore, a.len());
                return 0;
            });
            byte[] first = socket.poll();
            MemorySegment.copy(MemorySegment.ofArray(first), 0, rx, 0, first.length);
            utp_process_udp(h.sideB.ctx, rx, first.length, Harness.ADDR_A);
            rx.fill((byte) 0xEE);

            assertArrayEquals(expected(1, 2, 3, 4, 5, 6, 7, 8), got.toByteArray());
            assertEquals(PACKETS - 1, deepest[0], "every datagram was fed from inside a callback");
        }
    }

    @Test
    void aReorderSlotBeingReadIsNotHandedToANestedDatagram() {
        try (Harness h = new Harness()) {
            Pair p = new Pair(h);
            p.injectIntoB(p.dataFromA(2, payload(2)));     // 2 and 3 wait in the reorder buffer
            p.injectIntoB(p.dataFromA(3, payload(3)));
            ArrayDeque<byte[]> later = new ArrayDeque<>();
            for (int k = 5; k <= 8; k++) {
                later.add(p.dataFromA(k, payload(k)));     // out of order again (4 missing): each takes a slot
            }
            java.util.List<Integer> seen = new java.util.ArrayList<>();
            utp_set_callback(h.sideB.ctx, UTP_ON_READ, a -> {
                byte[] next = later.poll();
                if (next != null) {
                    utp_process_udp(a.context(), MemorySegment.ofArray(next), next.length, Harness.ADDR_A);
                }
                // Read after the nested call (which dispatched the later events inside it).
                seen.add(whichPayload(a.buf().toArray(ValueLayout.JAVA_BYTE)));
                return 0;
            });
            p.injectIntoB(p.dataFromA(1, payload(1)));
            p.injectIntoB(p.dataFromA(4, payload(4)));
            assertEquals(java.util.List.of(1, 2, 3, 4, 5, 6, 7, 8), seen.stream().sorted().toList(),
                    "each callback saw one whole payload: " + seen);
            utp_check_timeouts(h.sideB.ctx);                // the next call frees the delivered slots
            assertEquals(0, h.sideB.ctx.engine.slab().slotsInUse(), "no slot leaked by the hold");
        }
    }

    @Test
    void eventsQueuedBeforeTheNestedCallAreDispatchedFirst() {
        try (Harness h = new Harness()) {
            Pair p = new Pair(h);
            p.injectIntoB(p.dataFromA(2, payload(2)));
            ArrayDeque<byte[]> later = new ArrayDeque<>();
            later.add(p.dataFromA(3, payload(3)));
            StringBuilder order = new StringBuilder();
            utp_set_callback(h.sideB.ctx, UTP_ON_READ, a -> {
                order.append('<').append(whichPayload(a.buf().toArray(ValueLayout.JAVA_BYTE)));
                byte[] next = later.poll();
                if (next != null) {
                    utp_process_udp(a.context(), MemorySegment.ofArray(next), next.length, Harness.ADDR_A);
                }
                order.append('>');
                return 0;
            });
            // Packet 1 releases 2 from the reorder buffer: READ(1), READ(2) are queued together.
            // READ(1)'s callback feeds 3; the nested call dispatches READ(2) before READ(3).
            p.injectIntoB(p.dataFromA(1, payload(1)));
            assertEquals("<1<2><3>>", order.toString());
        }
    }
}
