package dev.jutp.net;

import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.function.BiConsumer;

/** Test access to an {@link OutgoingBatch}'s datagrams, for owners that are not transports (the simulator). */
public final class OutgoingBatches {
    private OutgoingBatches() {
    }

    /** Hands every queued datagram (a copy) and its destination to {@code sink}, then empties the batch. */
    public static void drain(OutgoingBatch batch, BiConsumer<byte[], InetSocketAddress> sink) {
        int n = batch.remaining();
        for (int i = batch.head(); i < batch.end(); i++) {
            byte[] copy = batch.segment(i).asSlice(batch.offset(i), batch.length(i)).toArray(ValueLayout.JAVA_BYTE);
            sink.accept(copy, batch.destination(i));
        }
        batch.advance(n);
    }
}
