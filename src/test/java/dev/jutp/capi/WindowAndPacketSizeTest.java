package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.capi.Harness.Datagram;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The send window is min(cwnd, SNDBUF, peer window), and packet sizes follow GET_UDP_MTU with
 * libutp's defaults (IPv4 1402 / IPv6 1232 bytes, overhead 28 / 76).
 */
class WindowAndPacketSizeTest {

    /** A connection whose cwnd has grown far past the limits under test; acks from B then stop. */
    static ConformanceDataTest.Pair grownThenSilent(Harness h) {
        ConformanceDataTest.Pair p = new ConformanceDataTest.Pair(h);
        MemorySegment chunk = Harness.bytes(new byte[64 * 1024]);
        for (int i = 0; i < 100; i++) {
            utp_write(p.a, chunk, chunk.byteSize());
            h.deliver();
            h.nowMicros += 1000;
            h.tick();
        }
        h.advance(2000, 100);
        assertTrue(utp_get_stats(p.a).congestionWindow() > 20_000, "cwnd " + utp_get_stats(p.a).congestionWindow());
        h.globalDrop = d -> d.from() == h.sideB;
        return p;
    }

    static long payloadSentByASince(Harness h, int index) {
        List<Datagram> all = h.sentBy(h.sideA);
        return all.subList(index, all.size()).stream().filter(d -> d.type() == 0).mapToLong(Datagram::payloadLength).sum();
    }

    @Test
    void sndbufCapsTheBytesInFlight() {
        try (Harness h = new Harness()) {
            ConformanceDataTest.Pair p = grownThenSilent(h);
            assertEquals(0, utp_setsockopt(p.a, UTP_SNDBUF, 5000));
            int before = h.sentBy(h.sideA).size();
            long accepted = utp_write(p.a, Harness.bytes(new byte[1 << 20]), 1 << 20);
            h.advance(400, 100);
            long inFlight = payloadSentByASince(h, before);
            assertTrue(accepted <= 5000 && accepted > 5000 - 1382, "accepted " + accepted);
            assertEquals(accepted, inFlight);
        }
    }

    @Test
    void peerWindowCapsTheBytesInFlight() {
        try (Harness h = new Harness()) {
            utp_context_set_option(h.sideB.ctx, UTP_RCVBUF, 7000);    // B advertises 7000 from its SYN-ACK on
            ConformanceDataTest.Pair p = grownThenSilent(h);
            int before = h.sentBy(h.sideA).size();
            long accepted = utp_write(p.a, Harness.bytes(new byte[1 << 20]), 1 << 20);
            h.advance(400, 100);
            long inFlight = payloadSentByASince(h, before);
            assertTrue(accepted <= 7000 && accepted > 7000 - 1382, "accepted " + accepted);
            assertEquals(accepted, inFlight);
        }
    }

    /** Two contexts on IPv6 addresses, wired by hand (the Harness is IPv4). */
    static final class V6Pair {
        static final InetSocketAddress A = new InetSocketAddress("fd00::1", 1000);
        static final InetSocketAddress B = new InetSocketAddress("fd00::2", 2000);
        final UtpContext ca = utp_init(2);
        final UtpContext cb = utp_init(2);
        final ArrayDeque<Object[]> queue = new ArrayDeque<>();
        final List<byte[]> sentByA = new ArrayList<>();
        final List<long[]> overheadA = new ArrayList<>();
        final List<Integer> mtuQueriesA = new ArrayList<>();

        V6Pair() {
            for (UtpContext c : new UtpContext[] {ca, cb}) {
                utp_set_callback(c, UTP_GET_MILLISECONDS, a -> 5000);
                utp_set_callback(c, UTP_GET_MICROSECONDS, a -> 5_000_000);
                utp_set_callback(c, UTP_SENDTO, a -> {
                    byte[] bytes = a.buf().toArray(ValueLayout.JAVA_BYTE);
                    if (c == ca) {
                        sentByA.add(bytes);
                    }
                    queue.add(new Object[] {c == ca ? cb : ca, bytes, c == ca ? A : B});
                    return 0;
                });
            }
            utp_set_callback(cb, UTP_ON_ACCEPT, a -> 0);
            utp_set_callback(ca, UTP_ON_OVERHEAD_STATISTICS, a -> {
                overheadA.add(new long[] {a.send(), a.type(), a.len()});
                return 0;
            });
        }

        void deliver() {
            for (int i = 0; i < 1000 && !queue.isEmpty(); i++) {
                Object[] d = queue.poll();
                byte[] b = (byte[]) d[1];
                utp_process_udp((UtpContext) d[0], MemorySegment.ofArray(b), b.length, (InetSocketAddress) d[2]);
                utp_issue_deferred_acks(ca);
                utp_issue_deferred_acks(cb);
            }
        }

        UtpSocket connect(InetSocketAddress to) {
            UtpSocket s = utp_create_socket(ca);
            assertEquals(0, utp_connect(s, to));
            deliver();
            return s;
        }

        void destroy() {
            utp_destroy(ca);
            utp_destroy(cb);
        }
    }

    @Test
    void ipv6DefaultsAre1232ByteDatagramsAnd76BytesOverhead() {
        V6Pair v = new V6Pair();
        try {
            UtpSocket s = v.connect(V6Pair.B);
            v.overheadA.clear();
            assertEquals(1232 - 20, utp_write(s, Harness.bytes(new byte[1 << 20]), 1 << 20));
            assertEquals(1232, v.sentByA.get(v.sentByA.size() - 1).length);
            assertEquals(1232, utp_get_stats(s).mtu_guess());
            assertArrayEquals(new long[] {1, UTP_HEADER_OVERHEAD, 20 + 76}, v.overheadA.get(0));
        } finally {
            v.destroy();
        }
    }

    @Test
    void applicationMtuIsHonouredAndSeesThePeer() {
        V6Pair v = new V6Pair();
        List<InetSocketAddress> asked = new ArrayList<>();
        utp_set_callback(v.ca, UTP_GET_UDP_MTU, a -> {
            asked.add(a.address());
            return 600;
        });
        try {
            UtpSocket s = v.connect(V6Pair.B);
            assertEquals(580, utp_write(s, Harness.bytes(new byte[1 << 20]), 1 << 20));
            assertEquals(600, v.sentByA.get(v.sentByA.size() - 1).length);
            assertFalse(asked.isEmpty());
            assertTrue(asked.stream().allMatch(V6Pair.B::equals), asked.toString());
        } finally {
            v.destroy();
        }
    }
}
