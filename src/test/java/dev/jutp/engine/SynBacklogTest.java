package dev.jutp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The SYN backlog alone: the hard table cap, oldest-first eviction, and the evicted connections' way out. */
class SynBacklogTest {

    @Test
    void newcomersAreRefusedOnlyOnceTheTableIsFull() {
        assertFalse(SynBacklog.refuses(0, 1));
        assertFalse(SynBacklog.refuses(2, 3));
        assertTrue(SynBacklog.refuses(3, 3));
        assertTrue(SynBacklog.refuses(4, 3), "a lowered cap refuses at once");
        assertTrue(SynBacklog.refuses(0, 0));
    }

    @Test
    void aFullBacklogPushesOutItsOldestOnly() {
        try (Engine e = new Engine(ConnectionTableTest.SILENT)) {
            SynBacklog b = new SynBacklog();
            Connection first = new Connection(e);
            Connection second = new Connection(e);
            Connection third = new Connection(e);
            assertNull(b.makeRoom(2), "room left: nobody goes");
            b.add(first);
            assertNull(b.makeRoom(2));
            b.add(second);
            assertEquals(2, b.size());
            assertSame(first, b.makeRoom(2), "full: the oldest goes");
            assertEquals(1, b.size());
            b.add(third);
            assertSame(second, b.makeRoom(2));
            assertEquals(1, b.size());
        }
    }

    @Test
    void aConfirmedConnectionLeavesAndIsNeverEvicted() {
        try (Engine e = new Engine(ConnectionTableTest.SILENT)) {
            SynBacklog b = new SynBacklog();
            Connection confirmed = new Connection(e);
            Connection waiting = new Connection(e);
            b.add(confirmed);
            b.add(waiting);
            b.leave(confirmed);
            b.leave(confirmed);             // a second leave is harmless
            assertEquals(1, b.size());
            assertNull(b.makeRoom(2));
            assertSame(waiting, b.makeRoom(1));
            assertFalse(b.closedAfterEviction(confirmed), "never pushed out");
        }
    }

    @Test
    void anEvictedConnectionWaitsForTheApplicationsCloseOrTheEnginesEnd() {
        try (Engine e = new Engine(ConnectionTableTest.SILENT)) {
            SynBacklog b = new SynBacklog();
            Connection closedByApp = new Connection(e);
            Connection neverClosed = new Connection(e);
            b.add(closedByApp);
            b.add(neverClosed);
            assertSame(closedByApp, b.makeRoom(1));
            assertSame(neverClosed, b.makeRoom(1));
            assertEquals(0, b.size());
            b.leave(closedByApp);           // failing an evicted connection does not lose it
            assertTrue(b.closedAfterEviction(closedByApp));
            assertFalse(b.closedAfterEviction(closedByApp), "freed once");
            assertSame(neverClosed, b.takeEvicted());
            assertNull(b.takeEvicted());
            assertFalse(b.closedAfterEviction(neverClosed));
        }
    }
}
