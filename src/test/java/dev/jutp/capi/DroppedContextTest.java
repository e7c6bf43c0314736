package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.engine.buf.PacketSlab;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 #7: a context dropped without utp_destroy gives its off-heap memory back once the GC
 * has found it unreachable and any context is next created or called. 100,000 contexts, each of
 * which sent a SYN (so its packet memory was allocated), are dropped in batches; after each
 * batch, a GC and a call on a live context, the slab bytes of the whole process are back where
 * they were.
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
    static long collectDownTo(UtpContext live, long target) throws InterruptedException {
        long bytes = PacketSlab.liveBytesAllSlabs();
        for (int round = 0; round < 20 && bytes > target; round++) {
            System.gc();
            Thread.sleep(20);               // the reference handler queues what the GC found
            utp_check_timeouts(live);       // any call frees the memory of dropped contexts
            bytes = PacketSlab.liveBytesAllSlabs();
        }
        return bytes;
    }

    @Test
    void droppedContextsFreeTheirPacketMemory() throws InterruptedException {
        UtpContext live = utp_init(2);
        long baseline = collectDownTo(live, 0);
        UtpContext sample = utp_init(2);
        utp_set_callback(sample, UTP_SENDTO, a -> 0);
        assertEquals(0, utp_connect(utp_create_socket(sample), PEER));
        long perContext = sample.engine.slab().bytesReserved();     // what each dropped context holds
        utp_destroy(sample);
        long worstAfterGc = 0;
        for (int b = 0; b < BATCHES; b++) {
            openAndDrop(PER_BATCH);
            worstAfterGc = Math.max(worstAfterGc, collectDownTo(live, baseline) - baseline);
        }
        System.out.printf("dropped contexts: %d x %d, %d off-heap bytes each while alive, at most %d left after GC"
                + " (baseline %d)%n", BATCHES, PER_BATCH, perContext, worstAfterGc, baseline);
        assertEquals(32 * 1024, perContext, "each context held a first packet chunk");
        // Were dropped contexts never freed, every batch would add PER_BATCH * perContext (32 MB) for good.
        assertTrue(worstAfterGc <= PER_BATCH * perContext / 10,
                "memory of dropped contexts not freed: " + worstAfterGc + " bytes left after GC");
        utp_destroy(live);
    }
}
