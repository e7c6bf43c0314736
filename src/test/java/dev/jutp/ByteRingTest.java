package dev.jutp;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class ByteRingTest {
    private static final int CAP = ByteRing.FIRST_CAPACITY_BYTES;

    /** Bytes {@code from, from+1, ...} (mod 256), so any reordering or loss shows. */
    private static byte[] counting(int from, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    /**
     * A writer copies outside the lock while the I/O side empties the ring, which moves the head to
     * 0: its bytes must then be read from where it put them, across the array's end too (before
     * commitPut took the place, they were read from index 0: a 50 MB stream test saw garbage).
     */
    @Test
    void aCopyOutsideTheLockSurvivesTheConsumerEmptyingTheRing() {
        ByteRing r = new ByteRing();
        r.reserve(CAP, CAP);
        r.put(counting(0, CAP - 100), 0, CAP - 100);
        byte[] ring = r.storage();
        int at = r.tail();
        int releases = r.releases();
        r.skip(CAP - 100);                  // the consumer drains everything: head back to 0
        assertEquals(0, r.head());
        ByteRing.copyIn(counting(7, 300), 0, ring, at, 300);    // wraps: 100 at the end, 200 at the start
        assertEquals(releases, r.releases(), "not released: the bytes are committed");
        r.commitPut(at, 300);
        byte[] out = new byte[300];
        r.take(out, 0, 300);
        assertArrayEquals(counting(7, 300), out);
    }

    @Test
    void aCopyOutsideTheLockAppendsAtTheTailWhileBytesRemain() {
        ByteRing r = new ByteRing();
        r.reserve(CAP, CAP);
        r.put(counting(0, 1000), 0, 1000);
        int at = r.tail();
        ByteRing.copyIn(ByteBuffer.wrap(counting(1000, 500)), r.storage(), at, 500);
        r.skip(400);                        // the consumer takes some meanwhile
        r.commitPut(at, 500);
        byte[] out = new byte[1100];
        r.take(out, 0, 1100);
        assertArrayEquals(counting(400, 1100), out);
        assertThrows(IllegalStateException.class, () -> {
            r.put(new byte[10], 0, 10);
            r.commitPut(0, 1);              // not where the tail is: a caller's bug, refused
        });
    }

    @Test
    void aReadOutsideTheLockKeepsItsBytesThroughAGrowthAndNoticesARelease() {
        ByteRing r = new ByteRing();
        r.reserve(CAP, Integer.MAX_VALUE);
        r.put(counting(0, 3000), 0, 3000);
        r.skip(2000);
        r.put(counting(3000, 2500), 0, 2500);   // 3500 held from index 2000, wrapping
        byte[] ring = r.storage();
        int from = r.head();
        r.reserve(3 * CAP, Integer.MAX_VALUE);  // the I/O side grows the ring meanwhile
        assertNotSame(ring, r.storage());
        ByteBuffer dst = ByteBuffer.allocate(3500);
        ByteRing.copyOut(ring, from, dst, 3500);
        assertArrayEquals(counting(2000, 3500), dst.array(), "the old array still holds the bytes");
        r.skip(3500);
        assertTrue(r.isEmpty());
        int releases = r.releases();
        r.release();
        assertNotEquals(releases, r.releases(), "a release is visible to a copy that began before it");
    }

    @Test
    void holdsNothingUntilReservedAndNothingAfterRelease() {
        ByteRing r = new ByteRing();
        assertEquals(0, r.capacity());
        assertEquals(0, r.free());
        assertTrue(r.isEmpty());
        r.reserve(10, Integer.MAX_VALUE);
        assertEquals(CAP, r.capacity(), "the first array has the first capacity");
        r.put(counting(0, 10), 0, 10);
        r.release();
        assertEquals(0, r.capacity());
        assertEquals(0, r.size());
    }

    @Test
    void fillsToFullAndEmptiesAgainAcrossTheEnd() {
        ByteRing r = new ByteRing();
        r.reserve(CAP, CAP);
        r.put(counting(0, 1000), 0, 1000);
        r.skip(1000);                       // empty: head back to 0
        assertEquals(0, r.head());
        r.put(counting(0, 3000), 0, 3000);
        r.take(new byte[2500], 0, 2500);    // head at 2500, 500 held
        r.put(counting(3000, CAP - 500), 0, CAP - 500);    // wraps: exactly full
        assertEquals(CAP, r.size());
        assertEquals(0, r.free());
        assertEquals(CAP - 2500, r.firstRun(), "the run from the head stops at the array's end");
        assertThrows(IllegalArgumentException.class, () -> r.put(new byte[1], 0, 1), "full");
        byte[] out = new byte[CAP];
        r.take(out, 0, CAP);
        assertArrayEquals(counting(2500, CAP), out, "order kept across the wrap");
        assertTrue(r.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> r.take(new byte[1], 0, 1), "empty");
        assertThrows(IllegalArgumentException.class, () -> r.skip(1), "empty");
    }

    @Test
    void byteBufferCopiesWrapBothWays() {
        for (boolean direct : new boolean[] {false, true}) {
            ByteRing r = new ByteRing();
            r.reserve(CAP, CAP);
            r.put(new byte[3000], 0, 3000);
            r.skip(3000);
            r.put(new byte[3000], 0, 3000);
            r.skip(2999);                   // head at 2999, one byte held
            ByteBuffer src = direct ? ByteBuffer.allocateDirect(4000) : ByteBuffer.allocate(4000);
            src.put(counting(1, 4000)).flip();
            src.position(5);
            r.put(src, 2000);               // wraps at the array's end
            assertEquals(2005, src.position(), "the source advanced by what was put");
            ByteBuffer dst = direct ? ByteBuffer.allocateDirect(3000) : ByteBuffer.allocate(3000);
            dst.position(7);
            r.take(dst, 2001);              // wraps too
            assertEquals(2008, dst.position());
            byte[] got = new byte[2000];
            dst.get(8, got);
            assertArrayEquals(counting(6, 2000), got, (direct ? "direct" : "heap") + " buffers");
            assertTrue(r.isEmpty());
        }
    }

    @Test
    void segmentCopiesWrapAndReadInPlace() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment datagram = arena.allocate(1500);
            MemorySegment.copy(counting(40, 1500), 0, datagram, ValueLayout.JAVA_BYTE, 0, 1500);
            ByteRing r = new ByteRing();
            r.reserve(CAP, CAP);
            r.put(new byte[3500], 0, 3500);
            r.skip(3499);                   // head at 3499, one zero byte held
            r.put(datagram, 100, 1400);     // 596 bytes to the array's end, 804 from its start
            assertEquals(CAP - 3499, r.firstRun(), "read in place up to the array's end");
            byte[] inPlace = new byte[r.firstRun()];
            MemorySegment.copy(r.segment(), ValueLayout.JAVA_BYTE, r.head(), inPlace, 0, inPlace.length);
            byte[] wrapped = new byte[1401];
            System.arraycopy(counting(140, 1400), 0, wrapped, 1, 1400);
            assertArrayEquals(java.util.Arrays.copyOf(wrapped, inPlace.length), inPlace);
            r.skip(inPlace.length);
            assertEquals(0, r.head(), "the rest starts at the array's start");
            byte[] rest = new byte[r.size()];
            r.take(rest, 0, rest.length);
            assertArrayEquals(java.util.Arrays.copyOfRange(wrapped, inPlace.length, 1401), rest);

            r.put(datagram, 0, 1500);
            r.skip(1000);                   // head 1000, 500 held
            r.put(datagram, 0, 1500);
            r.put(datagram, 0, 1500);       // 3500 held from head 1000: ends at 4500, wraps
            assertEquals(CAP - 1000, r.firstRun());
            byte[] all = new byte[3500];
            r.take(all, 0, 3500);
            byte[] expected = new byte[3500];
            System.arraycopy(counting(1040, 500), 0, expected, 0, 500);
            System.arraycopy(counting(40, 1500), 0, expected, 500, 1500);
            System.arraycopy(counting(40, 1500), 0, expected, 2000, 1500);
            assertArrayEquals(expected, all);
        }
    }

    @Test
    void growingKeepsWrappedBytesInOrder() {
        ByteRing r = new ByteRing();
        r.reserve(CAP, CAP);
        r.put(new byte[3000], 0, 3000);
        r.skip(3000);
        r.put(new byte[3000], 0, 3000);
        r.skip(3000);                       // empty again, head reset
        r.put(new byte[3000], 0, 3000);
        r.skip(2000);                       // head 2000, 1000 held
        r.put(counting(0, 3000), 0, 3000);  // 4000 held, wrapped
        r.reserve(r.size() + 5000, Integer.MAX_VALUE);
        assertEquals(4 * CAP, r.capacity(), "doubles until 9000 bytes fit");
        assertEquals(0, r.head(), "the copy starts at 0");
        assertEquals(4000, r.firstRun(), "no longer wrapped");
        r.put(counting(3000, 5000), 0, 5000);
        byte[] out = new byte[9000];
        r.take(out, 0, 9000);
        byte[] expected = new byte[9000];
        System.arraycopy(counting(0, 8000), 0, expected, 1000, 8000);
        assertArrayEquals(expected, out);
    }

    @Test
    void reserveRespectsItsLimitAndNeverShrinks() {
        ByteRing r = new ByteRing();
        r.reserve(100, 1000);
        assertEquals(1000, r.capacity(), "a limit below the first capacity is the capacity");
        r.reserve(5000, 1000);
        assertEquals(1000, r.capacity(), "never beyond the limit");
        ByteRing big = new ByteRing();
        big.reserve(20_000, 50_000);
        assertEquals(32_768, big.capacity());
        big.reserve(40_000, 50_000);
        assertEquals(50_000, big.capacity(), "doubling stops at the limit");
        big.reserve(10, 50_000);
        assertEquals(50_000, big.capacity(), "never shrinks");
        assertThrows(IllegalArgumentException.class, () -> big.put(new byte[1], 0, -1));
        assertEquals(0, big.size(), "a refused call moves nothing");
    }

    /**
     * The per-datagram copies (a payload into the receive ring, bytes out to the reader and the
     * protocol) allocate nothing once the rings exist, and not thanks to escape analysis: in the
     * interpreter too (a child JVM with {@code -Xint}).
     */
    @Test
    void steadyStateCopiesAllocateNothingEvenInTheInterpreter() throws Exception {
        java.util.List<String> cmd = java.util.List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-Xint", "-cp", System.getProperty("java.class.path"), RingCopyAllocation.class.getName(), "4");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        // The first round pays for first use (class initialisation); then nothing.
        assertEquals("0 0 0", out.substring(out.indexOf(' ') + 1), "bytes allocated per round of 1,000 datagrams: " + out);
    }
}
