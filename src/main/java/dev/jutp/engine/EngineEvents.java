package dev.jutp.engine;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A FIFO of things that happened inside an engine call, for the caller to dispatch after the
 * call (so no user code runs in the middle of a protocol update). Storage is parallel arrays
 * that grow only when a burst is larger than any before; steady state allocates nothing.
 *
 * <p>Consumers: {@code while (events.next()) switch (events.type()) ...}. The payload of a
 * {@link #READ} stays valid until the queue has been drained.
 */
public final class EngineEvents {
    public static final int CONNECT = 1;
    public static final int WRITABLE = 2;
    public static final int EOF = 3;
    public static final int DESTROYING = 4;
    /** {@link #arg()} = one of {@link Connection#ECONNREFUSED}, ECONNRESET, ETIMEDOUT. */
    public static final int ERROR = 5;
    /** {@link #segment()}, {@link #offset()}, {@link #length()}: in-order payload. */
    public static final int READ = 6;
    /** A new incoming connection; {@link #address()} is the initiator. */
    public static final int ACCEPT = 7;
    /** {@link #arg()} = our queuing delay in ms. */
    public static final int DELAY_SAMPLE = 8;
    /** {@link #arg()} = 1 sent / 0 received, {@link #length()} = bytes, {@link #arg2()} = kind. */
    public static final int OVERHEAD = 9;
    /** {@link #text()} = the log line; {@link #arg()} = level. */
    public static final int LOG = 10;

    private int capacity = 64;
    private int[] types = new int[capacity];
    private Connection[] connections = new Connection[capacity];
    private int[] args = new int[capacity];
    private int[] args2 = new int[capacity];
    private MemorySegment[] segments = new MemorySegment[capacity];
    private long[] offsets = new long[capacity];
    private int[] lengths = new int[capacity];
    private Object[] objects = new Object[capacity];
    private int head;
    private int tail;
    private int current = -1;

    void add(int type, Connection c, int arg, int arg2, MemorySegment seg, long off, int len, Object obj) {
        if (tail - head == capacity) {
            grow();
        }
        int i = tail & (capacity - 1);
        types[i] = type;
        connections[i] = c;
        args[i] = arg;
        args2[i] = arg2;
        segments[i] = seg;
        offsets[i] = off;
        lengths[i] = len;
        objects[i] = obj;
        tail++;
    }

    void add(int type, Connection c, int arg) {
        add(type, c, arg, 0, null, 0, 0, null);
    }

    /** Advances to the next event; false when the queue is empty. */
    public boolean next() {
        if (current >= 0) {
            int i = current & (capacity - 1);
            segments[i] = null;     // do not keep packet memory or peers reachable
            objects[i] = null;
            connections[i] = null;
        }
        if (head == tail) {
            current = -1;
            head = tail = 0;
            return false;
        }
        current = head++;
        return true;
    }

    public boolean isEmpty() {
        return head == tail;
    }

    public int size() {
        return tail - head;
    }

    public int type() {
        return types[current & (capacity - 1)];
    }

    public Connection connection() {
        return connections[current & (capacity - 1)];
    }

    public int arg() {
        return args[current & (capacity - 1)];
    }

    public int arg2() {
        return args2[current & (capacity - 1)];
    }

    public MemorySegment segment() {
        return segments[current & (capacity - 1)];
    }

    public long offset() {
        return offsets[current & (capacity - 1)];
    }

    public int length() {
        return lengths[current & (capacity - 1)];
    }

    public java.net.InetSocketAddress address() {
        return (java.net.InetSocketAddress) objects[current & (capacity - 1)];
    }

    public String text() {
        return (String) objects[current & (capacity - 1)];
    }

    private void grow() {
        int n = capacity * 2;
        int[] t = new int[n], a = new int[n], a2 = new int[n], l = new int[n];
        Connection[] c = new Connection[n];
        MemorySegment[] s = new MemorySegment[n];
        long[] o = new long[n];
        Object[] ob = new Object[n];
        int count = tail - head;
        for (int k = 0; k < count; k++) {
            int from = (head + k) & (capacity - 1);
            t[k] = types[from];
            c[k] = connections[from];
            a[k] = args[from];
            a2[k] = args2[from];
            s[k] = segments[from];
            o[k] = offsets[from];
            l[k] = lengths[from];
            ob[k] = objects[from];
        }
        if (current >= 0) {
            // the event being dispatched has already been consumed; keep indexes consistent
            current = -1;
        }
        types = t;
        connections = c;
        args = a;
        args2 = a2;
        segments = s;
        offsets = o;
        lengths = l;
        objects = ob;
        capacity = n;
        head = 0;
        tail = count;
    }

    /** Drops everything queued (engine destroyed). */
    void clear() {
        Arrays.fill(connections, null);
        Arrays.fill(segments, null);
        Arrays.fill(objects, null);
        head = tail = 0;
        current = -1;
    }
}
