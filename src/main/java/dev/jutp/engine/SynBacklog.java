package dev.jutp.engine;

/**
 * The SYN backlog: accepted connections whose initiator has not yet confirmed them with a second
 * packet (half-open, SYN_RECV), oldest first, and the rules that bound them. The connection
 * table is capped hard ({@link #refuses}: a half-open connection is one its initiator believes
 * established, so none is pushed out for a newcomer); the backlog itself is capped softly
 * ({@link #makeRoom}: the oldest half-open connection goes, so a SYN flood cannot lock real
 * clients out). libutp has neither cap (Q4).
 *
 * <p>A connection pushed out stays here, off the table, until the application closes it
 * ({@link #closedAfterEviction}), so the engine can still free it with a DESTROYING event.
 * Allocates nothing.
 */
final class SynBacklog {
    private final ConnectionList halfOpen = new ConnectionList();
    private final ConnectionList evicted = new ConnectionList();

    /** Whether a SYN must be refused because {@code connections} already reach {@code maxConnections}. */
    static boolean refuses(int connections, int maxConnections) {
        return connections >= maxConnections;
    }

    /** Half-open connections now. */
    int size() {
        return halfOpen.size();
    }

    /** A connection just accepted from a SYN. */
    void add(Connection c) {
        halfOpen.add(c);
    }

    /** {@code c} is half-open no longer (confirmed, failed, closed or destroyed); harmless if it was not. */
    void leave(Connection c) {
        halfOpen.remove(c);
    }

    /**
     * Before adding one more: with {@code maxHalfOpen} already half-open, the oldest is moved to
     * the evicted list and returned (the caller takes it off the table and fails it); else null.
     */
    Connection makeRoom(int maxHalfOpen) {
        if (halfOpen.size() < maxHalfOpen) {
            return null;
        }
        Connection oldest = halfOpen.oldest();
        halfOpen.remove(oldest);
        evicted.add(oldest);
        return oldest;
    }

    /** The application closed {@code c}: true (and forgotten here) if it had been pushed out. */
    boolean closedAfterEviction(Connection c) {
        if (!evicted.contains(c)) {
            return false;
        }
        evicted.remove(c);
        return true;
    }

    /** Takes one pushed-out connection the application has not closed, or null: for the engine's close. */
    Connection takeEvicted() {
        Connection c = evicted.oldest();
        if (c != null) {
            evicted.remove(c);
        }
        return c;
    }
}
