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
        try (Harness h = new Harness(31)) {
            LiveTransfer x = new LiveTransfer(h, 64 * 1024, 3, 8 * 1024);
            boolean forgedInWindow = false;
            for (int op = 0; op < 200 && in.remainingBytes() > 0; op++) {
                switch (in.consumeInt(0, 5)) {
                    case 0 -> x.feed();
                    case 1 -> {
                        long ms = in.consumeLong(1, 4000);
                        h.advance(ms, Math.max(1, ms / 4));
                    }
                    case 2 -> h.network.poll();          // lose the oldest datagram in flight
                    case 3 -> h.nowMicros += in.consumeLong(-5_000_000, 5_000_000);   // clock jumps
                    default -> forgedInWindow |= spoof(h, x, in);
                }
                x.checkInvariants();
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
