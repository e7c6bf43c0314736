package dev.jutp.engine;

/**
 * An intrusive doubly linked list of connections, oldest first: adding and removing allocate
 * nothing and cost O(1). A connection is in at most one list at a time. {@link SynBacklog} keeps
 * two: the half-open connections (capped) and those pushed out of them that the application has
 * not closed yet.
 */
final class ConnectionList {
    private Connection head;
    private Connection tail;
    private int size;

    int size() {
        return size;
    }

    boolean contains(Connection c) {
        return c.list == this;
    }

    Connection oldest() {
        return head;
    }

    void add(Connection c) {
        if (c.list != null) {
            throw new IllegalStateException("connection already listed");
        }
        c.list = this;
        c.listPrev = tail;
        c.listNext = null;
        if (tail == null) {
            head = c;
        } else {
            tail.listNext = c;
        }
        tail = c;
        size++;
    }

    /** Removes {@code c} if this list holds it; harmless otherwise. */
    void remove(Connection c) {
        if (c.list != this) {
            return;
        }
        Connection prev = c.listPrev;
        Connection next = c.listNext;
        if (prev == null) {
            head = next;
        } else {
            prev.listNext = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.listPrev = prev;
        }
        c.listPrev = null;
        c.listNext = null;
        c.list = null;
        size--;
    }
}
