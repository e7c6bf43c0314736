package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.jutp.engine.Connection;
import dev.jutp.engine.Invariants;
import dev.jutp.wire.Header;
import dev.jutp.wire.Seq;

import java.net.InetSocketAddress;

/**
 * Jazzer target for utp_process_udp on a live connection. The fuzz input is decoded into a
 * script of steps — write more, let time pass (forward or backward), lose a datagram, spoof a
 * datagram to either end (raw, with the right connection id, or with the right id and nearly
 * right numbers; from the real peer's address or another) — run against a 64 KB transfer A → B.
 * After every step the engine invariants hold. Then the network runs clean: unless a forgery
 * passed the ack-window check (an attacker who knows the sequence state, which uTP cannot
 * defend against), B must hold exactly a prefix of A's bytes and the transfer must either
 * complete or end with an error at A.
 *
 * <p>Without JAZZER_FUZZ the corpus under ProcessUdpFuzzTestInputs/liveConnection replays.
 */
class ProcessUdpFuzzTest {
    static final InetSocketAddress STRANGER = new InetSocketAddress("10.0.0.9", 4000);

    @FuzzTest(maxDuration = "3m")
    void liveConnection(FuzzedDataProvider in) {
        run(in, false);
    }

    /**
     * The same script with B's host draining its socket from inside {@code UTP_ON_READ}: the
     * callback copies its bytes, feeds the next datagram for B through the same receive buffer
     * with a nested {@code utp_process_udp} (up to a fuzzed depth) and then scribbles over the
     * buffer. B must still hold exactly a prefix of A's bytes.
     */
    @FuzzTest(maxDuration = "3m")
    void liveConnectionReentrant(FuzzedDataProvider in) {
        run(in, true);
    }

    private static void run(FuzzedDataProvider in, boolean reentrant) {
        try (Harness h = new Harness(31)) {
            utp_context_set_option(h.sideB.ctx, UTP_RCVBUF, 64 * 1024);   // a 40-slot bound a burst can hit
            LiveTransfer x = new LiveTransfer(h, 64 * 1024, 3, 8 * 1024);
            if (reentrant) {
                drainFromCallbacks(h, in.consumeInt(1, 8));
            }
            int isnA = Invariants.ackNr(x.connB());       // nothing delivered yet: the SYN's seq
            boolean forgedInWindow = false;
            for (int op = 0; op < 200 && in.remainingBytes() > 0; op++) {
                switch (in.consumeInt(0, 6)) {
                    case 0 -> x.feed();
                    case 1 -> {
                        long ms = in.consumeLong(1, 4000);
                        h.advance(ms, Math.max(1, ms / 4));
                    }
                    case 2 -> h.network.poll();          // lose the oldest datagram in flight
                    case 3 -> h.nowMicros += in.consumeLong(-5_000_000, 5_000_000);   // clock jumps
                    case 4 -> forgedInWindow |= outOfOrderBurst(h, x, in, isnA);
                    default -> forgedInWindow |= spoof(h, x, in);
                }
                x.checkInvariants();
                Connection b = x.connB();
                assertTrue(Invariants.reorderMemory(b) <= Invariants.reorderMemoryBound(b),
                        "B's reorder buffer pins " + Invariants.reorderMemory(b) + " bytes, more than its window allows");
            }
            for (int t = 0; t < 1200 && !x.complete() && !aEnded(h, x); t++) {
                x.step(100);
                x.checkInvariants();
            }
            if (!forgedInWindow) {
                assertTrue(x.receivedIsPrefix(), "B received bytes A never sent");
                assertTrue(x.complete() || aEnded(h, x), "transfer neither complete nor ended: "
                        + h.sideB.received.size() + " of " + x.data.length + "; A " + describe(x.connA()) + "; B " + describe(x.connB()) + " events B " + h.sideB.events.stream().filter(e -> e.type() == UTP_ON_ERROR).toList() + " stats B " + h.sideB.ctx.engine.stats().resetsIgnored + "/" + h.sideB.ctx.engine.stats().unknownConnection + " A sent RSTs " + h.sideA.ctx.engine.stats().resetsSent);
            }
        }
    }

    /** Sequence numbers this far past A's first can never be A's own (64 KB is far fewer packets). */
    static final int JUNK_FROM = 600;

