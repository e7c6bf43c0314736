package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static dev.jutp.wire.Header.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.engine.Connection;
import dev.jutp.engine.ContextStats;
import dev.jutp.engine.Invariants;
import dev.jutp.wire.Seq;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * The malformed-packet matrix (the README's "Malformed input and fuzzing"): every header field and
 * extension-chain case, fed to a fresh context and, with the right connection ids, to both ends
 * of a transfer in progress. After every datagram: no exception, the drop is counted where jutp
 * counts it, the engine invariants hold; at the end the transfer completes byte-exact.
 */
class MalformedInputTest {
    /** Where a case's drop must be counted (or that it is a valid packet). */
    enum Outcome { NOT_UTP, MALFORMED, INVALID, STALE, SYN_IGNORED, ACCEPTED }

    /** What a case may build on: the target connection's ids and sequence numbers. */
    record Target(int id, int nextSeq, int lastSent, int queued, int ack) {}

    record Case(String name, Outcome outcome, Function<Target, byte[]> build) {}

    static byte[] state(Target t) {
        return Harness.packet(ST_STATE, t.id(), t.nextSeq(), t.ack(), 1 << 20, 1, 1, null, null);
    }

    static byte[] withByte(byte[] p, int index, int value) {
        p[index] = (byte) value;
        return p;
    }

    /** A STATE whose extension chain is exactly {@code chain} (first extension type {@code first}). */
    static byte[] chain(Target t, int first, byte[] chain) {
        byte[] p = Harness.packet(ST_STATE, t.id(), t.nextSeq(), t.ack(), 1 << 20, 1, 1, chain, null);
        p[1] = (byte) first;
        return p;
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] sackOf(int length, int fill) {
        byte[] e = new byte[2 + length];
        e[1] = (byte) length;
        java.util.Arrays.fill(e, 2, e.length, (byte) fill);
        return e;
    }

    /** {@code count} zero-length extensions of unknown type 9, chained. */
    static byte[] longChain(int count) {
        byte[] e = new byte[2 * count];
        for (int i = 0; i < count; i++) {
            e[2 * i] = (byte) (i == count - 1 ? 0 : 9);
        }
        return e;
    }

    static byte[] data(Target t, int seq, int payload) {
        return Harness.packet(ST_DATA, t.id(), seq, t.ack(), 1 << 20, 1, 1, null, new byte[payload]);
    }

    static byte[] header(Target t, int type, long wnd, int timestamp, int tsDiff) {
        return Harness.packet(type, t.id(), t.nextSeq(), t.ack(), wnd, timestamp, tsDiff, null, null);
    }

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        for (int len = 0; len < 20; len++) {
            int n = len;
            l.add(new Case("length " + n, Outcome.NOT_UTP, t -> java.util.Arrays.copyOf(state(t), n)));
        }
        for (int v : new int[] {0, 2, 3, 15}) {
            l.add(new Case("version " + v, Outcome.NOT_UTP, t -> withByte(state(t), 0, (ST_STATE << 4) | v)));
        }
        for (int type = 5; type < 16; type++) {
            int ty = type;
            l.add(new Case("type " + ty, Outcome.NOT_UTP, t -> withByte(state(t), 0, (ty << 4) | 1)));
        }
        for (int first : new int[] {3, 4, 127, 255}) {
            l.add(new Case("first extension type " + first, Outcome.NOT_UTP, t -> chain(t, first, bytes(0, 0))));
        }
        l.add(new Case("extension header cut after 1 byte", Outcome.MALFORMED, t -> chain(t, 1, bytes(0))));
        l.add(new Case("extension header missing", Outcome.MALFORMED, t -> chain(t, 1, new byte[0])));
        l.add(new Case("SACK length past the end", Outcome.MALFORMED, t -> chain(t, 1, bytes(0, 200, 0xFF, 0xFF, 0xFF, 0xFF))));
        l.add(new Case("SACK length 255, 4 bytes present", Outcome.MALFORMED, t -> chain(t, 1, bytes(0, 255, 1, 2, 3, 4))));
        l.add(new Case("next extension points past the end", Outcome.MALFORMED, t -> chain(t, 1, bytes(7, 4, 0, 0, 0, 0))));
        l.add(new Case("second extension length past the end", Outcome.MALFORMED, t -> chain(t, 1, bytes(3, 4, 0, 0, 0, 0, 0, 9, 1))));
        for (int len : new int[] {0, 4, 7, 9}) {
            byte[] ext = new byte[2 + len];
            ext[1] = (byte) len;
            l.add(new Case("extension bits with length " + len, Outcome.MALFORMED, t -> chain(t, 2, ext)));
        }
        l.add(new Case("extension bits with length 8", Outcome.ACCEPTED, t -> chain(t, 2, bytes(0, 8, 0, 0, 0, 0, 0, 0, 0, 0))));
        for (int type : new int[] {3, 4, 9, 200, 255}) {
            l.add(new Case("unknown extension " + type + " after a SACK", Outcome.ACCEPTED,
                    t -> chain(t, 1, bytes(type, 4, 0, 0, 0, 0, 0, 3, 1, 2, 3))));
        }
        l.add(new Case("chain of 255 unknown extensions", Outcome.ACCEPTED, t -> chain(t, 2, concat(bytes(9, 8, 0, 0, 0, 0, 0, 0, 0, 0), longChain(255)))));
        l.add(new Case("chain of 32,000 extensions in a 64 KB datagram", Outcome.ACCEPTED, t -> chain(t, 2, concat(bytes(9, 8, 0, 0, 0, 0, 0, 0, 0, 0), longChain(32_000)))));
        for (int len : new int[] {0, 1, 3, 4, 5, 32, 255}) {
            l.add(new Case("SACK length " + len + ", all set", Outcome.ACCEPTED, t -> chain(t, 1, sackOf(len, 0xFF))));
            l.add(new Case("SACK length " + len + ", none set", Outcome.ACCEPTED, t -> chain(t, 1, sackOf(len, 0))));
        }
        l.add(new Case("200 SACK extensions in a row", Outcome.ACCEPTED, t -> {
            byte[] all = new byte[0];
            for (int i = 0; i < 200; i++) {
                byte[] s = sackOf(4, i);
                s[0] = (byte) (i == 199 ? 0 : 1);
                all = concat(all, s);
            }
            return chain(t, 1, all);
        }));
        for (int k : new int[] {1, 2, 100, 1000, 32767, 32768}) {
            l.add(new Case("ack_nr " + k + " beyond anything sent", Outcome.INVALID,
                    t -> Harness.packet(ST_STATE, t.id(), t.nextSeq(), Seq.add(t.lastSent(), k), 1 << 20, 1, 1, null, null)));
            l.add(new Case("DATA acking " + k + " beyond anything sent", Outcome.INVALID,
                    t -> Harness.packet(ST_DATA, t.id(), t.nextSeq(), Seq.add(t.lastSent(), k), 1 << 20, 1, 1, null, new byte[100])));
        }
        for (int k : new int[] {4, 100, 32767}) {
            l.add(new Case("ack_nr " + k + " older than the window", Outcome.INVALID,
                    t -> Harness.packet(ST_STATE, t.id(), t.nextSeq(), Seq.add(t.lastSent(), -(t.queued() + k)), 1 << 20, 1, 1, null, null)));
        }
        for (int d : new int[] {1024, 1025, 5000, 32768, 64511}) {
            l.add(new Case("DATA " + d + " ahead of the next expected", Outcome.INVALID, t -> data(t, Seq.add(t.nextSeq(), d), 100)));
        }
        for (int d : new int[] {1, 500, 1024}) {
            l.add(new Case("DATA " + d + " behind (already delivered)", Outcome.STALE, t -> data(t, Seq.add(t.nextSeq(), -d), 100)));
        }
        for (int size : new int[] {2100, 4000, 65_000}) {
            l.add(new Case("out-of-order DATA with a " + size + "-byte payload", Outcome.INVALID, t -> data(t, Seq.add(t.nextSeq(), 5), size)));
        }
        l.add(new Case("window 0", Outcome.ACCEPTED, t -> header(t, ST_STATE, 0, 1, 1)));
        l.add(new Case("window 0xFFFFFFFF", Outcome.ACCEPTED, t -> header(t, ST_STATE, 0xFFFF_FFFFL, 1, 1)));
        for (int diff : new int[] {0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF}) {
            l.add(new Case("timestamp difference " + Integer.toUnsignedString(diff), Outcome.ACCEPTED, t -> header(t, ST_STATE, 1 << 20, 5, diff)));
        }
        for (int ts : new int[] {0, 0x7FFF_FFFF, 0xFFFF_FFFF}) {
            l.add(new Case("timestamp " + Integer.toUnsignedString(ts), Outcome.ACCEPTED, t -> header(t, ST_STATE, 1 << 20, ts, 1000)));
        }
        l.add(new Case("SYN to an established connection", Outcome.SYN_IGNORED,
                t -> Harness.packet(ST_SYN, Seq.add(t.id(), -1), 7, 0, 1 << 20, 1, 0, null, null)));
        return l;
    }

    static byte[] concat(byte[] x, byte[] y) {
        return ByteBuffer.allocate(x.length + y.length).put(x).put(y).array();
    }

    /** Counter snapshot of both ends. */
    record Counts(long notUtp, long malformed, long invalid, long stale, long synsIgnored, long unknown) {
        static Counts of(ContextStats s, Connection c) {
            return new Counts(s.notUtp, s.malformed, c == null ? 0 : c.stats().invalidReceived,
                    c == null ? 0 : c.stats().staleReceived, s.synsIgnored, s.unknownConnection);
        }
    }

    private static void assertCounted(Case k, Counts before, Counts after, int returned) {
        String why = k.name();
        Outcome expected = k.outcome();
        assertEquals(expected == Outcome.NOT_UTP ? 0 : 1, returned, why + ": utp_process_udp result");
        assertEquals(before.notUtp() + (expected == Outcome.NOT_UTP ? 1 : 0), after.notUtp(), why + ": not-uTP count");
        assertEquals(before.malformed() + (expected == Outcome.MALFORMED ? 1 : 0), after.malformed(), why + ": malformed count");
        assertEquals(before.invalid() + (expected == Outcome.INVALID ? 1 : 0), after.invalid(), why + ": invalid count");
        assertEquals(before.stale() + (expected == Outcome.STALE ? 1 : 0), after.stale(), why + ": stale count");
        assertEquals(before.synsIgnored() + (expected == Outcome.SYN_IGNORED ? 1 : 0), after.synsIgnored(), why + ": SYN count");
        assertEquals(before.unknown(), after.unknown(), why + ": unknown-connection count");
    }

    @Test
    void everyCaseAgainstAFreshContext() {
        try (Harness h = new Harness(11)) {
            ContextStats stats = h.sideB.ctx.engine.stats();
            Target t = new Target(777, 100, 200, 0, 200);
            int n = 0;
            for (Case k : cases()) {
                if (k.outcome() == Outcome.SYN_IGNORED) {
                    continue;               // a SYN to a fresh listener is a connection, not a drop
                }
                long dropsBefore = stats.notUtp + stats.malformed + stats.unknownConnection;
                byte[] p = k.build().apply(t);
                int r = h.inject(h.sideB, p, Harness.ADDR_A);
                long dropsAfter = stats.notUtp + stats.malformed + stats.unknownConnection;
                assertEquals(dropsBefore + 1, dropsAfter, k.name() + ": counted once");
                assertEquals(k.outcome() == Outcome.NOT_UTP ? 0 : 1, r, k.name());
                assertEquals(0, h.sideB.ctx.engine.connectionCount(), k.name());
                Invariants.check(h.sideB.ctx.engine);
                n++;
            }
            assertTrue(n > 100, "cases: " + n);
        }
    }

    @Test
    void everyCaseAgainstBothEndsOfATransferInProgress() {
        try (Harness h = new Harness(12)) {
            LiveTransfer x = new LiveTransfer(h, 4 << 20, 5);
            int injected = 0;
            for (Case k : cases()) {
                for (int end = 0; end < 2; end++) {
                    // The transfer has data in flight (written, not yet delivered) at every injection.
                    x.feed();
                    boolean toA = end == 0;
                    Connection target = toA ? x.connA() : x.connB();
                    Connection peer = toA ? x.connB() : x.connA();
                    Harness.Side side = toA ? h.sideA : h.sideB;
                    InetSocketAddress from = toA ? Harness.ADDR_B : Harness.ADDR_A;
                    Target t = new Target(target.recvId(), Seq.add(Invariants.ackNr(target), 1),
                            Seq.add(Invariants.seqNr(target), -1), Invariants.queuedPackets(target), Invariants.ackNr(peer));
                    ContextStats stats = side.ctx.engine.stats();
                    Counts before = Counts.of(stats, target);
                    int r = h.inject(side, k.build().apply(t), from);
                    assertCounted(k, before, Counts.of(stats, target), r);
                    x.checkInvariants();
                    injected++;
                    h.advance(5, 5);
                    x.checkInvariants();
                }
            }
            x.finishExact(60_000);
            assertTrue(injected > 200, "injected " + injected);
        }
    }

    @Test
    void aThousandDuplicateAcksResendAtMostOnce() {
        try (Harness h = new Harness(13)) {
            // Classic LEDBAT: its window holds more than three packets 200 ms in; LEDBAT++'s slow
            // start on this zero-delay network does not yet, and the duplicate acks need a hole.
            utp_context_set_option(h.sideA.ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT);
            LiveTransfer x = new LiveTransfer(h, 1 << 20, 6);
            h.advance(200, 10);
            x.feed();
            Connection a = x.connA();
            int oldest = Seq.add(Invariants.seqNr(a), -Invariants.queuedPackets(a));
            assertTrue(Invariants.queuedPackets(a) > 3, "packets in flight");
            int before = a.stats().fastRetransmits;
            for (int i = 0; i < 1000; i++) {
                byte[] dup = Harness.packet(ST_STATE, a.recvId(), Seq.add(Invariants.ackNr(a), 1), Seq.add(oldest, -1), 1 << 20, 1, 1, null, null);
                assertEquals(1, h.inject(h.sideA, dup, Harness.ADDR_B));
                x.checkInvariants();
            }
            assertTrue(a.stats().fastRetransmits - before <= 1, "fast retransmits: " + (a.stats().fastRetransmits - before));
            x.finishExact(60_000);
        }
    }
}
