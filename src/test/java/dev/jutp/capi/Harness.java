package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Two libutp-API contexts joined by an in-memory network with a virtual clock: A = 10.0.0.1:1000
 * (initiator), B = 10.0.0.2:2000 (acceptor). Datagrams are captured from UTP_SENDTO and
 * delivered with {@link #deliver()}; droppers decide per datagram. Every callback is recorded.
 * Deterministic: time moves only through {@link #advance}, random values come from a seed.
 */
final class Harness implements AutoCloseable {
    static final InetSocketAddress ADDR_A = new InetSocketAddress("10.0.0.1", 1000);
    static final InetSocketAddress ADDR_B = new InetSocketAddress("10.0.0.2", 2000);

    /** One captured datagram. */
    record Datagram(Side from, Side to, byte[] bytes, int flags) {
        int type() { return (bytes[0] >> 4) & 0x0F; }
        int ext() { return bytes[1] & 0xFF; }
        int connId() { return u16(2); }
        int timestamp() { return u32(4); }
        int timestampDiff() { return u32(8); }
        long wnd() { return u32(12) & 0xFFFF_FFFFL; }
        int seq() { return u16(16); }
        int ack() { return u16(18); }
        int payloadLength() {
            int pos = 20, ext = ext();
            while (ext != 0 && pos + 2 <= bytes.length) {
                int next = bytes[pos] & 0xFF, len = bytes[pos + 1] & 0xFF;
                pos += 2 + len;
                ext = next;
            }
            return bytes.length - pos;
        }
        private int u16(int o) { return ((bytes[o] & 0xFF) << 8) | (bytes[o + 1] & 0xFF); }
        private int u32(int o) { return ((bytes[o] & 0xFF) << 24) | ((bytes[o + 1] & 0xFF) << 16) | ((bytes[o + 2] & 0xFF) << 8) | (bytes[o + 3] & 0xFF); }
        @Override public String toString() {
            String[] names = {"DATA", "FIN", "STATE", "RESET", "SYN"};
            return from + "->" + to + " " + names[type()] + " id=" + connId() + " seq=" + seq() + " ack=" + ack()
                    + " wnd=" + wnd() + " len=" + bytes.length + (flags != 0 ? " DF" : "");
        }
    }

    /** One recorded callback. */
    record Event(Side side, int type, UtpSocket socket, long value, long time) {
        @Override public String toString() {
            return side + "@" + time + " " + utp_callback_name(type) + " " + value;
        }
    }

    final class Side {
        final String name;
        final UtpContext ctx;
        final InetSocketAddress addr;
        final List<Event> events = new ArrayList<>();
        final List<UtpSocket> accepted = new ArrayList<>();
        final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        long readBufferSize;
        boolean closeOnEof;
        Predicate<Datagram> dropOutgoing = d -> false;

        Side(String name, InetSocketAddress addr) {
            this.name = name;
            this.addr = addr;
            this.ctx = utp_init(2);
            utp_set_callback(ctx, UTP_GET_MILLISECONDS, a -> nowMicros / 1000);
            utp_set_callback(ctx, UTP_GET_MICROSECONDS, a -> nowMicros);
            utp_set_callback(ctx, UTP_GET_RANDOM, a -> scriptedRandom.isEmpty() ? random.nextInt() & 0xFFFF_FFFFL : scriptedRandom.poll());
            utp_set_callback(ctx, UTP_GET_READ_BUFFER_SIZE, a -> readBufferSize);
            utp_set_callback(ctx, UTP_SENDTO, a -> {
                byte[] bytes = a.buf().toArray(ValueLayout.JAVA_BYTE);
                Side to = a.address().equals(ADDR_A) ? sideA : a.address().equals(ADDR_B) ? sideB : null;
                if (to == null) {
                    return 0;               // no one lives there (a spoofed source address)
                }
                Datagram d = new Datagram(this, to, bytes, a.flags());
                sent.add(d);
                if (!dropOutgoing.test(d) && !globalDrop.test(d)) {
                    network.add(d);
                }
                return 0;
            });
            utp_set_callback(ctx, UTP_ON_READ, a -> {
                byte[] b = a.buf().toArray(ValueLayout.JAVA_BYTE);
                received.write(b, 0, b.length);
                record(UTP_ON_READ, a.socket(), a.len());
                return 0;
            });
            utp_set_callback(ctx, UTP_ON_STATE_CHANGE, a -> {
                record(UTP_ON_STATE_CHANGE, a.socket(), a.state());
                if (a.state() == UTP_STATE_EOF && closeOnEof) {
                    utp_close(a.socket());
                }
                return 0;
            });
            utp_set_callback(ctx, UTP_ON_ERROR, a -> {
                record(UTP_ON_ERROR, a.socket(), a.error_code());
                return 0;
            });
        }

        void acceptConnections() {
            utp_set_callback(ctx, UTP_ON_ACCEPT, a -> {
                accepted.add(a.socket());
                record(UTP_ON_ACCEPT, a.socket(), 0);
                return 0;
            });
        }

        void record(int type, UtpSocket s, long value) {
            events.add(new Event(this, type, s, value, nowMicros / 1000));
        }

        long count(int type, long value) {
            return events.stream().filter(e -> e.type() == type && e.value() == value).count();
        }

        long count(int type) {
            return events.stream().filter(e -> e.type() == type).count();
        }

        @Override public String toString() { return name; }
    }

    long nowMicros = 1_000_000_000L;
    /** Values GET_RANDOM returns before falling back to the seeded source. */
    final ArrayDeque<Long> scriptedRandom = new ArrayDeque<>();
    final SplittableRandom random;
    final ArrayDeque<Datagram> network = new ArrayDeque<>();
    final List<Datagram> sent = new ArrayList<>();
    Predicate<Datagram> globalDrop = d -> false;
    final Arena arena = Arena.ofConfined();
    final MemorySegment rx = arena.allocate(65536);
    final Side sideA;
    final Side sideB;

    Harness(long seed) {
        random = new SplittableRandom(seed);
        sideA = new Side("A", ADDR_A);
        sideB = new Side("B", ADDR_B);
        sideB.acceptConnections();
    }

    Harness() {
        this(42);
    }

    /**
     * Both sides on libutp's classic LEDBAT: for checks that assert libutp's exact window numbers
     * (jutp's default controller is LEDBAT++).
     */
    static Harness classicLedbat() {
        Harness h = new Harness();
        utp_context_set_option(h.sideA.ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT);
        utp_context_set_option(h.sideB.ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT);
        return h;
    }

    /**
     * Both sides find lost packets as libutp does (JUTP_LOSS_RECOVERY_LIBUTP): for the checks
     * that pin libutp's exact retransmissions and their timing. Sockets made afterwards only.
     */
    Harness libutpLossRecovery() {
        for (Side s : new Side[] {sideA, sideB}) {
            if (utp_context_set_option(s.ctx, JUTP_LOSS_RECOVERY, JUTP_LOSS_RECOVERY_LIBUTP) != 0) {
                throw new AssertionError("JUTP_LOSS_RECOVERY refused");
            }
        }
        return this;
    }

    /** Delivers every queued datagram (and those they cause), then issues deferred acks; bounded. */
    void deliver() {
        for (int round = 0; round < 100_000 && !network.isEmpty(); round++) {
            while (!network.isEmpty()) {
                Datagram d = network.poll();
                inject(d.to(), d.bytes(), d.from().addr);
            }
            utp_issue_deferred_acks(sideA.ctx);
            utp_issue_deferred_acks(sideB.ctx);
        }
    }

    /** Delivers one datagram without issuing acks. */
    int inject(Side to, byte[] bytes, InetSocketAddress from) {
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, rx, 0, bytes.length);
        return utp_process_udp(to.ctx, rx, bytes.length, from);
    }

    /** Advances the clock in steps, ticking both contexts and delivering traffic at each step. */
    void advance(long millis, long stepMillis) {
        long end = nowMicros + millis * 1000;
        while (nowMicros < end) {
            nowMicros = Math.min(end, nowMicros + stepMillis * 1000);
            utp_check_timeouts(sideA.ctx);
            utp_check_timeouts(sideB.ctx);
            deliver();
        }
    }

    void tick() {
        utp_check_timeouts(sideA.ctx);
        utp_check_timeouts(sideB.ctx);
    }

    /** Connects A to B and runs the handshake; returns A's socket. */
    UtpSocket connect() {
        UtpSocket s = utp_create_socket(sideA.ctx);
        if (utp_connect(s, ADDR_B) != 0) {
            throw new AssertionError("connect failed");
        }
        deliver();
        return s;
    }

    List<Datagram> sentBy(Side side) {
        return sent.stream().filter(d -> d.from() == side).toList();
    }

    Datagram lastSentBy(Side side) {
        List<Datagram> l = sentBy(side);
        return l.isEmpty() ? null : l.get(l.size() - 1);
    }

    /** Builds a datagram by hand: header, optional raw extension chain, payload. */
    static byte[] packet(int type, int connId, int seq, int ack, long wnd, int timestamp, int tsDiff, byte[] extensions, byte[] payload) {
        int ext = extensions == null ? 0 : extensions.length;
        int pay = payload == null ? 0 : payload.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20 + ext + pay);
        int firstExt = ext == 0 ? 0 : 1;
        b.put((byte) ((type << 4) | 1)).put((byte) firstExt).putShort((short) connId).putInt(timestamp).putInt(tsDiff)
                .putInt((int) wnd).putShort((short) seq).putShort((short) ack);
        if (ext > 0) {
            b.put(extensions);
        }
        if (pay > 0) {
            b.put(payload);
        }
        return b.array();
    }

    /**
     * The RST a peer that lost the connection sends in answer to {@code provoking} (libutp's and
     * libtorrent's form: the received id, a random seq, ack_nr = the provoking packet's seq_nr).
     */
    static byte[] resetAnswering(Datagram provoking) {
        return packet(3, provoking.connId(), 4242, provoking.seq(), 0, 0, 0, null, null);
    }

    /** A SACK extension block (next=0, len=mask.length, mask). */
    static byte[] sack(int... bits) {
        byte[] e = new byte[2 + 4];
        e[0] = 0;
        e[1] = 4;
        for (int bit : bits) {
            e[2 + bit / 8] |= (byte) (1 << (bit % 8));
        }
        return e;
    }

    static MemorySegment bytes(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    @Override
    public void close() {
        utp_destroy(sideA.ctx);
        utp_destroy(sideB.ctx);
        arena.close();
    }
}
