package dev.jutp.engine.cc;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {
    @Test
    void initialRtoIsThreeSecondsAndFloorIsOne() {
        RttEstimator r = new RttEstimator();
        assertEquals(3000, r.rtoMillis());
        r.addSample(50);
        assertEquals(50, r.rttMillis());
        assertEquals(25, r.rttVarMillis());
        assertEquals(1000, r.rtoMillis(), "50 + 4*25 = 150 is under the 1 s floor");
    }

    @Test
    void smoothsAsLibutpIntegerArithmetic() {
        RttEstimator r = new RttEstimator();
        r.addSample(400);               // rtt 400, var 200
        r.addSample(800);               // var += (400-200)/4 = 250; rtt = 400 - 50 + 100 = 450
        assertEquals(450, r.rttMillis());
        assertEquals(250, r.rttVarMillis());
        assertEquals(1450, r.rtoMillis());
    }

    @Test
    void aZeroFirstSampleIsStillTheFirstSample() {
        RttEstimator r = new RttEstimator();
        r.addSample(0);
        r.addSample(80);                // second sample: smoothing, not re-initialisation
        assertEquals(10, r.rttMillis());
        assertEquals(20, r.rttVarMillis());
    }

    @Test
    void backoffDoublesWithoutCapAndGiveUpCountsFollowTheOption() {
        assertEquals(2000, RttEstimator.backoff(1000));
        assertEquals(Integer.MAX_VALUE, RttEstimator.backoff(Integer.MAX_VALUE / 2 + 1));
        assertEquals(2, RttEstimator.synGiveUp(RttEstimator.GIVE_UP_RETRANSMISSIONS));
        assertEquals(6, RttEstimator.synGiveUp(8));
    }
}
