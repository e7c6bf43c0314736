package dev.jutp.engine.cc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LedbatTest {
    static final int PACKET = 1382;

    @Test
    void gainIsCappedAt3000BytesPerWindowAtZeroDelay() {
        Ledbat l = new Ledbat(100_000, 1 << 20);
        l.onAck(100_000, 0, 100_000, PACKET, 1 << 20, 1000, 1000);
        assertEquals(103_000, l.window(), "a whole window acked at zero delay: +3000");
    }

    @Test
    void aboveTargetTheWindowShrinksInProportion() {
        Ledbat l = new Ledbat(100_000, 1 << 20);
        l.onAck(100_000, 200_000, 100_000, PACKET, 1 << 20, 1000, 1000);
        assertFalse(l.inSlowStart(), "delay above 0.9 target ends slow start");
        assertEquals(100_000, l.window(), "leaving slow start leaves the window as it is (libutp)");
        assertEquals(100_000, l.ssthresh());
        l.onAck(100_000, 200_000, 100_000, PACKET, 1 << 20, 1000, 1000);
        assertEquals(97_000, l.window(), "delay 2x target: -3000");
    }

    @Test
    void noGrowthWhenTheWindowWasNotFullForASecond() {
        Ledbat l = new Ledbat(50_000, 50_000);           // slow start ends at the first ack
        l.onAck(50_000, 0, 100_000, PACKET, 1 << 20, 5000, 3000);
        assertFalse(l.inSlowStart());
        l.onAck(50_000, 0, 100_000, PACKET, 1 << 20, 5000, 3000);
        assertEquals(50_000, l.window(), "application-limited: the 3000 B gain is discarded");
        l.onAck(50_000, 0, 100_000, PACKET, 1 << 20, 5000, 4500);
        assertEquals(53_000, l.window(), "full within the last second: it grows");
    }

    @Test
    void lossHalvesAtMostOncePerRoundTripOfAtLeast100Ms() {
        Ledbat l = new Ledbat(80_000, 1 << 20);
        assertTrue(l.onLoss(10_000, 50));
        assertEquals(40_000, l.window());
        assertFalse(l.onLoss(10_099, 50), "inside 100 ms");
        assertTrue(l.onLoss(10_100, 50));
        assertFalse(l.onLoss(10_500, 600), "inside one 600 ms RTT");
        assertTrue(l.onLoss(10_700, 600));
        assertEquals(10_000, l.window());
    }

    @Test
    void timeoutCollapsesToOnePacketOrDecaysWhenIdle() {
        Ledbat l = new Ledbat(90_000, 1 << 20);
        l.onTimeout(false, PACKET);
        assertEquals(60_000, l.window(), "idle: two thirds");
        l.onTimeout(true, PACKET);
        assertEquals(PACKET, l.window());
        assertTrue(l.inSlowStart());
    }

    @Test
    void windowStaysWithinMinimumAndSendBuffer() {
        Ledbat l = new Ledbat(20, 1 << 20);
        l.onAck(20, 10_000_000, 100_000, PACKET, 1 << 20, 0, 0);     // leaves slow start
        l.onAck(20, 10_000_000, 100_000, PACKET, 1 << 20, 0, 0);
        assertEquals(Ledbat.MIN_WINDOW_BYTES, l.window());
        Ledbat big = new Ledbat(60_000, 1 << 20);
        big.onAck(60_000, 0, 100_000, PACKET, 61_000, 0, 0);
        assertEquals(61_000, big.window());
    }
}
