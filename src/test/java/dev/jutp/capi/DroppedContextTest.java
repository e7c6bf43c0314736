package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.engine.buf.PacketSlab;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 #7: a context dropped without utp_destroy gives its off-heap memory back once it is
 * unreachable (a Cleaner on the engine's memory). 100,000 contexts, each of which sent a SYN
 * (so its packet memory was allocated), are dropped in batches; after each batch and a GC the
 * slab bytes of the whole process return to where they were.
 */
class DroppedContextTest {
    static final int BATCHES = 100;
    static final int PER_BATCH = 1000;
    static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.2", 2000);

    static void openAndDrop(int count) {
        for (int i = 0; i < count; i++) {
            UtpContext ctx = utp_init(2);
            utp_set_callback(ctx, UTP_SENDTO, a -> 0);
            UtpSocket s = utp_create_socket(ctx);
            assertEquals(0, utp_connect(s, PEER));
        }
    }

    /** Collects until the process's slab bytes fall to {@code target} or 20 rounds pass; returns them. */
    static long collectDownTo(long target) throws InterruptedException {
        long live = PacketSlab.liveBytesAllSlabs();
        for (int round = 0; round < 20 && live > target; round++) {
            System.gc();
            Thread.sleep(20);               // the cleaner thread runs the releases
            live = PacketSlab.liveBytesAllSlabs();
        }
        return live;
    }

    @Test
    void droppedContextsFreeTheirPacketMemory() throws InterruptedException {
        long baseline = collectDownTo(0);
        long perContext = -1;
        long worstAfterGc = 0;
        for (int b = 0; b < BATCHES; b++) {
            long before = PacketSlab.liveBytesAllSlabs();
            openAndDrop(PER_BATCH);
            if (b == 0) {
                perContext = (PacketSlab.liveBytesAllSlabs() - before) / PER_BATCH;
            }
            worstAfterGc = Math.max(worstAfterGc, collectDownTo(baseline) - baseline);
        }
        System.out.printf("dropped contexts: %d x %d, %d off-heap bytes each while alive, at most %d left after GC"
                + " (baseline %d)%n", BATCHES, PER_BATCH, perContext, worstAfterGc, baseline);
        assertTrue(perContext >= 16 * 1024, "each context held packet memory (32 KiB, less what the cleaner freed meanwhile): " + perContext);
        // Without the cleaner every batch would add PER_BATCH * perContext (32 MB) for good.
        assertTrue(worstAfterGc <= PER_BATCH * perContext / 10,
                "memory of dropped contexts not freed: " + worstAfterGc + " bytes left after GC");
    }
}
