package dev.jutp;

import dev.jutp.net.AllocationMeter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Child-JVM program for {@link ByteRingTest}: the per-datagram ring copies (a payload segment into
 * the receive ring, out to a reader's array and direct buffer, into the send ring and out in place),
 * printing the bytes this thread allocated per round. No JUnit, so a child JVM with {@code -Xint}
 * can run it: zero must not depend on the JIT's escape analysis.
 */
public final class RingCopyAllocation {
    private RingCopyAllocation() {
    }

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        AllocationMeter meter = new AllocationMeter();
        meter.currentThreadAllocatedBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment datagram = arena.allocate(1400);
            ByteRing in = new ByteRing();
            ByteRing out = new ByteRing();
            in.reserve(ByteRing.FIRST_CAPACITY_BYTES, ByteRing.FIRST_CAPACITY_BYTES);
            out.reserve(ByteRing.FIRST_CAPACITY_BYTES, ByteRing.FIRST_CAPACITY_BYTES);
            byte[] user = new byte[1000];
            ByteBuffer direct = ByteBuffer.allocateDirect(1000);
            StringBuilder report = new StringBuilder();
            for (int round = 0; round < rounds; round++) {
                long before = meter.currentThreadAllocatedBytes();
                for (int i = 0; i < 1_000; i++) {
                    in.put(datagram, 0, 1400);        // wraps every few datagrams
                    in.take(user, 0, 1000);
                    direct.clear();
                    in.take(direct, 400);
                    out.put(user, 0, 1000);
                    direct.flip();
                    out.put(direct, 400);
                    out.skip(out.firstRun());
                    out.skip(out.size());
                }
                report.append(round == 0 ? "" : " ").append(meter.currentThreadAllocatedBytes() - before);
            }
            System.out.println(report);
        }
    }
}
