package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static dev.jutp.wire.Header.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.engine.Connection;
import dev.jutp.engine.ContextStats;
import dev.jutp.engine.Invariants;
import dev.jutp.wire.Seq;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * An off-path attacker who knows both addresses and ports sweeps all 65,536 connection ids with
 * spoofed RST, DATA and STATE packets, at both ends of a transfer in progress (the README's
 * "Blind injection"). A blind sweep of libutp's id space kills its connection; here the connection
 * survives and delivers exactly the real bytes, and a correctly formed RST still closes it.
 */
class BlindInjectionTest {
    static final int IDS = 65_536;

    /** Spoofed packets whose ids and numbers happened to pass the target's checks (expected 0). */
    private int inWindow;
    private long spoofed;

    @Test
    void sweepOfEveryConnectionIdWithRstDataAndStateDoesNotHurtTheTransfer() {
        try (Harness h = new Harness(21)) {
            LiveTransfer x = new LiveTransfer(h, 2 << 20, 9);
            SplittableRandom attacker = new SplittableRandom(99);
            byte[] junk = new byte[100];
            java.util.Arrays.fill(junk, (byte) 0xEE);
            long dropsBefore = drops(h, x);
            for (int id = 0; id < IDS; id++) {
                if ((id & 1023) == 0) {
                    x.step(5);              // the transfer moves on during the sweep
                    x.feed();               // and has data in flight at every spoof
                    x.checkInvariants();
                }
                for (int end = 0; end < 2; end++) {
                    boolean toA = end == 0;
                    Harness.Side side = toA ? h.sideA : h.sideB;
                    Connection target = toA ? x.connA() : x.connB();
                    InetSocketAddress from = toA ? Harness.ADDR_B : Harness.ADDR_A;
                    // Plausible numbers first (what rst_inject.py sends: seq = ack = 0), then random ones.
                    spoof(h, side, target, from, packet(RST_TYPE, id, 0, 0, null));
                    spoof(h, side, target, from, packet(RST_TYPE, id, attacker.nextInt(IDS), attacker.nextInt(IDS), null));
                    spoof(h, side, target, from, packet(ST_DATA, id, attacker.nextInt(IDS), attacker.nextInt(IDS), junk));
                    spoof(h, side, target, from, packet(ST_STATE, id, attacker.nextInt(IDS), attacker.nextInt(IDS), null));
                }
            }
            x.checkInvariants();
            assertEquals(0, inWindow, "spoofs that guessed an acceptable ack_nr with this seed");
            assertEquals(0, h.sideA.count(UTP_ON_ERROR) + h.sideB.count(UTP_ON_ERROR), "errors during the sweep");
            long dropped = drops(h, x) - dropsBefore;
            assertTrue(dropped >= spoofed, "dropped " + dropped + " of " + spoofed + " spoofed packets");
            System.out.printf("blind sweep: %d spoofed packets, %d drops counted (forged RSTs ignored A/B: %d/%d)%n",
                    spoofed, dropped, stats(h.sideA).resetsIgnored, stats(h.sideB).resetsIgnored);
            assertTrue(stats(h.sideA).resetsIgnored + stats(h.sideB).resetsIgnored >= 4, "RSTs with the right id were seen and ignored");

            x.finishExact(120_000);

            // The real peer's RST (B lost the connection and answers A's next packet) still closes A.
            byte[] msg = "after the sweep".getBytes();
            utp_write(x.a, Harness.bytes(msg), msg.length);
            Harness.Datagram provoking = h.lastSentBy(h.sideA);
            h.network.clear();
            h.inject(h.sideA, Harness.resetAnswering(provoking), Harness.ADDR_B);
            assertEquals(1, h.sideA.count(UTP_ON_ERROR, UTP_ECONNRESET));
        }
    }

    static final int RST_TYPE = ST_RESET;

    private void spoof(Harness h, Harness.Side side, Connection target, InetSocketAddress from, byte[] p) {
        int id = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
        int ack = ((p[18] & 0xFF) << 8) | (p[19] & 0xFF);
        int type = (p[0] >> 4) & 0x0F;
        boolean idMatches = type == ST_RESET
                ? id == target.recvId() || id == target.sendId()
                : id == target.recvId();
        boolean acceptable = type == ST_RESET ? Invariants.resetAcceptable(target, ack) : Invariants.ackAcceptable(target, ack);
        if (idMatches && acceptable) {
            inWindow++;
        }
        spoofed++;
        assertEquals(1, h.inject(side, p, from));
    }

    private static byte[] packet(int type, int id, int seq, int ack, byte[] payload) {
        return Harness.packet(type, id, seq, ack, type == ST_RESET ? 0 : 1 << 20, type == ST_RESET ? 0 : 12345, 0, null, payload);
    }

    private static ContextStats stats(Harness.Side s) {
        return s.ctx.engine.stats();
    }

    /** Every counter where jutp records a dropped datagram, both ends. */
    private static long drops(Harness h, LiveTransfer x) {
        long n = 0;
        for (Harness.Side s : new Harness.Side[] {h.sideA, h.sideB}) {
            ContextStats st = stats(s);
            n += st.unknownConnection + st.resetsIgnored + st.malformed + st.notUtp + st.synsIgnored;
        }
        for (Connection c : new Connection[] {x.connA(), x.connB()}) {
            n += c.stats().invalidReceived + c.stats().staleReceived + c.stats().duplicatesReceived;
        }
        return n;
    }
}
