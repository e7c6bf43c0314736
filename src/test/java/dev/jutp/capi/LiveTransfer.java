package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jutp.engine.Connection;
import dev.jutp.engine.Invariants;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * A one-way transfer A → B in the in-memory {@link Harness}, kept moving between injected
 * datagrams: A writes whenever the window opens (on WRITABLE), B collects what arrives. Gives
 * the hostile-input tests a live connection to attack and a byte-exact check at the end.
 */
final class LiveTransfer {
    final Harness h;
    final byte[] data;
    private final MemorySegment source;
    final UtpSocket a;
    final UtpSocket b;
    long written;
    /** A writes no further than this: it grows by one chunk per step, so data is always in flight. */
    private long limit;
    private final int chunk;

    LiveTransfer(Harness h, int size, long seed) {
        this(h, size, seed, 16 * 1024);
    }

    LiveTransfer(Harness h, int size, long seed, int chunk) {
        this.h = h;
        this.chunk = chunk;
        data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        source = MemorySegment.ofArray(data);
        utp_set_callback(h.sideA.ctx, UTP_ON_STATE_CHANGE, x -> {
            h.sideA.record(UTP_ON_STATE_CHANGE, x.socket(), x.state());
            if (x.state() == UTP_STATE_WRITABLE) {
                pump();
            }
            return 0;
        });
        a = h.connect();
        assertEquals(1, h.sideB.accepted.size(), "handshake");
        b = h.sideB.accepted.get(0);
        feed();
    }

    /** Allows one more chunk and writes it: its packets wait in the harness network. */
    void feed() {
        limit = Math.min(data.length, limit + chunk);
        pump();
    }

    /** Writes as much as the window and the limit take. */
    void pump() {
        while (a != null && written < limit && !a.destroyed) {
            long n = utp_write(a, source.asSlice(written), limit - written);
            if (n <= 0) {
                return;
            }
            written += n;
        }
    }

    Connection connA() {
        return a.connection();
    }

    Connection connB() {
        return b.connection();
    }

    /** Moves the transfer on by {@code millis} of virtual time (delivering everything sent). */
    void step(long millis) {
        feed();
        h.advance(millis, millis);
    }

    boolean complete() {
        return h.sideB.received.size() == data.length;
    }

    /** Runs until B has every byte (or the virtual time limit), then checks them. */
    void finishExact(long maxMillis) {
        for (long t = 0; t < maxMillis && !complete(); t += 10) {
            step(10);
            checkInvariants();
        }
        assertTrue(complete(), "transfer incomplete: " + h.sideB.received.size() + " of " + data.length);
        assertArrayEquals(data, h.sideB.received.toByteArray(), "bytes differ");
        assertEquals(0, h.sideA.count(UTP_ON_ERROR) + h.sideB.count(UTP_ON_ERROR), "errors");
    }

    /** True if what B received so far is a prefix of what A sent. */
    boolean receivedIsPrefix() {
        byte[] got = h.sideB.received.toByteArray();
        if (got.length > data.length) {
            return false;
        }
        for (int i = 0; i < got.length; i++) {
            if (got[i] != data[i]) {
                return false;
            }
        }
        return true;
    }

    /** Where B's bytes first differ from A's (for failure messages). */
    String firstDifference() {
        byte[] got = h.sideB.received.toByteArray();
        for (int i = 0; i < Math.min(got.length, data.length); i++) {
            if (got[i] != data[i]) {
                return "B holds " + got.length + " bytes, the first wrong at " + i + " (" + got[i] + " for " + data[i] + ")";
            }
        }
        return "B holds " + got.length + " bytes of " + data.length;
    }

    void checkInvariants() {
        Invariants.check(h.sideA.ctx.engine);
        Invariants.check(h.sideB.ctx.engine);
    }
}
