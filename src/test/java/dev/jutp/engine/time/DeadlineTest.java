package dev.jutp.engine.time;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DeadlineTest {
    @Test
    void notArmedIsNeverDue() {
        Deadline d = new Deadline();
        assertFalse(d.armed());
        assertFalse(d.due(Long.MAX_VALUE));
        assertThrows(IllegalStateException.class, d::at);
        assertEquals("Deadline[not armed]", d.toString());
    }

    @Test
    void dueFromItsTimeOn() {
        Deadline d = new Deadline();
        d.armAfter(1000, 250);
        assertTrue(d.armed());
        assertEquals(1250, d.at());
        assertFalse(d.due(1249));
        assertTrue(d.due(1250));
        assertTrue(d.due(5000));
        d.disarm();
        assertFalse(d.due(5000));
    }

    @Test
    void timeZeroIsAValidDeadline() {
        // A virtual clock starting at 0 arms "now + 0": with a 0-means-unarmed field this was lost.
        Deadline d = new Deadline();
        d.armAt(0);
        assertTrue(d.armed());
        assertTrue(d.due(0));
        d.armAt(-5);
        assertTrue(d.due(-5));
        assertFalse(d.due(-6));
    }
}
