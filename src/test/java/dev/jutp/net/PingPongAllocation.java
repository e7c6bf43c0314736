package dev.jutp.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM program for {@link LinuxTransportTest}: ping-pongs 1,200-byte datagrams between two
 * Linux transports and prints the bytes this thread allocated per receive+send cycle, per round.
 */
public final class PingPongAllocation {
    private PingPongAllocation() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        try (Arena arena = Arena.ofShared()) {
            InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            Transport a = LinuxTransport.open(any, TransportOptions.defaults());
            Transport b = LinuxTransport.open(any, TransportOptions.defaults());
            MemorySegment payload = arena.allocate(1200);
            OutgoingBatch outA = new OutgoingBatch(4);
            OutgoingBatch outB = new OutgoingBatch(4);
            DatagramBatch inA = new DatagramBatch(arena, 4, 2048);
            DatagramBatch inB = new DatagramBatch(arena, 4, 2048);
            InetSocketAddress toB = b.localAddress();
            AllocationMeter mx = new AllocationMeter();
            mx.currentThreadAllocatedBytes();
            StringBuilder out = new StringBuilder();
            for (int round = 0; round < rounds; round++) {
                long before = mx.currentThreadAllocatedBytes();
                if (pingPong(a, b, payload, outA, outB, inA, inB, toB, 2_000) != 2_000) {
                    throw new IllegalStateException("no datagram within 10 s");
                }
                long after = mx.currentThreadAllocatedBytes();
                out.append(round == 0 ? "" : " ").append((after - before) / 2_000);
            }
            System.out.println(out);
            a.close();
            b.close();
        }
    }

    /**
     * A sends to B, B replies to the reported source; returns the completed round trips. Shared
     * with {@link AbstractTransportTest} (this class has no JUnit, so the child JVM can run it).
     */
    static int pingPong(Transport a, Transport b, MemorySegment payload, OutgoingBatch outA,
                        OutgoingBatch outB, DatagramBatch inA, DatagramBatch inB,
                        InetSocketAddress toB, int rounds) {
        int done = 0;
        for (int r = 0; r < rounds; r++) {
            outA.add(payload, 0, 1200, toB, 0);
            a.send(outA);
            if (!spinReceive(b, inB)) {
                break;
            }
            outB.add(payload, 0, 1200, inB.source(0), 0);
            b.send(outB);
            if (!spinReceive(a, inA)) {
                break;
            }
            done++;
        }
        return done;
    }

    private static boolean spinReceive(Transport t, DatagramBatch in) {
        for (int i = 0; i < 1_000; i++) {
            if (t.receive(in) > 0) {
                return true;
            }
            t.awaitReadable(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return false;
    }
}
