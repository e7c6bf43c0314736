package dev.jutp.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded candidate list: collected highest first, handed out lowest first, the highest forgotten when full. */
class LossCandidatesTest {

    static List<Integer> drain(LossCandidates c) {
        List<Integer> out = new ArrayList<>();
        while (!c.isEmpty()) {
            out.add(c.takeLowest());
        }
        return out;
    }

    @Test
    void handsOutLowestFirst() {
        LossCandidates c = new LossCandidates(8);
        c.addLower(30);
        c.addLower(20);
        c.addLower(10);
        c.addLowest(5);
        assertEquals(4, c.size());
        assertEquals(List.of(5, 10, 20, 30), drain(c));
    }

    @Test
    void whenFullTheHighestHalfIsForgotten() {
        LossCandidates c = new LossCandidates(4);
        for (int seq = 100; seq > 94; seq--) {  // 100..95, highest first
            c.addLower(seq);
        }
        assertEquals(List.of(95, 96, 97, 98), drain(c), "99 and 100 made room for 96 and 95");
    }

    @Test
    void theHoleAfterTheAckReplacesTheLowestWhenFull() {
        LossCandidates c = new LossCandidates(4);
        for (int seq = 40; seq > 36; seq--) {
            c.addLower(seq);
        }
        c.addLowest(2);
        assertEquals(List.of(2, 38, 39, 40), drain(c));
    }

    @Test
    void clearStartsOver() {
        LossCandidates c = new LossCandidates(2);
        c.addLower(9);
        c.clear();
        assertTrue(c.isEmpty());
        c.addLower(7);
        assertEquals(List.of(7), drain(c));
        assertThrows(IllegalArgumentException.class, () -> new LossCandidates(3));
    }
}
