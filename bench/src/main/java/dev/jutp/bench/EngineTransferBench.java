package dev.jutp.bench;

import static dev.jutp.capi.Utp.*;

import dev.jutp.capi.UtpContext;
import dev.jutp.capi.UtpSocket;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Two engines in one thread, no sockets: each context's SENDTO copies the datagram into a preallocated
 * queue that the other context drains through {@code utp_process_udp} (then
 * {@code utp_issue_deferred_acks}, as an I/O loop does per batch). One operation moves 1 MiB from A
 * to B (copied out in ON_READ), so MB/s per core = 1.048576 / (seconds per op), and B/op ÷ ~760
 * packets is the allocation per packet. The clock is real time (LEDBAT sees ~0 delay).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class EngineTransferBench {
    static final InetSocketAddress ADDR_A = new InetSocketAddress("10.0.0.1", 1000);
    static final InetSocketAddress ADDR_B = new InetSocketAddress("10.0.0.2", 2000);
    static final long MIB = 1 << 20;
    static final int WRITE = 64 * 1024;

    /** A fixed-size datagram queue in one native segment; full means dropped, as a socket would. */
    static final class Queue {
        static final int SLOTS = 4096;
        static final int SLOT = 2048;
        final MemorySegment slots;
        /** One view per slot, made once: slicing per packet would allocate. */
        final MemorySegment[] views = new MemorySegment[SLOTS];
        final int[] lengths = new int[SLOTS];
        int head;
        int count;
        long dropped;

        Queue(Arena arena) {
            slots = arena.allocate((long) SLOTS * SLOT, 64);
            for (int i = 0; i < SLOTS; i++) {
                views[i] = slots.asSlice((long) i * SLOT, SLOT);
            }
        }

        void offer(MemorySegment s, long off, long len) {
            if (count == SLOTS || len > SLOT) {
                dropped++;
                return;
            }
            int i = (head + count) % SLOTS;
            MemorySegment.copy(s, off, slots, (long) i * SLOT, len);
            lengths[i] = (int) len;
            count++;
        }

        /** Hands every queued datagram (including ones queued meanwhile) to {@code ctx}; returns how many. */
        int drainInto(UtpContext ctx, InetSocketAddress from) {
            int n = 0;
            while (count > 0) {
                int i = head;
                head = (head + 1) % SLOTS;
                count--;
                utp_process_udp(ctx, views[i], lengths[i], from);
                n++;
            }
            return n;
        }
    }

    Arena arena;
    UtpContext a;
    UtpContext b;
    UtpSocket sender;
    Queue toB;
    Queue toA;
    MemorySegment data;
    MemorySegment sink;
    long delivered;
    boolean connected;

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        toB = new Queue(arena);
        toA = new Queue(arena);
        data = arena.allocate(WRITE);
        sink = arena.allocate(65_536);
        a = context(() -> toB);
        b = context(() -> toA);
        utp_set_callback(a, UTP_ON_STATE_CHANGE, x -> {
            if (x.state() == UTP_STATE_CONNECT) {
                connected = true;
            }
            return 0;
        });
        utp_set_callback(b, UTP_ON_ACCEPT, x -> 0);
        utp_set_callback(b, UTP_ON_READ, x -> {
            MemorySegment.copy(x.buf_segment(), x.buf_offset(), sink, 0, x.len());
            delivered += x.len();
            return 0;
        });
        sender = utp_create_socket(a);
        utp_connect(sender, ADDR_B);
        for (int i = 0; i < 10 && !connected; i++) {
            pass();
        }
        if (!connected) {
            throw new IllegalStateException("in-memory handshake did not complete");
        }
    }

    private static UtpContext context(java.util.function.Supplier<Queue> out) {
        UtpContext ctx = utp_init(2);
        Queue q = out.get();
        utp_set_callback(ctx, UTP_SENDTO, x -> {
            q.offer(x.buf_segment(), x.buf_offset(), x.len());
            return 0;
        });
        return ctx;
    }

    /** One loop pass: A writes what its window takes, B drains and acks, A drains the acks. */
    private void pass() {
        while (utp_write(sender, data, WRITE) > 0) {
            // until the send buffer is full
        }
        if (toB.drainInto(b, ADDR_A) > 0) {
            utp_issue_deferred_acks(b);
        }
        if (toA.drainInto(a, ADDR_B) > 0) {
            utp_issue_deferred_acks(a);
        }
    }

    @TearDown
    public void tearDown() {
        System.out.printf("%n[EngineTransferBench] queue drops: to B %d, to A %d%n", toB.dropped, toA.dropped);
        utp_destroy(a);
        utp_destroy(b);
        arena.close();
    }

    /** Moves 1 MiB from A to B. */
    @Benchmark
    public long transferOneMiB() {
        long target = delivered + MIB;
        for (int guard = 0; delivered < target && guard < 1_000_000; guard++) {
            pass();
        }
        if (delivered < target) {
            throw new IllegalStateException("transfer stalled at " + delivered);
        }
        return delivered;
    }
}
