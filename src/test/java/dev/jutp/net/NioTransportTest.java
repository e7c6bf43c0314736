package dev.jutp.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class NioTransportTest extends AbstractTransportTest {
    @Override
    Transport openTransport(InetSocketAddress bind, TransportOptions options) throws IOException {
        return NioTransport.open(bind, options);
    }

    @Override
    boolean expectsIcmpErrors() {
        return false;
    }

    /**
     * Pins down the JDK behaviour the NIO transport relies on: DatagramChannel.receive allocates a
     * sender address only when the sender differs from the previous datagram's.
     */
    @Test
    void jdkAllocatesASenderAddressOnlyWhenThePeerChanges() throws IOException {
        Transport a = open(V4_ANY_PORT);
        Transport b = open(V4_ANY_PORT);
        Transport receiver = open(V4_ANY_PORT);
        MemorySegment payload = arena.allocate(100);
        OutgoingBatch out = new OutgoingBatch(1);
        DatagramBatch in = new DatagramBatch(arena, 1, 2048);
        AllocationMeter meter = new AllocationMeter();
        int rounds = 2_000;
        exchange(a, a, receiver, payload, out, in, rounds); // warm-up
        exchange(a, b, receiver, payload, out, in, rounds);
        meter.currentThreadAllocatedBytes();
        long start = meter.currentThreadAllocatedBytes();
        exchange(a, a, receiver, payload, out, in, rounds);
        long samePeer = meter.currentThreadAllocatedBytes() - start;
        start = meter.currentThreadAllocatedBytes();
        exchange(a, b, receiver, payload, out, in, rounds);
        long alternating = meter.currentThreadAllocatedBytes() - start;
        System.out.printf("nio receive: %.1f bytes/datagram from one peer, %.1f bytes/datagram from two"
                + " interleaved peers%n", samePeer / (double) rounds, alternating / (double) rounds);
        assertTrue(samePeer < 4096, "one peer: " + samePeer + " bytes");
        assertTrue(alternating > 16L * rounds, "interleaved peers: " + alternating + " bytes");
    }

    /** Sends {@code rounds} datagrams, alternating between two senders, and receives each one. */
    private static void exchange(Transport first, Transport second, Transport receiver, MemorySegment payload,
                                 OutgoingBatch out, DatagramBatch in, int rounds) {
        for (int r = 0; r < rounds; r++) {
            out.add(payload, 0, 100, receiver.localAddress(), 0);
            sendAll((r & 1) == 0 ? first : second, out);
            InetSocketAddress from = receiveOne(receiver, in);
            assertEquals(((r & 1) == 0 ? first : second).localAddress().getPort(), from.getPort());
        }
    }
}
