package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.capi.Harness.Datagram;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * libutp's observable behaviour, checks 1–23 and 56–58 (numbered as in the README's "Differences from
 * libutp"): API, options, recognition, unknown
 * connections, handshake, statistics. Each test is named after its check.
 */
class ConformanceApiTest {

    @Test
    void check01_initVersion() {
        UtpContext ctx = utp_init(2);
        assertNotNull(ctx);
        assertNull(utp_init(1));
        assertNull(utp_init(3));
        utp_destroy(ctx);
    }

    @Test
    void check02_freshContextOptions() {
        UtpContext ctx = utp_init(2);
        // libutp's numbers are those of its LEDBAT; jutp's default LEDBAT++ reads 60 ms (CongestionControlOptionTest)
        assertEquals(0, utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT));
        assertEquals(1_048_576, utp_context_get_option(ctx, UTP_SNDBUF));
        assertEquals(1_048_576, utp_context_get_option(ctx, UTP_RCVBUF));
        assertEquals(100_000, utp_context_get_option(ctx, UTP_TARGET_DELAY));
        assertEquals(0, utp_context_get_option(ctx, UTP_LOG_NORMAL));
        assertEquals(0, utp_context_get_option(ctx, UTP_LOG_MTU));
        assertEquals(0, utp_context_get_option(ctx, UTP_LOG_DEBUG));
        assertEquals(-1, utp_context_get_option(ctx, 4));
        assertEquals(-1, utp_context_set_option(ctx, 4, 1));
        assertEquals(-1, utp_context_get_option(null, UTP_SNDBUF));
        utp_destroy(ctx);
    }

    @Test
    void check03_logDebugStoredAsBoolean() {
        UtpContext ctx = utp_init(2);
        assertEquals(0, utp_context_set_option(ctx, UTP_LOG_DEBUG, 7));
        assertEquals(1, utp_context_get_option(ctx, UTP_LOG_DEBUG));
        utp_destroy(ctx);
    }

    @Test
    void check04_optionsCopiedAtSocketCreation() {
        UtpContext ctx = utp_init(2);
        assertEquals(0, utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT));   // libutp's controller
        UtpSocket before = utp_create_socket(ctx);
        assertEquals(0, utp_context_set_option(ctx, UTP_TARGET_DELAY, 5000));
        UtpSocket after = utp_create_socket(ctx);
        assertEquals(100_000, utp_getsockopt(before, UTP_TARGET_DELAY));
        assertEquals(5000, utp_getsockopt(after, UTP_TARGET_DELAY));
        utp_destroy(ctx);
    }

    @Test
    void check05_socketOptions() {
        UtpContext ctx = utp_init(2);
        UtpSocket s = utp_create_socket(ctx);
        assertEquals(-1, utp_setsockopt(s, UTP_LOG_NORMAL, 1));
        assertEquals(0, utp_setsockopt(s, UTP_SNDBUF, 5000));
        assertEquals(0, utp_setsockopt(s, UTP_RCVBUF, 6000));
        assertEquals(0, utp_setsockopt(s, UTP_TARGET_DELAY, 7000));
        assertEquals(5000, utp_getsockopt(s, UTP_SNDBUF));
        assertEquals(6000, utp_getsockopt(s, UTP_RCVBUF));
        assertEquals(7000, utp_getsockopt(s, UTP_TARGET_DELAY));
        // jutp: invalid sizes are refused with -1 instead of aborting (Q29)
        assertEquals(-1, utp_setsockopt(s, UTP_SNDBUF, 0));
        assertEquals(-1, utp_context_set_option(ctx, UTP_RCVBUF, 0));
        utp_destroy(ctx);
    }

    @Test
    void check06_getpeername() {
        try (Harness h = new Harness()) {
            UtpSocket fresh = utp_create_socket(h.sideA.ctx);
            assertNull(utp_getpeername(fresh));
            UtpSocket s = h.connect();
            InetSocketAddress peer = utp_getpeername(s);
            assertEquals(Harness.ADDR_B, peer);
            assertEquals(4, peer.getAddress().getAddress().length);
        }
    }

    @Test
    void check07_writevArgumentsAndWriteWhileConnecting() {
        try (Harness h = new Harness()) {
            UtpSocket s = utp_create_socket(h.sideA.ctx);
            assertEquals(-1, utp_writev(s, new MemorySegment[0], 0));
            assertEquals(-1, utp_writev(null, new MemorySegment[] {Harness.bytes(new byte[1])}, 1));
            assertEquals(-1, utp_write(null, Harness.bytes(new byte[1]), 1));
            utp_connect(s, Harness.ADDR_B);
            assertEquals(0, utp_write(s, Harness.bytes(new byte[10]), 10));
            assertThrows(IllegalArgumentException.class, () -> utp_write(s, Harness.bytes(new byte[4]), 10));
        }
    }

    /** libutp reads at most UTP_IOV_MAX vectors and leaves the caller's array as it was. */
    @Test
    void writevUsesAtMostIovMaxVectorsAndLeavesTheArrayAlone() {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            utp_setsockopt(a, UTP_SNDBUF, 1 << 20);
            MemorySegment[] iov = new MemorySegment[UTP_IOV_MAX + 100];
            for (int i = 0; i < iov.length; i++) {
                iov[i] = Harness.bytes(new byte[] {(byte) i});
            }
            MemorySegment[] copy = iov.clone();
            long accepted = utp_writev(a, iov, iov.length);
            assertTrue(accepted > 0 && accepted <= UTP_IOV_MAX, "accepted " + accepted);
            assertArrayEquals(copy, iov);
            h.advance(2000, 100);
            for (int round = 0; round < 20 && h.sideB.received.size() < accepted; round++) {
                h.advance(500, 100);
            }
            byte[] got = h.sideB.received.toByteArray();
            assertEquals(accepted, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals((byte) i, got[i], "byte " + i + " comes from vector " + i);
            }
        }
    }

    @Test
    void check08_nonUtpDatagramsReturnZero() {
        try (Harness h = new Harness()) {
            byte[] valid = Harness.packet(0, 1234, 1, 0, 1000, 0, 0, null, null);
            byte[] short19 = java.util.Arrays.copyOf(valid, 19);
            byte[] version0 = valid.clone();
            version0[0] = 0x00;
            byte[] type5 = valid.clone();
            type5[0] = 0x51;
            byte[] ext3 = valid.clone();
            ext3[1] = 3;
            for (byte[] d : List.of(short19, version0, type5, ext3)) {
                assertEquals(0, h.inject(h.sideB, d, Harness.ADDR_A));
            }
            assertTrue(h.network.isEmpty());
            assertEquals(4, utp_get_context_stats(h.sideB.ctx).notUtp());
        }
    }

    @Test
    void check09_unknownConnectionGetsOneReset() {
        try (Harness h = new Harness()) {
            assertEquals(1, h.inject(h.sideB, Harness.packet(0, 777, 4321, 9, 1000, 5, 6, null, new byte[3]), Harness.ADDR_A));
            List<Datagram> rst = h.sentBy(h.sideB);
            assertEquals(1, rst.size());
            Datagram d = rst.get(0);
            assertEquals(20, d.bytes().length);
            assertEquals(3, d.type());
            assertEquals(777, d.connId());
            assertEquals(4321, d.ack());
            assertEquals(0, d.wnd());
            assertEquals(0, d.timestamp());
            assertEquals(0, d.timestampDiff());
        }
    }

    @Test
    void check10_resetsAreRateLimited() {
        try (Harness h = new Harness()) {
            h.inject(h.sideB, Harness.packet(0, 777, 100, 0, 1000, 0, 0, null, null), Harness.ADDR_A);
            h.inject(h.sideB, Harness.packet(2, 777, 100, 0, 1000, 0, 0, null, null), Harness.ADDR_A);
            assertEquals(1, h.sentBy(h.sideB).size());
            h.inject(h.sideB, Harness.packet(0, 777, 101, 0, 1000, 0, 0, null, null), Harness.ADDR_A);
            assertEquals(2, h.sentBy(h.sideB).size());
            h.nowMicros += 10_500_000;
            h.tick();
            h.inject(h.sideB, Harness.packet(0, 777, 100, 0, 1000, 0, 0, null, null), Harness.ADDR_A);
            assertEquals(3, h.sentBy(h.sideB).size());
        }
    }

    @Test
    void check11_noResetForResetOrSyn() {
        try (Harness h = new Harness()) {
            assertEquals(1, h.inject(h.sideB, Harness.packet(3, 777, 1, 0, 0, 0, 0, null, null), Harness.ADDR_A));
            assertEquals(1, h.inject(h.sideA, Harness.packet(4, 777, 1, 0, 0, 0, 0, null, null), Harness.ADDR_B));
            assertTrue(h.sent.isEmpty());
        }
    }

    @Test
    void check12_synFormat() {
        try (Harness h = new Harness()) {
            h.sideA.readBufferSize = 1000;
            UtpSocket s = utp_create_socket(h.sideA.ctx);
            h.scriptedRandom.add(0x1234L);   // connection seed
            h.scriptedRandom.add(0xABCDL);   // ISN
            assertEquals(0, utp_connect(s, Harness.ADDR_B));
            List<Datagram> out = h.sentBy(h.sideA);
            assertEquals(1, out.size());
            Datagram syn = out.get(0);
            assertEquals(20, syn.bytes().length);
            assertEquals(4, syn.type());
            assertEquals(1, syn.bytes()[0] & 0x0F);
            assertEquals(0, syn.ext());
            assertEquals(0x1234, syn.connId());
            assertEquals(0xABCD, syn.seq());
            assertEquals(0, syn.ack());
            assertEquals(1_048_576 - 1000, syn.wnd());
            assertEquals((int) h.nowMicros, syn.timestamp());
            assertEquals(0, syn.timestampDiff());
        }
    }

    @Test
    void check13_acceptOrderFirewallSynAckAccept() {
        try (Harness h = new Harness()) {
            List<String> order = new ArrayList<>();
            utp_set_callback(h.sideB.ctx, UTP_ON_FIREWALL, a -> {
                assertNull(a.socket());
                assertEquals(Harness.ADDR_A, a.address());
                order.add("firewall sent=" + h.sentBy(h.sideB).size());
                return 0;
            });
            utp_set_callback(h.sideB.ctx, UTP_ON_ACCEPT, a -> {
                assertEquals(Harness.ADDR_A, a.address());
                order.add("accept sent=" + h.sentBy(h.sideB).size());
                h.sideB.accepted.add(a.socket());
                return 0;
            });
            utp_context_set_option(h.sideB.ctx, UTP_RCVBUF, 50_000);
            UtpSocket s = utp_create_socket(h.sideA.ctx);
            utp_connect(s, Harness.ADDR_B);
            Datagram syn = h.sent.get(0);
            h.deliver();
            assertEquals(List.of("firewall sent=0", "accept sent=1"), order);
            Datagram synAck = h.sentBy(h.sideB).get(0);
            assertEquals(20, synAck.bytes().length);
            assertEquals(2, synAck.type());
            assertEquals(syn.connId(), synAck.connId());
            assertEquals(syn.seq(), synAck.ack());
            assertEquals(50_000, synAck.wnd());
            assertEquals(0, synAck.timestampDiff());
        }
    }

    @Test
    void check14_noAcceptCallbackMeansNoListener() {
        try (Harness h = new Harness()) {
            utp_set_callback(h.sideB.ctx, UTP_ON_ACCEPT, null);
            int[] firewall = {0};
            utp_set_callback(h.sideB.ctx, UTP_ON_FIREWALL, a -> ++firewall[0] * 0);
            assertEquals(1, h.inject(h.sideB, Harness.packet(4, 100, 1, 0, 1000, 0, 0, null, null), Harness.ADDR_A));
            assertTrue(h.sentBy(h.sideB).isEmpty());
            assertEquals(0, firewall[0]);
            assertTrue(h.sideB.events.isEmpty());
        }
    }

    @Test
    void check15_firewallRejects() {
        try (Harness h = new Harness()) {
            utp_set_callback(h.sideB.ctx, UTP_ON_FIREWALL, a -> 1);
            assertEquals(1, h.inject(h.sideB, Harness.packet(4, 100, 1, 0, 1000, 0, 0, null, null), Harness.ADDR_A));
            assertTrue(h.sentBy(h.sideB).isEmpty());
            assertTrue(h.sideB.accepted.isEmpty());
        }
    }

    @Test
    void check16_initiatorConnectAndFirstData() {
        try (Harness h = new Harness()) {
            UtpSocket s = h.connect();
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_CONNECT));
            Datagram syn = h.sentBy(h.sideA).get(0);
            Datagram synAck = h.sentBy(h.sideB).get(0);
            utp_write(s, Harness.bytes(new byte[10]), 10);
            Datagram data = h.lastSentBy(h.sideA);
            assertEquals(0, data.type());
            assertEquals((syn.connId() + 1) & 0xFFFF, data.connId());
            assertEquals((syn.seq() + 1) & 0xFFFF, data.seq());
            assertEquals((synAck.seq() - 1) & 0xFFFF, data.ack());
        }
        try (Harness h = new Harness()) {
            int[] onConnect = {0};
            utp_set_callback(h.sideA.ctx, UTP_ON_CONNECT, a -> ++onConnect[0]);
            h.connect();
            assertEquals(1, onConnect[0]);
            assertEquals(0, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_CONNECT));
        }
    }

    @Test
    void check17_acceptorFirstDataUsesSynAckSeq() {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            utp_write(a, Harness.bytes(new byte[5]), 5);
            h.deliver();
            UtpSocket b = h.sideB.accepted.get(0);
            Datagram syn = h.sentBy(h.sideA).get(0);
            Datagram synAck = h.sentBy(h.sideB).get(0);
            utp_write(b, Harness.bytes(new byte[5]), 5);
            Datagram data = h.lastSentBy(h.sideB);
            assertEquals(0, data.type());
            assertEquals(syn.connId(), data.connId());
            assertEquals(synAck.seq(), data.seq());
        }
    }

    @Test
    void check18_connectTimeout() {
        try (Harness h = new Harness().libutpLossRecovery()) {
            h.globalDrop = d -> true;
            long t0 = h.nowMicros / 1000;
            UtpSocket s = utp_create_socket(h.sideA.ctx);
            utp_connect(s, Harness.ADDR_B);
            h.advance(25_000, 100);
            List<Datagram> syns = h.sentBy(h.sideA);
            assertEquals(3, syns.size(), syns::toString);
            for (int i = 0; i < 3; i++) {
                assertEquals(4, syns.get(i).type());
                assertEquals(syns.get(0).seq(), syns.get(i).seq());
            }
            assertEquals(3, syns.stream().mapToInt(Datagram::timestamp).distinct().count(), "fresh timestamp on each SYN");
            List<Harness.Event> errors = h.sideA.events.stream().filter(e -> e.type() == UTP_ON_ERROR).toList();
            assertEquals(1, errors.size());
            assertEquals(UTP_ETIMEDOUT, errors.get(0).value());
            long at = errors.get(0).time() - t0;
            assertTrue(at >= 21_000 && at <= 21_600, "ETIMEDOUT at " + at);
            assertEquals(0, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING));
            utp_close(s);
            h.advance(600, 100);
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING));
        }
    }

    @Test
    void check18_synRetransmissionTimes() {
        try (Harness h = new Harness().libutpLossRecovery()) {
            List<Long> times = new ArrayList<>();
            h.globalDrop = d -> {
                times.add(h.nowMicros / 1000);
                return true;
            };
            long t0 = h.nowMicros / 1000;
            utp_connect(utp_create_socket(h.sideA.ctx), Harness.ADDR_B);
            h.advance(22_000, 100);
            assertEquals(3, times.size());
            assertEquals(0, times.get(0) - t0);
            assertTrue(times.get(1) - t0 >= 3000 && times.get(1) - t0 <= 3500, times::toString);
            assertTrue(times.get(2) - t0 >= 9000 && times.get(2) - t0 <= 9500, times::toString);
        }
    }

    @Test
    void check19_closeWhileConnectingSendsNothing() {
        try (Harness h = new Harness()) {
            h.globalDrop = d -> true;
            UtpSocket s = utp_create_socket(h.sideA.ctx);
            utp_connect(s, Harness.ADDR_B);
            int before = h.sent.size();
            utp_close(s);
            assertEquals(before, h.sent.size());
            assertEquals(0, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING));
            h.nowMicros += 600_000;
            h.tick();
            assertEquals(before, h.sent.size());
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING));
        }
    }

    @Test
    void check20_retransmittedSynGetsTheSameSynAck() {
        try (Harness h = new Harness().libutpLossRecovery()) {
            h.sideB.dropOutgoing = d -> true;   // every SYN-ACK is lost
            UtpSocket s = utp_create_socket(h.sideA.ctx);
            utp_connect(s, Harness.ADDR_B);
            h.deliver();
            h.advance(3500, 100);
            List<Datagram> synAcks = h.sentBy(h.sideB);
            assertEquals(2, synAcks.size());
            assertArrayEquals(java.util.Arrays.copyOfRange(synAcks.get(0).bytes(), 16, 20),
                    java.util.Arrays.copyOfRange(synAcks.get(1).bytes(), 16, 20));
            h.sideB.dropOutgoing = d -> false;
            h.advance(7000, 100);
            assertEquals(1, h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_CONNECT));
            assertEquals(1, h.sideB.accepted.size());
            assertEquals(0, h.sideA.count(UTP_ON_ERROR));
        }
    }

    @Test
    void check21_silentHalfOpenConnectionTimesOut() {
        try (Harness h = new Harness()) {
            h.sideA.dropOutgoing = d -> d.type() != 4;   // only the SYN gets through
            UtpSocket s = utp_create_socket(h.sideA.ctx);
            utp_connect(s, Harness.ADDR_B);
            h.deliver();
            utp_close(s);
            h.advance(70_000, 500);
            assertEquals(1, h.sideB.count(UTP_ON_ERROR, UTP_ETIMEDOUT), h.sideB.events::toString);
            utp_close(h.sideB.accepted.get(0));
            h.advance(600, 100);
            assertEquals(1, h.sideB.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING));
        }
    }

    @Test
    void check22_acceptorMaySpeakFirst() {
        try (Harness h = new Harness()) {
            h.connect();
            UtpSocket b = h.sideB.accepted.get(0);
            byte[] greeting = "220 server ready".getBytes();
            assertEquals(greeting.length, utp_write(b, Harness.bytes(greeting), greeting.length));
            h.deliver();
            assertArrayEquals(greeting, h.sideA.received.toByteArray());
        }
    }

    @Test
    void check23_connectionIdWrap() {
        try (Harness h = new Harness()) {
            h.scriptedRandom.add(0xFFFFL);
            UtpSocket a = utp_create_socket(h.sideA.ctx);
            utp_connect(a, Harness.ADDR_B);
            h.deliver();
            byte[] msg = "wrapped".getBytes();
            utp_write(a, Harness.bytes(msg), msg.length);
            Datagram data = h.lastSentBy(h.sideA);
            assertEquals(0, data.connId());
            h.deliver();
            assertArrayEquals(msg, h.sideB.received.toByteArray());
            // an RST carrying id 0 (the acceptor's recv id) reaches the initiator too
            h.inject(h.sideA, Harness.resetAnswering(h.lastSentBy(h.sideA)), Harness.ADDR_B);
            assertEquals(1, h.sideA.count(UTP_ON_ERROR, UTP_ECONNRESET));
        }
    }

    @Test
    void check56_contextStatsBuckets() {
        try (Harness h = new Harness()) {
            UtpSocket a = h.connect();
            utp_write(a, Harness.bytes(new byte[10]), 10);
            h.deliver();
            UtpContextStats sa = utp_get_context_stats(h.sideA.ctx);
            assertEquals(1, sa.nraw_send(0));   // SYN
            assertEquals(1, sa.nraw_send(1));   // 30-byte DATA
            assertEquals(2, sa.nraw_recv(0));   // SYN-ACK and the ack
            UtpSocket b = h.sideB.accepted.get(0);
            utp_write(b, Harness.bytes(new byte[1380]), 1380);    // 1400-byte datagram
            h.deliver();
            assertEquals(1, sa.nraw_recv(3));
            // RSTs sent are counted; unknown-connection packets received are not
            UtpContextStats sb = utp_get_context_stats(h.sideB.ctx);
            int recvBefore = java.util.Arrays.stream(sb._nraw_recv()).sum();
            int sendBefore = java.util.Arrays.stream(sb._nraw_send()).sum();
            h.inject(h.sideB, Harness.packet(0, 999, 1, 0, 0, 0, 0, null, null), new InetSocketAddress("10.0.0.9", 9));
            assertEquals(recvBefore, java.util.Arrays.stream(sb._nraw_recv()).sum());
            assertEquals(sendBefore + 1, java.util.Arrays.stream(sb._nraw_send()).sum());
        }
    }

    @Test
    void check56_sackAndFullSizeDatagramBuckets() {
        try (Harness h = new Harness()) {
            ConformanceDataTest.Pair p = new ConformanceDataTest.Pair(h);
            UtpContextStats sb = utp_get_context_stats(h.sideB.ctx);
            int[] sendBefore = sb._nraw_send();
            p.injectIntoB(p.dataFromA(2, ConformanceDataTest.payload(2)));     // seq 1 missing: a SACK follows
            utp_issue_deferred_acks(h.sideB.ctx);
            assertEquals(26, h.lastSentBy(h.sideB).bytes().length);
            assertEquals(sendBefore[1] + 1, sb.nraw_send(1), "26-byte SACK ack in bucket 1");
            assertEquals(sendBefore[0], sb.nraw_send(0));
            int[] recvBefore = sb._nraw_recv();
            p.injectIntoB(p.dataFromA(1, new byte[1382]));                     // 1402-byte datagram
            assertEquals(recvBefore[4] + 1, sb.nraw_recv(4), "1402 bytes in bucket 4");
            p.injectIntoB(p.dataFromA(3, new byte[1380]));                     // 1400-byte datagram
            assertEquals(recvBefore[3] + 1, sb.nraw_recv(3), "1400 bytes in bucket 3");
        }
    }

    @Test
    void check57_overheadStatistics() {
        try (Harness h = new Harness()) {
            List<long[]> reports = new ArrayList<>();
            utp_set_callback(h.sideA.ctx, UTP_ON_OVERHEAD_STATISTICS, a -> {
                reports.add(new long[] {a.send(), a.type(), a.len()});
                return 0;
            });
            UtpSocket a = h.connect();
            assertArrayEquals(new long[] {1, UTP_CONNECT_OVERHEAD, 48}, reports.get(0));
            reports.clear();
            utp_write(a, Harness.bytes(new byte[100]), 100);
            assertArrayEquals(new long[] {1, UTP_HEADER_OVERHEAD, 48}, reports.get(0));
            reports.clear();
            UtpSocket b = h.sideB.accepted.get(0);
            h.deliver();
            utp_write(b, Harness.bytes(new byte[5]), 5);
            h.deliver();
            assertTrue(reports.stream().anyMatch(r -> r[0] == 1 && r[1] == UTP_ACK_OVERHEAD && r[2] == 48),
                    () -> reports.stream().map(java.util.Arrays::toString).toList().toString());
        }
    }

    @Test
    void check58_sendtoHasNoSocketAndFlagsOnlyOnProbes() {
        try (Harness h = new Harness()) {
            List<Object> sockets = new ArrayList<>();
            UtpCallback capture = h.sideA.ctx.callbacks[UTP_SENDTO];
            utp_set_callback(h.sideA.ctx, UTP_SENDTO, a -> {
                sockets.add(a.socket() == null ? "null" : a.socket());
                return capture.call(a);
            });
            UtpSocket a = h.connect();
            utp_write(a, Harness.bytes(new byte[5000]), 5000);
            h.advance(1000, 10);
            assertTrue(sockets.stream().allMatch("null"::equals));
            for (Datagram d : h.sentBy(h.sideA)) {
                if (d.flags() != 0) {
                    assertEquals(UTP_UDP_DONTFRAG, d.flags());
                    assertEquals(0, d.type());
                }
            }
            assertEquals(1, h.sentBy(h.sideA).stream().filter(d -> d.flags() != 0).count());
        }
    }

    @Test
    void misuse_isReportedNotFatal() {
        UtpContext ctx = utp_init(2);
        assertThrows(IllegalArgumentException.class, () -> utp_set_callback(ctx, 22, a -> 0));
        assertThrows(IllegalArgumentException.class, () -> utp_set_callback(ctx, -1, a -> 0));
        UtpSocket s = utp_create_socket(ctx);
        utp_close(s);
        utp_close(s);                                   // double close: harmless
        utp_check_timeouts(ctx);
        assertThrows(IllegalStateException.class, () -> utp_write(s, Harness.bytes(new byte[1]), 1));
        UtpSocket t = utp_create_socket(ctx);
        assertEquals(0, utp_connect(t, new InetSocketAddress("10.0.0.2", 1)));
        assertEquals(-1, utp_connect(t, new InetSocketAddress("10.0.0.2", 1)));   // connect twice
        assertEquals(0, utp_process_udp(ctx, null, 0, null));
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(0, utp_process_udp(ctx, arena.allocate(10), 10, new InetSocketAddress("10.0.0.2", 1)));
        }
        utp_destroy(ctx);
        utp_destroy(ctx);
        assertThrows(IllegalStateException.class, () -> utp_check_timeouts(ctx));
    }

    @Test
    void destroyFromInsideACallbackIsRefused() {
        try (Harness h = new Harness()) {
            Throwable[] caught = {null};
            utp_set_callback(h.sideA.ctx, UTP_ON_STATE_CHANGE, a -> {
                try {
                    utp_destroy(a.context());
                } catch (IllegalStateException e) {
                    caught[0] = e;
                }
                return 0;
            });
            h.connect();
            assertNotNull(caught[0]);
        }
    }
}
