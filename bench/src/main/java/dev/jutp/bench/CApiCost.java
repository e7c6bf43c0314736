package dev.jutp.bench;

import static dev.jutp.capi.Utp.*;

import dev.jutp.capi.UtpCallbackArguments;
import dev.jutp.capi.UtpContext;
import dev.jutp.capi.UtpSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The pure-Java twin of c-api-shim/test/bench-shim.c: the same three measurements made through
 * dev.jutp.capi.Utp directly, so bench/shim/run.sh can print the shim's figures beside them.
 *
 * <pre>
 *   call        ns per utp_context_get_option
 *   callback    ns per utp_check_timeouts firing one GET_MILLISECONDS callback (a Java lambda)
 *   throughput  MB/s, two contexts on one thread over an in-memory network with a fake clock;
 *               every datagram is copied once into a ring and once out of it, as mem-net.c does
 * </pre>
 *
 * Run by bench/shim/run.sh (compiled with the bench sources, so API changes break the build, not the bench):
 * {@code java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes dev.jutp.bench.CApiCost [MB=256]}
 */
public class CApiCost {
    public static void main(String[] args) {
        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 256;
        UtpContext ctx = utp_init(2);
        final int n = 2_000_000;
        // Each loop is a method run whole several times, so the timed run is a normal compiled
        // call (as each upcall of the shim is), not an on-stack-replaced loop in main.
        long sink = 0;
        double callNs = 0, cbNs = 0;
        for (int round = 0; round < 4; round++) {
            long t0 = System.nanoTime();
            sink += optionLoop(ctx, n);
            callNs = (System.nanoTime() - t0) / (double) n;
        }
        System.out.printf("call        %.1f ns per utp_context_get_option%n", callNs);

        utp_set_callback(ctx, UTP_GET_MILLISECONDS, a -> 1000);
        for (int round = 0; round < 4; round++) {
            long t0 = System.nanoTime();
            timeoutLoop(ctx, n);
            cbNs = (System.nanoTime() - t0) / (double) n;
        }
        System.out.printf("callback    %.1f ns per utp_check_timeouts with one GET_MILLISECONDS callback "
                + "(~%.1f ns for the callback leg)%n", cbNs, cbNs - callNs);
        utp_destroy(ctx);

        MemNet net = new MemNet();
        long total = megabytes << 20;
        long t0 = System.nanoTime();
        long got = net.transfer(total);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("throughput  %.1f MB/s Java-to-Java, one thread, in-memory (%d MB in %.2f s)%n",
                got / secs / 1e6, got >> 20, secs);
        if (sink == 42 || got != total) {
            System.err.println("bench: received " + got + " of " + total + " bytes");
            System.exit(1);
        }
    }

    /** Read afresh on every iteration so the JIT cannot hoist the call out of the loop. */
    static volatile UtpContext target;

    static long optionLoop(UtpContext ctx, int n) {
        target = ctx;
        long sink = 0;
        for (int i = 0; i < n; i++) sink += utp_context_get_option(target, UTP_SNDBUF);
        return sink;
    }

    static void timeoutLoop(UtpContext ctx, int n) {
        target = ctx;
        for (int i = 0; i < n; i++) utp_check_timeouts(target);
    }

    /** Two contexts joined by a ring of datagram copies, stepped by hand (mem-net.c in Java). */
    static final class MemNet {
        static final int CAP = 8192, MAX = 2048;
        final Arena arena = Arena.ofConfined();
        final MemorySegment ring = arena.allocate((long) CAP * MAX);
        final MemorySegment delivery = arena.allocate(MAX);
        final int[] to = new int[CAP], len = new int[CAP];
        final UtpContext[] ctx = new UtpContext[2];
        final InetSocketAddress[] addr = new InetSocketAddress[2];
        int head, count, rng = 12345;
        long nowUs = 1_000_000, sent, received, total;
        UtpSocket client;
        final MemorySegment chunk = arena.allocate(65536);

        MemNet() {
            for (int i = 0; i < 2; i++) {
                final int me = i;
                addr[i] = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10001 + i);
                ctx[i] = utp_init(2);
                utp_set_callback(ctx[i], UTP_SENDTO, a -> enqueue(a));
                utp_set_callback(ctx[i], UTP_GET_MILLISECONDS, a -> nowUs / 1000);
                utp_set_callback(ctx[i], UTP_GET_MICROSECONDS, a -> nowUs);
                utp_set_callback(ctx[i], UTP_GET_RANDOM, a -> (rng = rng * 1103515245 + 12345) >>> 1);
                utp_set_callback(ctx[i], UTP_ON_READ, a -> {
                    received += a.len();
                    utp_read_drained(a.socket());
                    return 0;
                });
                utp_set_callback(ctx[i], UTP_ON_STATE_CHANGE, a -> {
                    if (a.socket() == client && (a.state() == UTP_STATE_CONNECT || a.state() == UTP_STATE_WRITABLE)) {
                        pump();
                    }
                    return 0;
                });
            }
            utp_set_callback(ctx[1], UTP_ON_ACCEPT, a -> 0);
        }

        private long enqueue(UtpCallbackArguments a) {
            int dst = a.context() == ctx[0] ? 1 : 0;                      // the other peer
            if (count == CAP || a.len() > MAX) return 0;               // tail drop
            int slot = (head + count++) % CAP;
            MemorySegment.copy(a.buf_segment(), a.buf_offset(), ring, (long) slot * MAX, a.len());
            to[slot] = dst;
            len[slot] = (int) a.len();
            return 0;
        }

        private void pump() {
            for (int g = 0; g < 1000 && sent < total; g++) {
                long w = utp_write(client, chunk, Math.min(chunk.byteSize(), total - sent));
                if (w <= 0) return;
                sent += w;
            }
        }

        long transfer(long bytes) {
            total = bytes;
            client = utp_create_socket(ctx[0]);
            utp_connect(client, addr[1]);
            for (int step = 0; step < 10_000_000 && received < total; step++) {
                step(200);
            }
            return received;
        }

        private void step(long advanceUs) {
            for (int budget = 4 * CAP; count > 0 && budget > 0; budget--) {
                int slot = head, n = len[slot], dst = to[slot];
                MemorySegment.copy(ring, (long) slot * MAX, delivery, 0, n);  // the ring may refill meanwhile
                head = (head + 1) % CAP;
                count--;
                utp_process_udp(ctx[dst], delivery, n, addr[1 - dst]);
            }
            for (UtpContext c : ctx) utp_issue_deferred_acks(c);
            nowUs += advanceUs;
            for (UtpContext c : ctx) utp_check_timeouts(c);
        }
    }
}
