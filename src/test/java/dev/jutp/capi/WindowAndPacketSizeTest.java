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

    /** Payload of the distinct DATA packets A sent since {@code index} (a tail-loss probe resends one: not new bytes in flight). */
    static long payloadSentByASince(Harness h, int index) {
        List<Datagram> all = h.sentBy(h.sideA);
        java.util.Map<Integer, Integer> bySeq = new java.util.HashMap<>();
        all.subList(index, all.size()).stream().filter(d -> d.type() == 0).forEach(d -> bySeq.put(d.seq(), d.payloadLength()));
        return bySeq.values().stream().mapToLong(Integer::longValue).sum();
    }

    @Test
    void sndbufCapsTheBytesInFlight() {
        try (Harness h = new Harness()) {
            ConformanceDataTest.Pair p = grownThenSilent(h);
            assertEquals(0, utp_setsockopt(p.a, UTP_SNDBUF, 5000));
            assertBytesInFlightCappedAt(h, p, 5000);
        }
    }

    /** A 1 MiB write is taken only up to {@code cap} (within a packet), and that much goes out. */
    private static void assertBytesInFlightCappedAt(Harness h, ConformanceDataTest.Pair p, int cap) {
        int before = h.sentBy(h.sideA).size();
        long accepted = utp_write(p.a, Harness.bytes(new byte[1 << 20]), 1 << 20);
        h.advance(400, 100);
        long inFlight = payloadSentByASince(h, before);
        assertTrue(accepted <= cap && accepted > cap - 1382, "accepted " + accepted);
        assertEquals(accepted, inFlight);
    }

    @Test
    void peerWindowCapsTheBytesInFlight() {
        try (Harness h = new Harness()) {
            utp_context_set_option(h.sideB.ctx, UTP_RCVBUF, 7000);    // B advertises 7000 from its SYN-ACK on
            ConformanceDataTest.Pair p = grownThenSilent(h);
            assertBytesInFlightCappedAt(h, p, 7000);
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

    /** An {@link java.net.Inet6Address} in IPv4-mapped form (InetAddress.getByName would hand back an Inet4Address). */
    static InetSocketAddress mapped(InetSocketAddress v4) throws Exception {
        byte[] four = v4.getAddress().getAddress();
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        System.arraycopy(four, 0, b, 12, 4);
        return new InetSocketAddress(java.net.Inet6Address.getByAddress(null, b, 0), v4.getPort());
    }

    /** libutp normalises v4-mapped IPv6 peers to IPv4 (PackedSockAddr): ids, SENDTO, getpeername and MTU all see IPv4. */
    @Test
    void ipv4MappedPeersAreTreatedAsIpv4() throws Exception {
        try (Harness h = new Harness()) {
            InetSocketAddress mappedB = mapped(Harness.ADDR_B);
            assertTrue(mappedB.getAddress() instanceof java.net.Inet6Address);
            UtpSocket a = utp_create_socket(h.sideA.ctx);
            assertEquals(0, utp_connect(a, mappedB));
            assertEquals(Harness.ADDR_B, utp_getpeername(a));
            assertEquals(4, utp_getpeername(a).getAddress().getAddress().length);
            Datagram syn = h.network.poll();
            assertNotNull(syn, "SENDTO got the IPv4 form, so the harness routed it");
            assertEquals(1, h.inject(h.sideB, syn.bytes(), mapped(Harness.ADDR_A)), "a SYN from a mapped source");
            utp_issue_deferred_acks(h.sideB.ctx);
            Datagram synAck = h.network.poll();
            assertNotNull(synAck, "B answered the mapped source at its IPv4 form");
            // a dual-stack socket may report the reply's source in mapped form: it must still match A's socket
            assertEquals(1, h.inject(h.sideA, synAck.bytes(), mappedB));
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_CONNECT), h.sideA.events.toString());
            assertEquals(0, h.sentBy(h.sideA).stream().filter(d -> d.type() == 3).count(), "no RST for our own peer");
            assertEquals(1382, utp_write(a, Harness.bytes(new byte[1 << 20]), 1 << 20), "IPv4 default MTU");
            Datagram data = h.network.poll();
            assertEquals(1, h.inject(h.sideB, data.bytes(), mapped(Harness.ADDR_A)));
            assertEquals(1382, h.sideB.received.size(), "B matched mapped-source DATA to the connection");
            // an unknown connection id from a mapped source: the RST goes to the IPv4 form
            int before = h.sentBy(h.sideB).size();
            h.inject(h.sideB, Harness.packet(0, 4321, 7, 0, 1000, 0, 0, null, new byte[1]), mapped(Harness.ADDR_A));
            assertEquals(3, h.lastSentBy(h.sideB).type(), "RST");
            assertEquals(before + 1, h.sentBy(h.sideB).size());
            // and an RST from a mapped source reaches the connection
            h.inject(h.sideA, Harness.resetAnswering(h.lastSentBy(h.sideA)), mappedB);
            assertEquals(1, h.sideA.count(UTP_ON_ERROR, UTP_ECONNRESET));
        }
    }
}
