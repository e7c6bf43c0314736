package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class LogAndDelaysTest {
    @Test
    void logLinesArriveOnlyForEnabledLevels() {
        try (Harness h = new Harness()) {
            List<String> lines = new ArrayList<>();
            utp_set_callback(h.sideA.ctx, UTP_LOG, a -> {
                lines.add(a.log_text());
                assertEquals(a.len(), a.buf().byteSize());
                return 0;
            });
            h.connect();
            assertTrue(lines.isEmpty());
        }
        try (Harness h = new Harness()) {
            List<String> lines = new ArrayList<>();
            utp_set_callback(h.sideA.ctx, UTP_LOG, a -> lines.add(a.log_text()) ? 0 : 1);
            utp_context_set_option(h.sideA.ctx, UTP_LOG_NORMAL, 1);
            utp_context_set_option(h.sideA.ctx, UTP_LOG_MTU, 1);
            UtpSocket s = h.connect();
            utp_write(s, Harness.bytes(new byte[2000]), 2000);
            h.deliver();
            assertTrue(lines.stream().anyMatch(l -> l.endsWith("connected")), lines::toString);
            assertTrue(lines.stream().anyMatch(l -> l.contains("MTU [PROBE]")), lines::toString);
            assertTrue(lines.get(0).startsWith("/10.0.0.2:2000 "), lines::toString);
        }
    }

    @Test
    void delaysAndDelaySamples() {
        try (Harness h = new Harness()) {
            List<Integer> samples = new ArrayList<>();
            utp_set_callback(h.sideA.ctx, UTP_ON_DELAY_SAMPLE, a -> {
                samples.add(a.sample_ms());
                return 0;
            });
            UtpSocket fresh = utp_create_socket(h.sideA.ctx);
            assertNull(utp_get_delays(fresh));
            UtpSocket s = h.connect();
            for (int i = 0; i < 20; i++) {
                utp_write(s, Harness.bytes(new byte[1382]), 1382);
                h.nowMicros += 3000;                   // 3 ms per round: a real one-way delay
                h.deliver();
            }
            UtpDelays d = utp_get_delays(s);
            assertNotNull(d);
            assertTrue(d.age() >= 0 && d.age() < 10_000, d::toString);
            assertFalse(samples.isEmpty());
            assertTrue(samples.stream().allMatch(v -> v >= 0 && v < 1000), samples::toString);
        }
    }

    /**
     * A's packets first take 25 ms to reach B, then 75 ms (a queue of 50 ms builds up); acks always
     * take 25 ms. The 50 ms must show in ON_DELAY_SAMPLE and in utp_get_delays' "ours", with
     * "theirs" (the reverse direction) near 0.
     */
    @Test
    void queuingDelayIsReportedBySamplesAndGetDelays() {
        try (Harness h = new Harness()) {
            List<Integer> samples = new ArrayList<>();
            utp_set_callback(h.sideA.ctx, UTP_ON_DELAY_SAMPLE, a -> {
                samples.add(a.sample_ms());
                return 0;
            });
            UtpSocket s = utp_create_socket(h.sideA.ctx);
            utp_connect(s, Harness.ADDR_B);
            trip(h, 25);                                    // the handshake takes 25 ms each way too
            trip(h, 25);
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_CONNECT));
            for (int round = 0; round < 16; round++) {
                utp_write(s, Harness.bytes(new byte[1382]), 1382);
                trip(h, round < 6 ? 25 : 75);               // DATA to B, B acks
                trip(h, 25);                                // the ack back to A
            }
            UtpDelays d = utp_get_delays(s);
            assertTrue(Math.abs(d.ours() - 50_000) <= 2_000, d::toString);
            assertTrue(d.theirs() <= 2_000, d::toString);
            assertTrue(d.age() <= 1, "the last ack just updated the estimate: " + d);
            int last = samples.get(samples.size() - 1);
            assertTrue(Math.abs(last - 50) <= 2, "last sample " + last + " of " + samples);
            assertTrue(samples.subList(0, 5).stream().allMatch(v -> v <= 2), "no queue at first: " + samples);
        }
    }

    /** {@code millis} pass, then the datagrams queued now are delivered and acks issued. */
    private static void trip(Harness h, int millis) {
        h.nowMicros += millis * 1000L;
        int n = h.network.size();
        for (int i = 0; i < n; i++) {
            Harness.Datagram d = h.network.poll();
            h.inject(d.to(), d.bytes(), d.from().addr);
        }
        utp_issue_deferred_acks(h.sideA.ctx);
        utp_issue_deferred_acks(h.sideB.ctx);
    }
}
