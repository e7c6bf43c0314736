package dev.jutp;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A growable circular byte buffer: the storage of a stream's receive and send rings. It holds no
 * array until the first byte needs room, grows by doubling, and {@link #release()} drops the array
 * again, so thousands of idle streams cost nothing. Copies in and out never allocate, in the
 * interpreter too ({@code ByteRingTest}); a segment over the current array is kept for payloads
 * copied in and for the protocol reading the send ring in place.
 *
 * <p>Not thread-safe: the owning {@link StreamCore} guards it with its lock. The one exception is
 * a copy made outside that lock ({@link #storage()} with the static {@code copy} methods, then
 * {@link #commitPut} or {@link #skip} under the lock again): the bytes copied lie outside what the
 * other side touches, a resize leaves the old array intact for the copy to finish, and
 * {@link #releases()} tells whether the ring was dropped meanwhile. Misuse (taking more than is
 * held, putting more than fits) throws {@link IllegalArgumentException} before anything moves.
 */
final class ByteRing {
    /** The first array allocated once a byte needs room. */
    static final int FIRST_CAPACITY_BYTES = 4096;
    private static final byte[] NONE = new byte[0];
    private static final MemorySegment NONE_SEGMENT = MemorySegment.ofArray(NONE);

    private byte[] array = NONE;
    private MemorySegment segment = NONE_SEGMENT;
    /** Index of the oldest byte held. */
    private int head;
    private int size;
    /** How often {@link #release()} ran. */
    private int releases;

    /** Bytes held. */
    int size() {
        return size;
    }

    /** Bytes the current array holds at most (0 until the first {@link #reserve}). */
    int capacity() {
        return array.length;
    }

    /** Bytes that fit without growing. */
    int free() {
        return array.length - size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Grows so that {@code needed} bytes in all fit, doubling from {@link #FIRST_CAPACITY_BYTES}, but
     * not beyond {@code limit} (the capacity stays at least what it was). Allocates only when it grows.
     */
    void reserve(int needed, int limit) {
        if (needed <= array.length || array.length >= limit) {
            return;
        }
        long grown = Math.max(FIRST_CAPACITY_BYTES, array.length);
        while (grown < needed) {
            grown *= 2;
        }
        resize((int) Math.min(grown, limit));
    }

    private void resize(int capacity) {
        byte[] bigger = new byte[capacity];
        int first = firstRun();
        System.arraycopy(array, head, bigger, 0, first);
        System.arraycopy(array, 0, bigger, first, size - first);
        array = bigger;
        segment = MemorySegment.ofArray(bigger);
        head = 0;
    }

    /** Drops the array and everything held. */
    void release() {
        releases++;
        array = NONE;
        segment = NONE_SEGMENT;
        head = 0;
        size = 0;
    }

    /** Forgets everything held, keeping the array. */
    void clear() {
        head = 0;
        size = 0;
    }

    // ------------------------------------------------------------------ in

    /** Appends {@code len} bytes of {@code src} from {@code off}. */
    void put(byte[] src, int off, int len) {
        copyIn(src, off, array, checkPut(len), len);
        size += len;
    }

    /** Appends {@code len} bytes from {@code src}'s position, advancing it. */
    void put(ByteBuffer src, int len) {
        copyIn(src, array, checkPut(len), len);
        size += len;
    }

    /** Appends {@code len} bytes of {@code src} from {@code off} (a datagram's payload). */
    void put(MemorySegment src, long off, int len) {
        int tail = checkPut(len);
        int first = Math.min(len, array.length - tail);
        MemorySegment.copy(src, off, segment, tail, first);
        MemorySegment.copy(src, off + first, segment, 0, len - first);
        size += len;
    }

    private int checkPut(int len) {
        if (len < 0 || len > free()) {
            throw new IllegalArgumentException("cannot put " + len + " bytes: " + free() + " free");
        }
        return tail();
    }

    /** Index in {@link #storage()} where the next byte put lands. */
    int tail() {
        int tail = head + size;
        return tail >= array.length ? tail - array.length : tail;
    }

    /**
     * Counts the {@code len} bytes a copy outside the lock placed at {@code at} (the {@link #tail()}
     * it was given) as held. The consumer may have emptied the ring meanwhile, which moves
     * {@link #head()} to 0: the bytes then start the ring where they are.
     */
    void commitPut(int at, int len) {
        checkPut(len);
        if (size == 0) {
            head = at;
        } else if (tail() != at) {
            throw new IllegalStateException("put at " + at + " but the tail is at " + tail());
        }
        size += len;
    }

    /** How often the ring was released: a copy outside the lock checks that it did not change. */
    int releases() {
        return releases;
    }

    /** The current array, for a copy outside the lock. */
    byte[] storage() {
        return array;
    }

    /** Copies {@code len} bytes from {@code src} into the ring array {@code a} at {@code at}, wrapping. */
    static void copyIn(byte[] src, int off, byte[] a, int at, int len) {
        int first = Math.min(len, a.length - at);
        System.arraycopy(src, off, a, at, first);
        System.arraycopy(src, off + first, a, 0, len - first);
    }

    /** Copies {@code len} bytes from {@code src}'s position into {@code a} at {@code at}, wrapping. */
    static void copyIn(ByteBuffer src, byte[] a, int at, int len) {
        int first = Math.min(len, a.length - at);
        src.get(a, at, first);
        src.get(a, 0, len - first);
    }

    /** Copies {@code len} bytes of the ring array {@code a} from {@code from} into {@code dst}, wrapping. */
    static void copyOut(byte[] a, int from, byte[] dst, int off, int len) {
        int first = Math.min(len, a.length - from);
        System.arraycopy(a, from, dst, off, first);
        System.arraycopy(a, 0, dst, off + first, len - first);
    }

    /** Copies {@code len} bytes of {@code a} from {@code from} into {@code dst} at its position, wrapping. */
    static void copyOut(byte[] a, int from, ByteBuffer dst, int len) {
        int first = Math.min(len, a.length - from);
        dst.put(a, from, first);
        dst.put(a, 0, len - first);
    }

    // ------------------------------------------------------------------ out

    /** Moves the oldest {@code len} bytes into {@code dst} at {@code off}. */
    void take(byte[] dst, int off, int len) {
        checkTake(len);
        copyOut(array, head, dst, off, len);
        skip(len);
    }

    /** Moves the oldest {@code len} bytes into {@code dst} at its position, advancing it. */
    void take(ByteBuffer dst, int len) {
        checkTake(len);
        copyOut(array, head, dst, len);
        skip(len);
    }

    /** Drops the oldest {@code len} bytes (after {@link #firstRun()} of them were consumed in place). */
    void skip(int len) {
        checkTake(len);
        size -= len;
        head = size == 0 ? 0 : (int) ((head + (long) len) % array.length);
    }

    private void checkTake(int len) {
        if (len < 0 || len > size) {
            throw new IllegalArgumentException("cannot take " + len + " bytes: " + size + " held");
        }
    }

    /** The segment over the array, for reading {@link #firstRun()} bytes at {@link #head()} in place. */
    MemorySegment segment() {
        return segment;
    }

    /** Index of the oldest byte in {@link #segment()}. */
    int head() {
        return head;
    }

    /** The oldest bytes that lie in one piece from {@link #head()} (all of them unless they wrap). */
    int firstRun() {
        return Math.min(size, array.length - head);
    }
}
