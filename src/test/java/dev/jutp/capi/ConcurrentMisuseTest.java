package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.capi.ConformanceDataTest.Pair;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A libutp context is single-threaded (libutp #2, #135: users corrupted it from two threads).
 * jutp refuses a call made while another thread is inside a call on the same context, with an
 * IllegalStateException naming both threads, and the context stays usable; one thread after
 * another, and different contexts on different threads at once, are fine.
 */
class ConcurrentMisuseTest {
    /** The harness's receive buffer is confined to the test thread: another thread brings its own. */
    static void injectIntoB(Harness h, byte[] datagram) {
        MemorySegment seg = java.lang.foreign.Arena.ofAuto().allocate(datagram.length);
        MemorySegment.copy(MemorySegment.ofArray(datagram), 0, seg, 0, datagram.length);
        utp_process_udp(h.sideB.ctx, seg, datagram.length, Harness.ADDR_A);
    }

    /** An ON_READ that signals it is running, waits to be released, then does {@code then}. */
    static UtpCallback holdingOnRead(CountDownLatch running, CountDownLatch release, UtpCallback then) {
        return a -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return then.call(a);
        };
    }

    @Test
    void aSecondThreadInsideTheSameContextIsRefused() throws Exception {
        try (Harness h = new Harness()) {
            Pair p = new Pair(h);
            UtpSocket b = p.b();
            CountDownLatch inCallback = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            utp_set_callback(h.sideB.ctx, UTP_ON_READ, holdingOnRead(inCallback, release, h.sideB.ctx.callbacks[UTP_ON_READ]));
            AtomicReference<Throwable> owner = new AtomicReference<>();
            Thread t = Thread.ofPlatform().name("io-thread").start(() -> {
                try {
                    injectIntoB(h, p.dataFromA(1, ConformanceDataTest.payload(1)));
                } catch (Throwable e) {
                    owner.set(e);
                }
            });
            assertTrue(inCallback.await(10, TimeUnit.SECONDS));
            MemorySegment data = MemorySegment.ofArray(new byte[10]);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> utp_write(b, data, 10));
            assertTrue(e.getMessage().contains("io-thread"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> utp_check_timeouts(h.sideB.ctx));
            release.countDown();
            t.join(10_000);
            assertFalse(t.isAlive(), "the owning thread's call returned");
            assertEquals(null, owner.get(), "the owning thread's call completed normally");

            // The context is intact and usable from this thread now that the other one left.
            assertEquals(1, h.sideB.count(UTP_ON_READ));
            int sentBefore = h.sentBy(h.sideB).size();
            assertEquals(10, utp_write(b, data, 10));
            utp_check_timeouts(h.sideB.ctx);
            Harness.Datagram d = h.lastSentBy(h.sideB);
            assertEquals(sentBefore + 1, h.sentBy(h.sideB).size());
            assertEquals(0, d.type());
            assertEquals(10, d.payloadLength());
        }
    }

    @Test
    void differentContextsOnDifferentThreadsAtOnceAreFine() throws Exception {
        try (Harness h = new Harness()) {
            Pair p = new Pair(h);
            CountDownLatch inCallback = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
            utp_set_callback(h.sideB.ctx, UTP_ON_READ, holdingOnRead(inCallback, release, a -> {
                reads.incrementAndGet();
                return 0;
            }));
            AtomicReference<Throwable> other = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    injectIntoB(h, p.dataFromA(1, ConformanceDataTest.payload(1)));
                } catch (Throwable e) {
                    other.set(e);
                }
            });
            assertTrue(inCallback.await(10, TimeUnit.SECONDS));
            MemorySegment data = MemorySegment.ofArray(new byte[10]);
            assertEquals(10, utp_write(p.a, data, 10));     // side A's context: no conflict
            release.countDown();
            t.join(10_000);
            assertFalse(t.isAlive(), "the other thread's call returned");
            assertEquals(null, other.get(), "and completed normally on its own context");
            assertEquals(1, reads.get(), "its callback ran to the end");
        }
    }
}
