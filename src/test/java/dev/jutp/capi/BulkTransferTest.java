package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;

/**
 * 50 MB in each direction through the libutp API and the in-memory harness, both at once,
 * byte-exact by SHA-256; then each side half-closes after its data, both see EOF, both close,
 * and both sockets are destroyed without errors.
 */
class BulkTransferTest {
    static final long SIZE = 50L * 1000 * 1000;

    /** Deterministic data source: the bytes of a counter pattern, written as the window allows. */
    static final class Source {
        final MemorySegment block;
        final MessageDigest digest;
        long written;
        boolean eofSeen;
        boolean closed;

        Source(Arena arena, int seed) throws Exception {
            block = arena.allocate(1 << 16);
            for (int i = 0; i < block.byteSize(); i++) {
                block.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + seed));
            }
            digest = MessageDigest.getInstance("SHA-256");
        }

        /** Writes until the socket stops accepting; half-closes when everything is written. */
        void pump(UtpSocket s) {
            while (written < SIZE) {
                long off = written % block.byteSize();
                long n = Math.min(block.byteSize() - off, SIZE - written);
                long accepted = utp_write(s, block.asSlice(off, n), n);
                if (accepted <= 0) {
                    return;
                }
                digest.update(block.asSlice(off, accepted).toArray(ValueLayout.JAVA_BYTE));
                written += accepted;
                if (written == SIZE) {
                    utp_shutdown(s, SHUT_WR);
                }
            }
            closeWhenDone(s);
        }

        /** Close once our data is all written and the peer's EOF has arrived. */
        void closeWhenDone(UtpSocket s) {
            if (written == SIZE && eofSeen && !closed) {
                closed = true;
                utp_close(s);
            }
        }
    }

    @Test
    void fiftyMegabytesEachWayThenHalfCloseAndClose() throws Exception {
        try (Harness h = new Harness(7); Arena arena = Arena.ofConfined()) {
            MessageDigest recvA = MessageDigest.getInstance("SHA-256");
            MessageDigest recvB = MessageDigest.getInstance("SHA-256");
            long[] received = new long[2];
            byte[] scratch = new byte[4096];
            Source srcA = new Source(arena, 1);
            Source srcB = new Source(arena, 2);
            UtpSocket[] sockets = new UtpSocket[2];
            for (int side = 0; side < 2; side++) {
                Harness.Side s = side == 0 ? h.sideA : h.sideB;
                MessageDigest d = side == 0 ? recvA : recvB;
                Source src = side == 0 ? srcA : srcB;
                int idx = side;
                utp_set_callback(s.ctx, UTP_ON_READ, a -> {
                    MemorySegment seg = a.buf_segment();
                    for (long off = 0; off < a.len(); off += scratch.length) {
                        int n = (int) Math.min(scratch.length, a.len() - off);
                        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, a.buf_offset() + off, scratch, 0, n);
                        d.update(scratch, 0, n);
                    }
                    received[idx] += a.len();
                    return 0;
                });
                utp_set_callback(s.ctx, UTP_ON_STATE_CHANGE, a -> {
                    s.record(UTP_ON_STATE_CHANGE, a.socket(), a.state());
                    if (a.state() == UTP_STATE_WRITABLE || a.state() == UTP_STATE_CONNECT) {
                        src.pump(a.socket());
                    }
                    if (a.state() == UTP_STATE_EOF) {
                        src.eofSeen = true;
                        src.closeWhenDone(a.socket());
                    }
                    return 0;
                });
                utp_set_callback(s.ctx, UTP_ON_ACCEPT, a -> {
                    sockets[1] = a.socket();
                    s.record(UTP_ON_ACCEPT, a.socket(), 0);
                    return 0;
                });
            }
            h.sideA.dropOutgoing = d -> false;
            sockets[0] = utp_create_socket(h.sideA.ctx);
            utp_connect(sockets[0], Harness.ADDR_B);
            h.deliver();
            // Bounded: each step moves 1 ms of virtual time.
            for (int step = 0; step < 2_000_000; step++) {
                if (sockets[1] != null) {
                    srcB.pump(sockets[1]);
                }
                srcA.pump(sockets[0]);
                h.deliver();
                h.nowMicros += 1000;
                h.tick();
                if (h.sideA.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING) == 1
                        && h.sideB.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING) == 1) {
                    break;
                }
            }
            assertEquals(SIZE, received[0], "A received");
            assertEquals(SIZE, received[1], "B received");
            assertArrayEquals(srcB.digest.digest(), recvA.digest());
            assertArrayEquals(srcA.digest.digest(), recvB.digest());
            for (Harness.Side s : new Harness.Side[] {h.sideA, h.sideB}) {
                assertEquals(1, s.count(UTP_ON_STATE_CHANGE, UTP_STATE_EOF), () -> s.name + " " + s.events.stream().filter(e -> e.type() != UTP_ON_READ).toList());
                assertEquals(1, s.count(UTP_ON_STATE_CHANGE, UTP_STATE_DESTROYING), () -> s.name + " " + s.events.stream().filter(e -> e.type() != UTP_ON_READ).toList() + " now=" + h.nowMicros / 1000);
                assertEquals(0, s.count(UTP_ON_ERROR), s.name);
            }
        }
    }
}
