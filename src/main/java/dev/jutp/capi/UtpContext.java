package dev.jutp.capi;

import dev.jutp.engine.Connection;
import dev.jutp.engine.Engine;
import dev.jutp.engine.EngineEvents;
import dev.jutp.engine.EngineHost;
import dev.jutp.engine.UdpDefaults;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * libutp's {@code utp_context*}: one engine plus the callback table. Every API entry reads the
 * clock through {@code UTP_GET_MILLISECONDS}/{@code UTP_GET_MICROSECONDS}, runs the engine, and
 * then turns the engine's queued events into callbacks — only at the outermost entry, so a
 * callback can call any API function (as ucat does) and its own events follow in order.
 *
 * <p>Not thread-safe, like libutp: one thread at a time per context. A call made while another
 * thread is inside a call on the same context fails with {@link IllegalStateException} instead
 * of corrupting it (libutp #2, #135); detection is best-effort, the rule is the caller's.
 */
public final class UtpContext {
    /** libutp keeps the MTU and overhead callbacks' answers in 16 bits. */
    private static final int MAX_UINT16 = 0xFFFF;
    final Engine engine;
    final UtpCallback[] callbacks = new UtpCallback[Utp.UTP_ARRAY_SIZE];
    /** Event callback arguments, one per dispatch depth so a nested dispatch leaves the outer callback's intact. */
    private UtpCallbackArguments[] eventArgs = {new UtpCallbackArguments()};
    /** An enclosing call's callback exception, set aside while a nested call runs. */
    private Throwable[] outerPending = new Throwable[4];
    private final UtpCallbackArguments queryArgs = new UtpCallbackArguments();
    private final UtpCallbackArguments sendArgs = new UtpCallbackArguments();
    private final UtpContextStats stats;
    private Object userdata;
    private int depth;
    private boolean inEngine;
    /** The thread inside the outermost call; plain field: a cheap check, not a lock. */
    private Thread owner;
    private boolean destroyed;
    /** The first exception a callback threw during the current API call. */
    private Throwable pending;

    UtpContext() {
        engine = new Engine(new Host());
        stats = new UtpContextStats(engine.stats(), engine.slab());
        callbacks[Utp.UTP_GET_UDP_MTU] = Defaults.MTU;
        callbacks[Utp.UTP_GET_UDP_OVERHEAD] = Defaults.OVERHEAD;
        callbacks[Utp.UTP_GET_MILLISECONDS] = Defaults.MILLISECONDS;
        callbacks[Utp.UTP_GET_MICROSECONDS] = Defaults.MICROSECONDS;
        callbacks[Utp.UTP_GET_RANDOM] = Defaults.RANDOM;
    }

    Object userdata() {
        return userdata;
    }

    void setUserdata(Object value) {
        userdata = value;
    }

    UtpContextStats stats() {
        return stats;
    }

    boolean isDestroyed() {
        return destroyed;
    }

    void setCallback(int slot, UtpCallback proc) {
        callbacks[slot] = proc;
        engine.configure(engine.config()
                .withAcceptsConnections(callbacks[Utp.UTP_ON_ACCEPT] != null)
                .withOverheadEvents(callbacks[Utp.UTP_ON_OVERHEAD_STATISTICS] != null));
    }

    // ------------------------------------------------------------------ entry and dispatch

    /** Starts an API call: checks state, refreshes the engine's clock. */
    void enter() {
        if (destroyed) {
            throw new IllegalStateException("utp_context used after utp_destroy");
        }
        Thread current = Thread.currentThread();
        Thread inside = owner;
        if (depth > 0 && inside != current) {
            throw new IllegalStateException("utp_context used by " + current + " while "
                    + (inside != null ? inside : "another thread") + " is inside a call on it;"
                    + " a context is single-threaded: confine it to one thread or lock around every call");
        }
        if (inEngine) {
            throw new IllegalStateException(
                    "re-entrant call from UTP_SENDTO or a UTP_GET_* callback into the same context; queue the work instead");
        }
        // The clocks are read before anything changes, so a clock callback that throws leaves the context as it was.
        long ms = query(Utp.UTP_GET_MILLISECONDS, null);
        long us = query(Utp.UTP_GET_MICROSECONDS, null);
        if (depth == outerPending.length) {
            outerPending = java.util.Arrays.copyOf(outerPending, depth * 2);
        }
        outerPending[depth] = pending;
        pending = null;
        if (depth++ == 0) {
            owner = current;
        }
        engine.setTime(ms, us);
        inEngine = true;
    }

    /**
     * Ends an API call; the outermost one dispatches the queued events as callbacks. A callback
     * that throws does not cut the engine's work or the other callbacks short (queued events point
     * into the caller's datagram, which must not outlive the call): the first exception is
     * rethrown here, once everything is done, later ones attached as suppressed.
     */
    void exit() {
        exit(false);
    }

    /**
     * Ends a call that fed the engine input ({@code utp_process_udp}, ICMP): it dispatches even
     * when nested, since its events describe memory that is only valid until it returns.
     */
    void exitAfterInput() {
        exit(true);
    }

    private void exit(boolean input) {
        inEngine = false;
        try {
            if (depth == 1 || input) {
                dispatch();
            }
        } finally {
            if (--depth == 0) {
                owner = null;
            }
        }
        Throwable t = pending;
        pending = outerPending[depth];
        outerPending[depth] = null;
        if (t != null) {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("a callback failed", t);
        }
    }

    /** Remembers a callback's exception until the API call ends. */
    private void failed(Throwable t) {
        if (pending == null) {
            pending = t;
        } else if (pending != t) {
            pending.addSuppressed(t);
        }
    }

    boolean inCallback() {
        return depth > 0;
    }

    UtpSocket socketOf(Connection c) {
        if (c == null) {
            return null;
        }
        Object s = c.attachment();
        return s instanceof UtpSocket socket ? socket : new UtpSocket(this, c);
    }

    private void dispatch() {
        int level = depth - 1;
        if (level == eventArgs.length) {
            eventArgs = java.util.Arrays.copyOf(eventArgs, level + 1);
            eventArgs[level] = new UtpCallbackArguments();
        }
        engine.holdDeferredSlots();     // a READ callback may still be reading a reorder slot
        try {
            dispatchQueued(eventArgs[level]);
        } finally {
            engine.releaseDeferredHold();
        }
    }

    private void dispatchQueued(UtpCallbackArguments args) {
        EngineEvents ev = engine.events();
        while (ev.next()) {
            Connection c = ev.connection();
            UtpSocket s = socketOf(c);
            switch (ev.type()) {
                case EngineEvents.READ -> {
                    if (!c.isReadShutdown() && callbacks[Utp.UTP_ON_READ] != null) {
                        UtpCallbackArguments a = begin(args, Utp.UTP_ON_READ, s);
                        a.bufSegment = ev.segment();
                        a.bufOffset = ev.offset();
                        a.len = ev.length();
                        fire(a);
                    }
                }
                case EngineEvents.CONNECT -> {
                    if (callbacks[Utp.UTP_ON_CONNECT] != null) {
                        fire(begin(args, Utp.UTP_ON_CONNECT, s));
                    } else {
                        stateChange(args, s, Utp.UTP_STATE_CONNECT);
                    }
                }
                case EngineEvents.WRITABLE -> stateChange(args, s, Utp.UTP_STATE_WRITABLE);
                case EngineEvents.EOF -> stateChange(args, s, Utp.UTP_STATE_EOF);
                case EngineEvents.DESTROYING -> {
                    stateChange(args, s, Utp.UTP_STATE_DESTROYING);
                    s.destroyed = true;
                }
                case EngineEvents.ERROR -> {
                    if (callbacks[Utp.UTP_ON_ERROR] != null) {
                        UtpCallbackArguments a = begin(args, Utp.UTP_ON_ERROR, s);
                        a.errorCode = ev.arg();
                        fire(a);
                    }
                }
                case EngineEvents.ACCEPT -> {
                    if (callbacks[Utp.UTP_ON_ACCEPT] != null) {
                        UtpCallbackArguments a = begin(args, Utp.UTP_ON_ACCEPT, s);
                        a.address = ev.address();
                        fire(a);
                    }
                }
                case EngineEvents.DELAY_SAMPLE -> {
                    if (callbacks[Utp.UTP_ON_DELAY_SAMPLE] != null) {
                        UtpCallbackArguments a = begin(args, Utp.UTP_ON_DELAY_SAMPLE, s);
                        a.sampleMs = ev.arg();
                        fire(a);
                    }
                }
                case EngineEvents.OVERHEAD -> {
                    if (callbacks[Utp.UTP_ON_OVERHEAD_STATISTICS] != null) {
                        UtpCallbackArguments a = begin(args, Utp.UTP_ON_OVERHEAD_STATISTICS, s);
                        a.send = ev.arg();
                        a.type = ev.arg2();
                        a.len = ev.length();
                        fire(a);
                    }
                }
                case EngineEvents.LOG -> {
                    if (callbacks[Utp.UTP_LOG] != null) {
                        byte[] text = ev.text().getBytes(StandardCharsets.UTF_8);
                        UtpCallbackArguments a = begin(args, Utp.UTP_LOG, s);
                        a.bufSegment = MemorySegment.ofArray(text);
                        a.len = text.length;
                        fire(a);
                    }
                }
                default -> throw new IllegalStateException("unknown engine event " + ev.type());
            }
        }
    }

    private void stateChange(UtpCallbackArguments args, UtpSocket s, int state) {
        if (callbacks[Utp.UTP_ON_STATE_CHANGE] != null) {
            UtpCallbackArguments a = begin(args, Utp.UTP_ON_STATE_CHANGE, s);
            a.state = state;
            fire(a);
        }
    }

    private UtpCallbackArguments begin(UtpCallbackArguments args, int type, UtpSocket s) {
        args.reset(this, type, s);
        return args;
    }

    private void fire(UtpCallbackArguments a) {
        UtpCallback cb = callbacks[a.callbackType];
        if (cb != null) {
            try {
                cb.call(a);
            } catch (Throwable t) {
                failed(t);
            }
        }
    }

    /** A callback the engine waits for (SENDTO, GET_*, FIREWALL): if it throws, {@code fallback} stands in. */
    private long ask(UtpCallback cb, UtpCallbackArguments a, long fallback) {
        try {
            return cb.call(a);
        } catch (Throwable t) {
            failed(t);
            return fallback;
        }
    }

    /** Calls a query slot (GET_*, FIREWALL) with its own argument object; defaults stand in for unset clocks. */
    private long query(int slot, UtpSocket s) {
        UtpCallback cb = callbacks[slot];
        if (cb == null) {
            return switch (slot) {
                case Utp.UTP_GET_MILLISECONDS -> Defaults.MILLISECONDS.call(null);
                case Utp.UTP_GET_MICROSECONDS -> Defaults.MICROSECONDS.call(null);
                default -> 0;
            };
        }
        queryArgs.reset(this, slot, s);
        return cb.call(queryArgs);
    }

    void markDestroyed() {
        destroyed = true;
    }

    // ------------------------------------------------------------------ the engine's view of us

    private final class Host implements EngineHost {
        @Override
        public void send(MemorySegment segment, long offset, int length, InetSocketAddress to, int flags) {
            UtpCallback cb = callbacks[Utp.UTP_SENDTO];
            if (cb == null) {
                return;
            }
            UtpCallbackArguments a = sendArgs;
            a.reset(UtpContext.this, Utp.UTP_SENDTO, null);   // libutp passes no socket to SENDTO
            a.bufSegment = segment;
            a.bufOffset = offset;
            a.len = length;
            a.address = to;
            a.flags = flags;
            ask(cb, a, 0);                  // a SENDTO that throws: the datagram is lost, as UDP may lose it
        }

        @Override
        public int udpMtu(Connection c, InetSocketAddress peer) {
            long v = peerQuery(Utp.UTP_GET_UDP_MTU, c, peer);
            // An unset slot or a nonsense answer gets the default instead of an underflow (the
            // README's differences from libutp, Q35).
            return v <= 0 || v > MAX_UINT16 ? UdpDefaults.mtuBytes(peer) : (int) v;
        }

        @Override
        public int udpOverhead(Connection c, InetSocketAddress peer) {
            return (int) (peerQuery(Utp.UTP_GET_UDP_OVERHEAD, c, peer) & MAX_UINT16);
        }

        @Override
        public int random(Connection c) {
            UtpCallback cb = callbacks[Utp.UTP_GET_RANDOM];
            if (cb == null) {
                return 0;
            }
            queryArgs.reset(UtpContext.this, Utp.UTP_GET_RANDOM, socketOf(c));
            try {
                return (int) cb.call(queryArgs);
            } catch (Throwable t) {
                failed(t);
                return (int) Defaults.RANDOM.call(null);
            }
        }

        @Override
        public long readBufferSize(Connection c) {
            UtpCallback cb = callbacks[Utp.UTP_GET_READ_BUFFER_SIZE];
            if (cb == null) {
                return 0;
            }
            queryArgs.reset(UtpContext.this, Utp.UTP_GET_READ_BUFFER_SIZE, socketOf(c));
            return ask(cb, queryArgs, 0);
        }

        @Override
        public boolean firewallRejects(InetSocketAddress from) {
            UtpCallback cb = callbacks[Utp.UTP_ON_FIREWALL];
            if (cb == null) {
                return false;
            }
            queryArgs.reset(UtpContext.this, Utp.UTP_ON_FIREWALL, null);
            queryArgs.address = from;
            return ask(cb, queryArgs, 1) != 0;     // a firewall that throws rejects
        }

        private long peerQuery(int slot, Connection c, InetSocketAddress peer) {
            UtpCallback cb = callbacks[slot];
            if (cb == null) {
                return 0;
            }
            queryArgs.reset(UtpContext.this, slot, socketOf(c));
            queryArgs.address = peer;
            return ask(cb, queryArgs, 0);           // 0: the MTU default, no overhead
        }
    }

    /**
     * libutp's default callbacks, with a monotonic clock and a cryptographic random source (the
     * README's differences from libutp, Q27).
     */
    static final class Defaults {
        private static final SecureRandom SECURE = new SecureRandom();
        static final UtpCallback MILLISECONDS = a -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        static final UtpCallback MICROSECONDS = a -> TimeUnit.NANOSECONDS.toMicros(System.nanoTime());
        /** The 32 random bits as an unsigned value, as libutp's {@code uint32} return. */
        static final UtpCallback RANDOM = a -> Integer.toUnsignedLong(SECURE.nextInt());
        static final UtpCallback MTU = a -> UdpDefaults.mtuBytes(a.address());
        static final UtpCallback OVERHEAD = a -> UdpDefaults.isIpv6(a.address())
                ? UdpDefaults.TEREDO_OVERHEAD_BYTES : UdpDefaults.IPV4_OVERHEAD_BYTES;

        private Defaults() {}
    }
}