    /**
     * Up to 1,023 DATA packets of fuzzed sizes (0 to 1,400 bytes) sent to B with the right id
     * and ack, out of order, at sequence numbers A never reaches: they pin B's memory but can
     * never be delivered. True (in-window forgery) only if A's own numbers came near them.
     */
    private static boolean outOfOrderBurst(Harness h, LiveTransfer x, FuzzedDataProvider in, int isnA) {
        Connection b = x.connB();
        if (b.state() != Connection.CONNECTED && b.state() != Connection.CONNECTED_FULL) {
            return false;
        }
        int count = in.consumeInt(1, 1023);
        int sizeSeed = in.consumeInt(0, 1400);
        int step = in.consumeInt(0, 97);
        boolean aNear = Seq.distance(isnA, Invariants.seqNr(x.connA())) >= JUNK_FROM - 50;
        for (int i = 0; i < count; i++) {
            int seq = Seq.add(isnA, JUNK_FROM + (i * 7) % 420);
            if (Seq.distance(Seq.add(Invariants.ackNr(b), 1), seq) > 1022) {
                continue;
            }
            int size = (sizeSeed + i * step) % 1401;
            byte[] p = Harness.packet(Header.ST_DATA, b.recvId(), seq, Seq.add(Invariants.seqNr(b), -1), 1 << 20, 0, 0, null, new byte[size]);
            h.inject(h.sideB, p, Harness.ADDR_A);
        }
        return aNear;
    }

    /** Makes B's ON_READ feed B's next queued datagram through the shared buffer, up to {@code maxDepth} deep. */
    private static void drainFromCallbacks(Harness h, int maxDepth) {
        int[] depth = {0};
        utp_set_callback(h.sideB.ctx, UTP_ON_READ, a -> {
            byte[] bytes = a.buf().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            h.sideB.received.write(bytes, 0, bytes.length);
            h.sideB.record(UTP_ON_READ, a.socket(), a.len());
            Harness.Datagram next = h.network.peek();
            if (depth[0] < maxDepth && next != null && next.to() == h.sideB) {
                h.network.poll();
                depth[0]++;
                try {
                    h.inject(h.sideB, next.bytes(), next.from().addr);   // into the buffer the outer call used
                } finally {
                    depth[0]--;
                }
                h.rx.asSlice(0, 2048).fill((byte) 0xEE);                // the host reuses it at once
            }
            return 0;
        });
    }

    private static String describe(Connection c) {
        return "state " + c.state() + " queued " + c.packetsQueued() + " in flight " + c.bytesInFlight()
                + " cwnd " + c.congestionWindow() + " peer window " + c.peerWindow() + " rto " + c.rtoMillis()
                + " seq " + Invariants.seqNr(c) + " ack " + Invariants.ackNr(c);
    }

    private static boolean aEnded(Harness h, LiveTransfer x) {
        int s = x.connA().state();
        return h.sideA.count(UTP_ON_ERROR) > 0 || s == Connection.RESET || s == Connection.DESTROY;
    }

    /** Injects one forged datagram; true if it passed the target's ack (or RST) window check. */
    private static boolean spoof(Harness h, LiveTransfer x, FuzzedDataProvider in) {
        boolean toA = in.consumeBoolean();
        Harness.Side side = toA ? h.sideA : h.sideB;
        Connection target = toA ? x.connA() : x.connB();
        Connection peer = toA ? x.connB() : x.connA();
        InetSocketAddress from = in.consumeBoolean() ? (toA ? Harness.ADDR_B : Harness.ADDR_A) : STRANGER;
        int mode = in.consumeInt(0, 2);
        byte[] p = in.consumeBytes(in.consumeInt(0, 1600));
        if (p.length >= Header.SIZE && mode >= 1) {
            p[0] = (byte) ((p[0] & 0xF0) | 1);
            int type = (p[0] >> 4) & 0x0F;
            int id = type == Header.ST_SYN ? Seq.add(target.recvId(), -1) : target.recvId();
            putU16(p, 2, id);
            if (mode == 2) {
                putU16(p, 16, Seq.add(Invariants.ackNr(target), 1 + (p[16] % 4)));
                putU16(p, 18, Seq.add(Invariants.ackNr(peer), p[18] % 4));
            }
        }
        boolean inWindow = false;
        if (p.length >= Header.SIZE && !from.equals(STRANGER)) {
            int type = (p[0] >> 4) & 0x0F;
            int id = u16(p, 2);
            int ack = u16(p, 18);
            inWindow = type == Header.ST_RESET
                    ? (id == target.recvId() || id == target.sendId()) && Invariants.resetAcceptable(target, ack)
                    : id == target.recvId() && Invariants.ackAcceptable(target, ack);
            // A non-SYN for an id the target does not know is answered with an RST to the real
            // peer carrying the forged seq_nr as ack_nr: the attacker's guess, reflected.
            boolean unknownAtTarget = id != target.recvId() && type != Header.ST_RESET && type != Header.ST_SYN;
            if (unknownAtTarget && (id == peer.recvId() || id == peer.sendId())
                    && Invariants.resetAcceptable(peer, u16(p, 16))) {
                inWindow = true;
            }
        }
        h.inject(side, p, from);
        return inWindow;
    }

    private static void putU16(byte[] p, int at, int v) {
        p[at] = (byte) (v >> 8);
        p[at + 1] = (byte) v;
    }

    private static int u16(byte[] p, int at) {
        return ((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF);
    }
}
