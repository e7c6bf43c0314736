package dev.jutp.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RACK's loss verdicts and the probe timer, on made-up send times (µs). */
class RackTlpTest {
    static final long SRTT = 50_000;

    @Test
    void nothingIsLostBeforeAnyDelivery() {
        RackTlp r = new RackTlp();
        assertFalse(r.hasDelivery());
        assertEquals(Long.MAX_VALUE, r.lossDelayMicros(1, 0, 1, 1_000_000, SRTT));
    }

    @Test
    void aPacketSentBeforeADeliveredOneIsLostOnceItsRttAndTheReorderWindowPass() {
        RackTlp r = new RackTlp();
        r.onDelivered(11, 10_000, 1, 60_000);          // sent at 10 ms, acked at 60 ms: RTT 50 ms
        assertTrue(r.hasDelivery());
        assertEquals(12_500, r.reorderWindowMicros(SRTT), "a quarter of the minimum RTT");
        // Packet 10 was sent at 9 ms: lost at 9 + 50 + 12.5 ms.
        assertEquals(71_500 - 60_000, r.lossDelayMicros(10, 9_000, 1, 60_000, SRTT));
        assertTrue(r.lossDelayMicros(10, 9_000, 1, 71_500, SRTT) <= 0);
        // Packet 12, sent after the delivered one, is not condemned by it.
        assertEquals(Long.MAX_VALUE, r.lossDelayMicros(12, 11_000, 1, 200_000, SRTT));
        // Sent in the same microsecond: the sequence number orders them.
        assertTrue(r.lossDelayMicros(10, 10_000, 1, 200_000, SRTT) <= 0);
        assertEquals(Long.MAX_VALUE, r.lossDelayMicros(12, 10_000, 1, 200_000, SRTT));
    }

    @Test
    void aLostRetransmissionIsFoundByItsOwnSendTime() {
        RackTlp r = new RackTlp();
        r.onDelivered(20, 100_000, 1, 150_000);
        // Packet 5 was retransmitted at 90 ms, before packet 20 left: lost once 50 + 12.5 ms pass.
        assertTrue(r.lossDelayMicros(5, 90_000, 2, 152_500, SRTT) <= 0);
        // Retransmitted after packet 20 left: no evidence yet, whatever its sequence number.
        assertEquals(Long.MAX_VALUE, r.lossDelayMicros(5, 120_000, 2, 400_000, SRTT));
        assertEquals(Long.MAX_VALUE, r.lossDelayMicros(5, 100_000, 2, 400_000, SRTT), "same microsecond as a retransmission");
    }

    @Test
    void anAckFasterThanAnyRoundTripIsTheOriginalsNotTheRetransmissions() {
        RackTlp r = new RackTlp();
        r.onDelivered(1, 0, 1, 50_000);                 // min RTT 50 ms
        r.onDelivered(9, 100_000, 2, 101_000);          // "acked" 1 ms after its retransmission
        assertEquals(Long.MAX_VALUE, r.lossDelayMicros(8, 99_000, 1, 500_000, SRTT),
                "the ambiguous ack moved nothing: packet 8 is not condemned");
        r.onDelivered(9, 100_000, 2, 160_000);          // a plausible round trip: taken
        assertTrue(r.lossDelayMicros(8, 99_000, 1, 500_000, SRTT) <= 0);
    }

    @Test
    void theReorderWindowIsAtMostTheSmoothedRttAndAtLeastTheGranularity() {
        RackTlp r = new RackTlp();
        assertEquals(RackTlp.GRANULARITY_MICROS, r.reorderWindowMicros(SRTT), "no RTT seen yet");
        r.onDelivered(1, 0, 1, 400_000);
        assertEquals(100_000, r.reorderWindowMicros(1_000_000));
        assertEquals(30_000, r.reorderWindowMicros(30_000));
        RackTlp fast = new RackTlp();
        fast.onDelivered(1, 0, 1, 200);
        assertEquals(RackTlp.GRANULARITY_MICROS, fast.reorderWindowMicros(0));
    }

    @Test
    void theProbeTimeoutIsAboutTwoSmoothedRtts() {
        assertEquals(100_000, RackTlp.probeTimeoutMicros(50_000, 5_000, false));
        assertEquals(50_000 + 4 * 20_000, RackTlp.probeTimeoutMicros(50_000, 20_000, false), "a jittery path waits longer");
        assertEquals(100_000 + RackTlp.SINGLE_PACKET_ACK_DELAY_MICROS, RackTlp.probeTimeoutMicros(50_000, 5_000, true));
        assertEquals(RackTlp.MIN_PROBE_TIMEOUT_MICROS, RackTlp.probeTimeoutMicros(100, 0, false));
    }

    @Test
    void unansweredProbesBackOffExponentiallyAndProgressResetsThem() {
        RackTlp r = new RackTlp();
        assertFalse(r.probeDue(1_000_000, 1), "not armed");
        r.armProbe(0);
        assertFalse(r.probeDue(99_999, 100_000));
        assertTrue(r.probeDue(100_000, 100_000));
        r.probeSent(100_000);
        assertEquals(1, r.probesOutstanding());
        assertFalse(r.probeDue(299_999, 100_000), "the second waits twice as long");
        assertTrue(r.probeDue(300_000, 100_000));
        r.probeSent(300_000);
        assertFalse(r.probeDue(699_999, 100_000));
        assertTrue(r.probeDue(700_000, 100_000));
        r.armProbe(700_000);
        assertEquals(0, r.probesOutstanding(), "an ack with progress starts over");
        assertTrue(r.probeDue(800_000, 100_000));
        r.disarmProbe();
        assertFalse(r.probeDue(10_000_000, 100_000));
        for (int i = 0; i < 20; i++) {
            r.probeSent(0);
        }
        r.armProbe(0);
        for (int i = 0; i < 20; i++) {
            r.probeSent(0);
        }
        assertTrue(r.probeDue(100_000L << RackTlp.MAX_BACKOFF_SHIFT, 100_000), "the backoff is capped");
    }
}
