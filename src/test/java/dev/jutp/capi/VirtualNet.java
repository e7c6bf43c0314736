package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Any number of libutp-API contexts on an in-memory network with a virtual clock, for load and
 * hostile-traffic tests. Unlike {@link Harness} every context has its own address, datagrams to
 * addresses without a context (forged sources) are counted per address and dropped, and a host
 * can vanish (it neither sends, receives nor ticks any more). Every socket's callbacks are counted
 * per handle, so "DESTROYING exactly once per socket" is checkable.
 */
final class VirtualNet implements AutoCloseable {
    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) { }

    /** Traffic exchanged with one address that has no context (a forged source). */
    static final class Unverified {
        long datagramsIn, bytesIn, datagramsOut, bytesOut;
    }

    /**
     * What happened to one socket. Kept apart from the handle, which is dropped at DESTROYING so
     * that 100,000 dead sockets do not keep their connections reachable.
     */
    static final class Record {
        /** Null once destroyed. */
        UtpSocket socket;
        final InetSocketAddress peer;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int connects, eofs, destroyings, errors;
        int error = -1;

        Record(UtpSocket socket, InetSocketAddress peer) {
            this.socket = socket;
            this.peer = peer;
        }

        @Override
        public String toString() {
            return "socket to " + peer + ": connects " + connects + " eofs " + eofs + " errors " + errors + " (" + error
                    + ") destroyings " + destroyings;
        }
    }

    final class Host {
        final InetSocketAddress addr;
        final UtpContext ctx;
        /** Every socket this host created or accepted, in order. */
        final List<Record> records = new ArrayList<>();
        private final Map<UtpSocket, Record> live = new IdentityHashMap<>();
        private final Map<UtpSocket, Outgoing> outgoing = new IdentityHashMap<>();
        /** DESTROYING for a handle not (or no longer) live: must stay 0. */
        int strayDestroyings;
        long readBufferSize;
        boolean closeOnEof = true;
        boolean closeOnError = true;
        boolean vanished;
        /** Called after every READ with the socket's record (received bytes appended). */
        java.util.function.Consumer<Record> onReceived = r -> { };

        Host(InetSocketAddress addr) {
            this.addr = addr;
            ctx = utp_init(2);
            utp_set_callback(ctx, UTP_GET_MILLISECONDS, a -> nowMicros / 1000);
            utp_set_callback(ctx, UTP_GET_MICROSECONDS, a -> nowMicros);
            utp_set_callback(ctx, UTP_GET_RANDOM, a -> random.nextInt() & 0xFFFF_FFFFL);
            utp_set_callback(ctx, UTP_GET_READ_BUFFER_SIZE, a -> readBufferSize);
            utp_set_callback(ctx, UTP_SENDTO, a -> {
                if (!vanished) {
                    send(new Datagram(addr, a.address(), a.buf().toArray(ValueLayout.JAVA_BYTE)));
                }
                return 0;
            });
            utp_set_callback(ctx, UTP_ON_READ, a -> {
                byte[] b = a.buf().toArray(ValueLayout.JAVA_BYTE);
                Record r = live.get(a.socket());
                r.received.write(b, 0, b.length);
                onReceived.accept(r);
                return 0;
            });
            utp_set_callback(ctx, UTP_ON_STATE_CHANGE, a -> {
                UtpSocket s = a.socket();
                Record r = live.get(s);
                if (r == null) {
                    strayDestroyings += a.state() == UTP_STATE_DESTROYING ? 1 : 0;
                    return 0;
                }
                switch (a.state()) {
                    case UTP_STATE_CONNECT -> {
                        r.connects++;
                        pump(s);
                    }
                    case UTP_STATE_WRITABLE -> pump(s);
                    case UTP_STATE_EOF -> {
                        r.eofs++;
                        Outgoing o = outgoing.get(s);
                        if (closeOnEof && o != null) {
                            o.closeAfter = true;    // finish our own writing first
                        } else if (closeOnEof) {
                            utp_close(s);
                        }
                    }
                    case UTP_STATE_DESTROYING -> {
                        r.destroyings++;
                        r.socket = null;
                        live.remove(s);
                        outgoing.remove(s);
                    }
                    default -> { }
                }
                return 0;
            });
            utp_set_callback(ctx, UTP_ON_ERROR, a -> {
                Record r = live.get(a.socket());
                r.errors++;
                r.error = a.error_code();
                if (closeOnError) {
                    utp_close(a.socket());
                }
                return 0;
            });
        }

        void acceptConnections() {
            utp_set_callback(ctx, UTP_ON_ACCEPT, a -> {
                track(a.socket(), a.address());
                return 0;
            });
        }

        /** For an ON_ACCEPT callback of the test's own: counts the accepted socket like {@link #acceptConnections}. */
        Record trackAccepted(UtpSocket s, InetSocketAddress peer) {
            return track(s, peer);
        }

        private Record track(UtpSocket s, InetSocketAddress peer) {
            Record r = new Record(s, peer);
            records.add(r);
            live.put(s, r);
            return r;
        }

        Record connect(Host to) {
            UtpSocket s = utp_create_socket(ctx);
            Record r = track(s, to.addr);
            if (utp_connect(s, to.addr) != 0) {
                throw new AssertionError("connect failed");
            }
            return r;
        }

        /** Writes all of {@code data} as the window allows (now, on CONNECT and on WRITABLE), then FIN if asked. */
        void write(Record r, byte[] data, boolean finAfter) {
            outgoing.put(r.socket, new Outgoing(data, finAfter));
            pump(r.socket);
        }

        private void pump(UtpSocket s) {
            Outgoing o = outgoing.get(s);
            while (o != null && o.pos < o.data.length) {
                long n = utp_write(s, MemorySegment.ofArray(o.data).asSlice(o.pos), o.data.length - o.pos);
                if (n <= 0) {
                    return;
                }
                o.pos += (int) n;
            }
            if (o != null) {
                outgoing.remove(s);
                if (o.finAfter) {
                    utp_shutdown(s, SHUT_WR);
                }
                if (o.closeAfter) {
                    utp_close(s);
                }
            }
        }

        Record acceptedFrom(InetSocketAddress peer) {
            return records.stream().filter(r -> peer.equals(r.peer)).findFirst().orElseThrow();
        }

        int liveSockets() {
            return live.size();
        }

        /** Sockets whose DESTROYING count is not exactly one (empty when all is well). */
        List<Record> notDestroyedOnce() {
            return records.stream().filter(r -> r.destroyings != 1).toList();
        }

        @Override
        public String toString() {
            return addr.toString();
        }
    }

    private static final class Outgoing {
        final byte[] data;
        final boolean finAfter;
        boolean closeAfter;
        int pos;

        Outgoing(byte[] data, boolean finAfter) {
            this.data = data;
            this.finAfter = finAfter;
        }
    }

    long nowMicros = 1_000_000_000L;
    final SplittableRandom random;
    final Map<InetSocketAddress, Host> hosts = new HashMap<>();
    final Map<InetSocketAddress, Unverified> unverified = new HashMap<>();
    final ArrayDeque<Datagram> inFlight = new ArrayDeque<>();
    Predicate<Datagram> drop = d -> false;
    long datagramsDelivered;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment rx = arena.allocate(65_536);

    VirtualNet(long seed) {
        random = new SplittableRandom(seed);
    }

    Host host(String ip, int port) {
        InetSocketAddress a = new InetSocketAddress(ip, port);
        Host h = new Host(a);
        hosts.put(a, h);
        return h;
    }

    private void send(Datagram d) {
        if (!hosts.containsKey(d.to())) {
            Unverified u = unverified.computeIfAbsent(d.to(), k -> new Unverified());
            u.datagramsOut++;
            u.bytesOut += d.bytes().length;
            return;
        }
        if (!drop.test(d)) {
            inFlight.add(d);
        }
    }

    /** A datagram from an address with no context (forged), delivered at once. Returns utp_process_udp's value. */
    int forge(Host to, InetSocketAddress from, byte[] bytes) {
        Unverified u = unverified.computeIfAbsent(from, k -> new Unverified());
        u.datagramsIn++;
        u.bytesIn += bytes.length;
        return inject(to, from, bytes);
    }

    private int inject(Host to, InetSocketAddress from, byte[] bytes) {
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, rx, 0, bytes.length);
        return utp_process_udp(to.ctx, rx, bytes.length, from);
    }

    /** Delivers queued datagrams and what they cause, then deferred acks; bounded in rounds. */
    void deliver() {
        for (int round = 0; round < 100_000 && !inFlight.isEmpty(); round++) {
            while (!inFlight.isEmpty()) {
                Datagram d = inFlight.poll();
                Host to = hosts.get(d.to());
                if (!to.vanished) {
                    datagramsDelivered++;
                    inject(to, d.from(), d.bytes());
                }
            }
            for (Host h : hosts.values()) {
                if (!h.vanished) {
                    utp_issue_deferred_acks(h.ctx);
                }
            }
        }
    }

    void tick() {
        for (Host h : hosts.values()) {
            if (!h.vanished) {
                utp_check_timeouts(h.ctx);
            }
        }
    }

    /** Advances the clock in steps, ticking every live context and delivering at each step. */
    void advance(long millis, long stepMillis) {
        long end = nowMicros + millis * 1000;
        while (nowMicros < end) {
            nowMicros = Math.min(end, nowMicros + stepMillis * 1000);
            tick();
            deliver();
        }
    }

    /** A 20-byte SYN (version 1, no extensions). */
    static byte[] syn(int connId, int seq) {
        return Harness.packet(4, connId, seq, 0, 1 << 20, 0, 0, null, null);
    }

    @Override
    public void close() {
        for (Host h : hosts.values()) {
            utp_destroy(h.ctx);
        }
        arena.close();
    }
}
