package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.net.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The callback argument object: reused (no allocation per callback), unused fields zero, intact
 * across API calls made from inside the callback, and calls from inside UTP_SENDTO refused.
 */
class UtpCallbackArgumentsTest {
    static final ValueLayout.OfShort SEQ = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Non-allocating ON_READ sink: counts bytes and remembers whether the argument object changed. */
    static final class Sink {
        UtpCallbackArguments first;
        long bytes;
        int calls;
        int otherInstances;
        int copies;             // ON_READ calls whose payload was not read in place from the datagram
        long datagramAddress;
    }

    @Test
    void inOrderDataReachesOnReadInPlaceWithoutAllocatingPerPacket() {
        try (Harness h = new Harness(); Arena arena = Arena.ofConfined()) {
            ConformanceDataTest.Pair p = new ConformanceDataTest.Pair(h);
            Sink sink = new Sink();
            utp_set_callback(h.sideB.ctx, UTP_ON_READ, a -> {
                if (sink.first == null) {
                    sink.first = a;
                } else if (a != sink.first) {
                    sink.otherInstances++;
                }
                sink.bytes += a.len();
                sink.calls++;
                if (a.buf_segment().address() != sink.datagramAddress || a.buf_offset() != 20) {
                    sink.copies++;
                }
                return a.buf_segment().get(ValueLayout.JAVA_BYTE, a.buf_offset());   // touch the payload in place
            });
            int[] sends = {0};
            utp_set_callback(h.sideB.ctx, UTP_SENDTO, a -> ++sends[0]);
            byte[] template = p.dataFromA(1, new byte[100]);
            MemorySegment packet = arena.allocate(template.length);
            MemorySegment.copy(MemorySegment.ofArray(template), 0, packet, 0, template.length);
            sink.datagramAddress = packet.address();
            int[] k = {1};
            Runnable feed = () -> {
                packet.set(SEQ, 16, (short) (p.isnA + k[0]++));
                if (utp_process_udp(h.sideB.ctx, packet, packet.byteSize(), Harness.ADDR_A) != 1) {
                    throw new AssertionError("not taken as uTP");
                }
                if (k[0] % 32 == 0) {
                    utp_issue_deferred_acks(h.sideB.ctx);   // an application's ack rhythm: keeps the window open
                }
            };
            for (int i = 0; i < 20_000; i++) {
                feed.run();                                      // warm-up: JIT and one-time growth
            }
            utp_issue_deferred_acks(h.sideB.ctx);
            AllocationMeter meter = new AllocationMeter();
            int packets = 20_000;
            long before = meter.currentThreadAllocatedBytes();
            for (int i = 0; i < packets; i++) {
                feed.run();
            }
            long allocated = meter.currentThreadAllocatedBytes() - before;
            utp_issue_deferred_acks(h.sideB.ctx);
            assertEquals(40_000, sink.calls);
            assertEquals(40_000L * 100, sink.bytes);
            assertTrue(allocated < 16L * packets, allocated + " bytes allocated for " + packets + " packets");
            assertEquals(0, sink.otherInstances, "ON_READ got a new argument object");
            assertEquals(0, sink.copies, "in-order payload is handed over in place, not copied");
        }
    }

    @Test
    void oneEventInstancePerContextAndUnusedFieldsReadZero() {
        try (Harness h = new Harness()) {
            Map<UtpCallbackArguments, Boolean> seen = new IdentityHashMap<>();
            List<String> problems = new ArrayList<>();
            UtpCallback previous = h.sideA.ctx.callbacks[UTP_ON_STATE_CHANGE];
            utp_set_callback(h.sideA.ctx, UTP_ON_STATE_CHANGE, a -> {
                seen.put(a, true);
                if (a.len() != 0 || a.buf() != null || a.address() != null || a.error_code() != 0 || a.flags() != 0
                        || a.type() != 0 || a.send() != 0 || a.sample_ms() != 0) {
                    problems.add("state " + a.state() + " carries leftovers");
                }
                return previous.call(a);
            });
            utp_set_callback(h.sideA.ctx, UTP_ON_READ, a -> {
                seen.put(a, true);
                if (a.state() != 0 || a.address() != null || a.len() == 0 || a.buf().byteSize() != a.len()) {
                    problems.add("read arguments wrong");
                }
                return 0;
            });
            utp_set_callback(h.sideA.ctx, UTP_ON_ERROR, a -> {
                seen.put(a, true);
                h.sideA.record(UTP_ON_ERROR, a.socket(), a.error_code());
                if (a.len() != 0 || a.buf() != null || a.state() != 0) {
                    problems.add("error carries leftovers");
                }
                return 0;
            });
            UtpSocket a = h.connect();
            UtpSocket b = h.sideB.accepted.get(0);
            for (int i = 0; i < 20; i++) {
                utp_write(b, Harness.bytes(new byte[500]), 500);
                h.deliver();
            }
            utp_close(b);
            h.advance(2000, 100);
            h.inject(h.sideA, Harness.resetAnswering(h.lastSentBy(h.sideA)), Harness.ADDR_B);
            utp_close(a);
            h.advance(1000, 100);
            assertEquals(1, h.sideA.count(UTP_ON_ERROR, UTP_ECONNRESET), h.sideA.events.toString());
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING), h.sideA.events.toString());
            assertEquals(List.of(), problems);
            assertEquals(1, seen.size(), "event callbacks of one context share one argument object");
        }
    }

    @Test
    void apiCallsFromInsideOnReadLeaveTheArgumentsIntact() {
        try (Harness h = new Harness()) {
            List<String> problems = new ArrayList<>();
            utp_set_callback(h.sideB.ctx, UTP_ON_READ, a -> {
                UtpSocket s = a.socket();
                long len = a.len();
                byte first = a.buf().get(ValueLayout.JAVA_BYTE, 0);
                // ucat's pattern: answer, report drained, even issue acks, all from the callback
                utp_write(s, Harness.bytes(new byte[] {'o', 'k'}), 2);
                utp_read_drained(s);
                utp_issue_deferred_acks(a.context());
                utp_check_timeouts(a.context());
                if (a.socket() != s || a.len() != len || a.buf().get(ValueLayout.JAVA_BYTE, 0) != first
                        || a.callback_type() != UTP_ON_READ) {
                    problems.add("arguments changed by a nested call");
                }
                return 0;
            });
            UtpSocket a = h.connect();
            for (int i = 0; i < 5; i++) {
                utp_write(a, Harness.bytes(new byte[] {(byte) ('A' + i)}), 1);
                h.deliver();
            }
            h.advance(2000, 100);
            assertEquals(List.of(), problems);
            assertEquals("okokokokok", h.sideA.received.toString(), "the replies written from ON_READ arrive");
        }
    }

    @Test
    void callingTheContextFromSendtoIsRefusedAndTheContextCarriesOn() {
        try (Harness h = new Harness()) {
            UtpCallback capture = h.sideA.ctx.callbacks[UTP_SENDTO];
            List<Throwable> refused = new ArrayList<>();
            utp_set_callback(h.sideA.ctx, UTP_SENDTO, a -> {
                try {
                    utp_check_timeouts(a.context());
                } catch (IllegalStateException e) {
                    refused.add(e);
                }
                return capture.call(a);
            });
            UtpSocket a = h.connect();
            utp_write(a, Harness.bytes(new byte[10]), 10);
            h.deliver();
            assertFalse(refused.isEmpty());
            assertEquals(refused.size(), h.sentBy(h.sideA).size(), "every send refused the nested call");
            assertEquals(10, h.sideB.received.size(), "and the data still went through");
        }
    }
}
