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
}
