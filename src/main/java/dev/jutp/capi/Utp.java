package dev.jutp.capi;

import dev.jutp.engine.Connection;
import dev.jutp.engine.Engine;
import dev.jutp.engine.EngineConfig;
import dev.jutp.engine.EngineHost;
import dev.jutp.engine.cc.CongestionController;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * libutp's {@code utp.h}, function for function: {@code import static dev.jutp.capi.Utp.*;}
 * and a libutp program ports line for line.
 *
 * <p>Type mapping: {@code utp_context*} → {@link UtpContext}, {@code utp_socket*} →
 * {@link UtpSocket}, {@code (const byte *buf, size_t len)} → {@code (MemorySegment buf, long len)},
 * {@code const struct sockaddr*} → {@link InetSocketAddress}, {@code void *userdata} →
 * {@link Object}, {@code ssize_t} → {@code long}, {@code utp_callback_t*} → {@link UtpCallback},
 * {@code struct utp_iovec*} + count → {@code MemorySegment[]} + count. Out-parameters become
 * return values.
 *
 * <p>Errors: where libutp has an error value (−1, 0, NULL) for a bad call, it is returned.
 * Where libutp would abort on an assertion (double close, SNDBUF 0, {@code utp_init(1)}), jutp
 * returns the error value or does nothing, as documented per function. Using a socket after
 * its {@code UTP_STATE_DESTROYING} callback (except {@code utp_close}, which then does nothing,
 * and {@code utp_get_context}) throws {@link IllegalStateException}. After {@code utp_destroy},
 * every function that runs the context (input, timers, socket creation, socket calls) throws
 * {@link IllegalStateException}; setting callbacks, options and userdata and reading the stats
 * stay harmless. So does calling into a context from inside its own
 * {@code UTP_SENDTO} or {@code UTP_GET_*} callbacks. A buffer shorter than the length given
 * throws {@link IllegalArgumentException}.
 *
 * <p>Callbacks that throw: the call that fired them still completes (a throwing {@code UTP_SENDTO}
 * loses that datagram, a throwing {@code GET_*} answers its default, a throwing firewall rejects,
 * the other callbacks still run), then the first exception is rethrown from the API call, later
 * ones attached as suppressed. A throwing clock callback aborts the call before it changes anything.
 *
 * <p>Threading: as libutp, a context and its sockets must be used by one thread at a time.
 */
public final class Utp {
    private Utp() {}

    // ------------------------------------------------------------------ constants (utp.h values)

    /**
     * {@code UTP_SENDTO} flag: send the datagram with the don't-fragment bit (MTU probes).
     */
    public static final int UTP_UDP_DONTFRAG = EngineHost.DONT_FRAGMENT;

    /**
     * {@code UTP_ON_STATE_CHANGE} state: the handshake completed (outgoing connection).
     */
    public static final int UTP_STATE_CONNECT = 1;
    /**
     * {@code UTP_ON_STATE_CHANGE} state: the send window has room again after a short {@code utp_write}.
     */
    public static final int UTP_STATE_WRITABLE = 2;
    /**
     * {@code UTP_ON_STATE_CHANGE} state: the peer's FIN arrived and every byte before it was delivered.
     */
    public static final int UTP_STATE_EOF = 3;
    /**
     * {@code UTP_ON_STATE_CHANGE} state: the socket is being freed; it must not be used afterwards.
     */
    public static final int UTP_STATE_DESTROYING = 4;

    /**
     * {@code UTP_ON_ERROR} code: the SYN was answered with a reset or ICMP unreachable.
     */
    public static final int UTP_ECONNREFUSED = Connection.ECONNREFUSED;
    /**
     * {@code UTP_ON_ERROR} code: the peer reset an established connection.
     */
    public static final int UTP_ECONNRESET = Connection.ECONNRESET;
    /**
     * {@code UTP_ON_ERROR} code: the peer stopped answering (retransmissions or the idle timeout ran out).
     */
    public static final int UTP_ETIMEDOUT = Connection.ETIMEDOUT;

    /**
     * Callback slot: an incoming SYN from {@code address()}; return non-zero to refuse it.
     */
    public static final int UTP_ON_FIREWALL = 0;
    /**
     * Callback slot: a new incoming connection, {@code socket()}; without this callback SYNs are ignored.
     */
    public static final int UTP_ON_ACCEPT = 1;
    /**
     * Callback slot: an outgoing connection completed its handshake.
     */
    public static final int UTP_ON_CONNECT = 2;
    /**
     * Callback slot: the socket failed with {@code error_code()}; the application then calls {@code utp_close}.
     */
    public static final int UTP_ON_ERROR = 3;
    /**
     * Callback slot: in-order payload arrived in {@code buf()}, {@code len()} bytes, valid during the call.
     */
    public static final int UTP_ON_READ = 4;
    /**
     * Callback slot: {@code len()} bytes sent or received ({@code send()}) of category {@code type()}.
     */
    public static final int UTP_ON_OVERHEAD_STATISTICS = 5;
    /**
     * Callback slot: the socket entered {@code state()} ({@code UTP_STATE_*}).
     */
    public static final int UTP_ON_STATE_CHANGE = 6;
    /**
     * Callback slot: return the bytes the application holds unread for {@code socket()}; shrinks the advertised window.
     */
    public static final int UTP_GET_READ_BUFFER_SIZE = 7;
    /**
     * Callback slot: a one-way delay sample, {@code sample_ms()} milliseconds.
     */
    public static final int UTP_ON_DELAY_SAMPLE = 8;
    /**
     * Callback slot: return the path MTU in bytes for {@code address()} (0 or unset: the default).
     */
    public static final int UTP_GET_UDP_MTU = 9;
    /**
     * Callback slot: return the IP and UDP header bytes per datagram to {@code address()}.
     */
    public static final int UTP_GET_UDP_OVERHEAD = 10;
    /**
     * Callback slot: return a monotonic clock in milliseconds (unset: jutp's clock).
     */
    public static final int UTP_GET_MILLISECONDS = 11;
    /**
     * Callback slot: return a monotonic clock in microseconds (unset: jutp's clock).
     */
    public static final int UTP_GET_MICROSECONDS = 12;
    /**
     * Callback slot: return a random number (connection ids, initial sequence numbers).
     */
    public static final int UTP_GET_RANDOM = 13;
    /**
     * Callback slot: a log line in {@code buf()} ({@code log_text()}), when a log option is on.
     */
    public static final int UTP_LOG = 14;
    /**
     * Callback slot: send {@code buf()}, {@code len()} bytes, to {@code address()} with {@code flags()}.
     */
    public static final int UTP_SENDTO = 15;

    /**
     * Context option: 1 turns on normal log lines through {@code UTP_LOG}.
     */
    public static final int UTP_LOG_NORMAL = Engine.LOG_NORMAL;
    /**
     * Context option: 1 turns on MTU-discovery log lines through {@code UTP_LOG}.
     */
    public static final int UTP_LOG_MTU = Engine.LOG_MTU;
    /**
     * Context option: 1 turns on debug log lines through {@code UTP_LOG}.
     */
    public static final int UTP_LOG_DEBUG = Engine.LOG_DEBUG;
    /**
     * Context and socket option: the send buffer in bytes, at least 1.
     */
    public static final int UTP_SNDBUF = 19;
    /**
     * Context and socket option: the receive buffer in bytes, at least 1; bounds the advertised window.
     */
    public static final int UTP_RCVBUF = 20;
    /**
     * Context and socket option: the congestion controller's queuing-delay target in microseconds.
     */
    public static final int UTP_TARGET_DELAY = 21;

    /**
     * Number of callback slots and option ids in libutp's tables (not an option itself).
     */
    public static final int UTP_ARRAY_SIZE = 22;

    /**
     * jutp extension (context option, not in libutp): 1 (default) resends the oldest packet
     * after three duplicate STATE acks without SACK, as BEP 29 describes; 0 recovers such loss
     * by RTO only, as libutp does.
     */
    public static final int JUTP_DUPLICATE_ACK_RESEND = 0x4A01;

    /**
     * jutp extension (context option): consecutive unanswered RTO retransmissions of data before
     * a socket fails with ETIMEDOUT. Default 4, as libutp; with the 1 s minimum RTO doubling that
     * is about 31 s. On paths losing ~30 % each way five failed round trips in a row are common
     * enough to kill live connections; raise it there. Copied into sockets at creation.
     */
    public static final int JUTP_GIVE_UP_RETRANSMISSIONS = 0x4A02;

    /**
     * jutp extension (context option): the SYN backlog, the most accepted sockets that have heard
     * nothing from their peer after its SYN (default 1000, at least 1). A SYN beyond it pushes the
     * oldest such socket out (it gets {@code UTP_ETIMEDOUT}), so a SYN flood from forged addresses
     * cannot lock real clients out. libutp has no such cap.
     */
    public static final int JUTP_MAX_HALF_OPEN = 0x4A03;

    /**
     * jutp extension (context option): 1 (default) drops DATA a peer sends beyond the receive
     * window we advertised (plus {@code 16 KiB} of slack for zero-window probes and reordered
     * window updates), counted in {@link UtpSocketStats#windowOverrunDrops()}; the peer resends
     * it once the window has room. Memory per socket is then bounded by RCVBUF whatever the peer
     * does. 0 accepts everything, as libutp does. Copied into sockets at creation.
     */
    public static final int JUTP_ENFORCE_RECEIVE_WINDOW = 0x4A04;

    /**
     * jutp extension (context option): milliseconds without a packet from the peer after which a
     * connected socket fails with {@code UTP_ETIMEDOUT} (0, the default: never, as libutp, where a
     * receiver whose sender vanished waits forever). A live idle peer sends a keep-alive every
     * 29 s, so use a minute or more. Negative values are refused (−1). Copied into sockets at creation.
     */
    public static final int JUTP_IDLE_TIMEOUT = 0x4A05;

    /**
     * jutp extension (context option): the congestion controller of sockets created afterwards,
     * {@link #JUTP_CC_LEDBAT_PLUS_PLUS} (the default: it yields to TCP) or
     * {@link #JUTP_CC_LEDBAT} (libutp's controller, bit for bit). Other values are refused (−1). {@code UTP_TARGET_DELAY} sets the
     * target of either; unset, it reads as the controller's default (60 ms for LEDBAT++, 100 ms for
     * LEDBAT).
     */
    public static final int JUTP_CONGESTION_CONTROL = 0x4A06;
    /** {@link #JUTP_CONGESTION_CONTROL} value: libutp's LEDBAT (BEP 29, 100 ms target). */
    public static final int JUTP_CC_LEDBAT = 0;
    /** {@link #JUTP_CONGESTION_CONTROL} value: LEDBAT++ (draft-irtf-iccrg-ledbat-plus-plus, 60 ms target); the default. */
    public static final int JUTP_CC_LEDBAT_PLUS_PLUS = 1;

    /**
     * jutp extension (context option): how lost packets are found. {@link #JUTP_LOSS_RECOVERY_RACK_TLP}
     * (the default): RACK's time-based detection from SACK (a lost retransmission is found without a
     * timeout) and a tail-loss probe after about two smoothed RTTs, ahead of the 1 s RTO.
     * {@link #JUTP_LOSS_RECOVERY_LIBUTP}: libutp's exact rules (three SACK marks, else the RTO).
     * Other values are refused (−1). Copied into sockets at creation.
     */
    public static final int JUTP_LOSS_RECOVERY = 0x4A07;
    /**
     * {@link #JUTP_LOSS_RECOVERY} value: libutp's exact retransmission rules.
     */
    public static final int JUTP_LOSS_RECOVERY_LIBUTP = Engine.LOSS_RECOVERY_LIBUTP;
    /**
     * {@link #JUTP_LOSS_RECOVERY} value: RACK-TLP; the default.
     */
    public static final int JUTP_LOSS_RECOVERY_RACK_TLP = Engine.LOSS_RECOVERY_RACK_TLP;

    /** {@code utp_writev} honours at most this many vectors, as libutp. */
    public static final int UTP_IOV_MAX = 1024;

    /**
     * Overhead category: payload bytes.
     */
    public static final int UTP_PAYLOAD_BANDWIDTH = 0;
    /**
     * Overhead category: handshake packets.
     */
    public static final int UTP_CONNECT_OVERHEAD = 1;
    /**
     * Overhead category: packets that close a connection.
     */
    public static final int UTP_CLOSE_OVERHEAD = 2;
    /**
     * Overhead category: packets that only acknowledge.
     */
    public static final int UTP_ACK_OVERHEAD = 3;
    /**
     * Overhead category: headers of packets carrying payload.
     */
    public static final int UTP_HEADER_OVERHEAD = 4;
    /**
     * Overhead category: retransmitted packets.
     */
    public static final int UTP_RETRANSMIT_OVERHEAD = 5;

    /**
     * {@code utp_shutdown}: stop delivering received data.
     */
    public static final int SHUT_RD = Connection.SHUT_RD;
    /**
     * {@code utp_shutdown}: send a FIN after the data written.
     */
    public static final int SHUT_WR = Connection.SHUT_WR;
    /**
     * {@code utp_shutdown}: both.
     */
    public static final int SHUT_RDWR = Connection.SHUT_RDWR;

    private static final String[] STATE_NAMES = {null, "UTP_STATE_CONNECT", "UTP_STATE_WRITABLE", "UTP_STATE_EOF", "UTP_STATE_DESTROYING"};
    private static final String[] ERROR_NAMES = {"UTP_ECONNREFUSED", "UTP_ECONNRESET", "UTP_ETIMEDOUT"};
    private static final String[] CALLBACK_NAMES = {
        "UTP_ON_FIREWALL", "UTP_ON_ACCEPT", "UTP_ON_CONNECT", "UTP_ON_ERROR", "UTP_ON_READ",
        "UTP_ON_OVERHEAD_STATISTICS", "UTP_ON_STATE_CHANGE", "UTP_GET_READ_BUFFER_SIZE",
        "UTP_ON_DELAY_SAMPLE", "UTP_GET_UDP_MTU", "UTP_GET_UDP_OVERHEAD", "UTP_GET_MILLISECONDS",
        "UTP_GET_MICROSECONDS", "UTP_GET_RANDOM", "UTP_LOG", "UTP_SENDTO"};

    /**
     * libutp's exported name tables (index 0 of the state names is null, as in libutp).
     *
     * @return a copy, indexed by state
     */
    public static String[] utp_state_names() {
        return STATE_NAMES.clone();
    }

    /**
     * A copy of libutp's error names, indexed by {@code UTP_ECONNREFUSED}…{@code UTP_ETIMEDOUT}.
     *
     * @return a copy, indexed by error code
     */
    public static String[] utp_error_code_names() {
        return ERROR_NAMES.clone();
    }

    /**
     * A copy of libutp's 16 callback names, indexed by slot (options have no names, as in libutp).
     *
     * @return a copy, indexed by slot
     */
    public static String[] utp_callback_names() {
        return CALLBACK_NAMES.clone();
    }

    /**
     * jutp convenience: {@code utp_state_names[state]}, or null outside 1…4 (no index error).
     *
     * @param state a {@code UTP_STATE_*} value
     * @return its name, or null
     */
    public static String utp_state_name(int state) {
        return state > 0 && state < STATE_NAMES.length ? STATE_NAMES[state] : null;
    }

    /**
     * jutp convenience: {@code utp_error_code_names[code]}, or null outside 0…2.
     *
     * @param code a {@code UTP_E*} value
     * @return its name, or null
     */
    public static String utp_error_code_name(int code) {
        return code >= 0 && code < ERROR_NAMES.length ? ERROR_NAMES[code] : null;
    }

    /**
     * jutp convenience: {@code utp_callback_names[slot]}, or null outside 0…15.
     *
     * @param slot a callback slot ({@code UTP_ON_*}, {@code UTP_GET_*}, {@code UTP_LOG}, {@code UTP_SENDTO})
     * @return its name, or null
     */
    public static String utp_callback_name(int slot) {
        return slot >= 0 && slot < CALLBACK_NAMES.length ? CALLBACK_NAMES[slot] : null;
    }

    // ------------------------------------------------------------------ context

    /**
     * A new context for API version 2; null for any other version (libutp aborts).
     *
     * @param version the API version; only 2 is supported
     * @return the context, or null
     */
    public static UtpContext utp_init(int version) {
        return version == 2 ? new UtpContext() : null;
    }

    /**
     * Frees every socket, each with a {@code UTP_STATE_DESTROYING} callback from inside this call;
     * sends nothing. Throws {@link IllegalStateException} if called from one of the context's own
     * callbacks.
     *
     * @param ctx the context; null does nothing
     */
    public static void utp_destroy(UtpContext ctx) {
        if (ctx == null || ctx.isDestroyed()) {
            return;
        }
        if (ctx.inCallback()) {
            throw new IllegalStateException("utp_destroy called from inside one of the context's callbacks");
        }
        ctx.enter();
        try {
            ctx.engine.close();
        } finally {
            try {
                ctx.exit();
            } finally {
                ctx.markDestroyed();
                ctx.engine.release();
            }
        }
    }

    /**
     * Sets (or with null, unsets) a callback. Throws {@link IllegalArgumentException} for a slot
     * outside 0…{@code UTP_SENDTO} (libutp writes out of bounds). Unsetting a clock slot falls back
     * to jutp's monotonic clock rather than a frozen time, unsetting {@code UTP_GET_UDP_MTU} (or
     * answering 0) to the default MTU rather than an underflow; other unset slots answer 0, as in
     * libutp.
     *
     * @param ctx the context; null does nothing
     * @param callback_name the slot
     * @param proc the callback, or null to unset
     */
    public static void utp_set_callback(UtpContext ctx, int callback_name, UtpCallback proc) {
        if (ctx == null) {
            return;
        }
        if (callback_name < 0 || callback_name > UTP_SENDTO) {
            throw new IllegalArgumentException("no such callback slot: " + callback_name);
        }
        ctx.setCallback(callback_name, proc);
    }

    /**
     * Stores {@code userdata} (ignored for a null context) and returns it.
     *
     * @param ctx the context
     * @param userdata any object, or null
     * @return {@code userdata}
     */
    public static Object utp_context_set_userdata(UtpContext ctx, Object userdata) {
        if (ctx != null) {
            ctx.setUserdata(userdata);
        }
        return userdata;
    }

    /**
     * The stored userdata; null for a null context.
     *
     * @param ctx the context
     * @return the userdata, or null
     */
    public static Object utp_context_get_userdata(UtpContext ctx) {
        return ctx == null ? null : ctx.userdata();
    }

    /**
     * Sets a context option: 0 on success, −1 for an unknown option, a null context, or
     * SNDBUF/RCVBUF below 1 (libutp aborts). New values apply to sockets created afterwards.
     *
     * @param ctx the context
     * @param opt a {@code UTP_*} or {@code JUTP_*} option
     * @param val the value (bytes for SNDBUF/RCVBUF, µs for TARGET_DELAY)
     * @return 0, or −1
     */
    public static int utp_context_set_option(UtpContext ctx, int opt, int val) {
        if (ctx == null) {
            return -1;
        }
        var e = ctx.engine;
        switch (opt) {
            case UTP_LOG_NORMAL, UTP_LOG_MTU, UTP_LOG_DEBUG -> e.configure(e.config().withLog(opt, val != 0));
            case UTP_SNDBUF -> {
                if (val < 1) {
                    return -1;
                }
                e.configure(e.config().withSendBuffer(val));
            }
            case UTP_RCVBUF -> {
                if (val < 1) {
                    return -1;
                }
                e.configure(e.config().withReceiveBuffer(val));
            }
            case UTP_TARGET_DELAY -> e.configure(e.config().withTargetDelayMicros(val));
            case JUTP_DUPLICATE_ACK_RESEND -> e.configure(e.config().withDuplicateAckFastRetransmit(val != 0));
            case JUTP_ENFORCE_RECEIVE_WINDOW -> e.configure(e.config().withReceiveWindowEnforced(val != 0));
            case JUTP_CONGESTION_CONTROL -> {
                if (val != JUTP_CC_LEDBAT && val != JUTP_CC_LEDBAT_PLUS_PLUS) {
                    return -1;
                }
                e.configure(e.config().withCongestionControl(
                        val == JUTP_CC_LEDBAT ? CongestionController.LEDBAT : CongestionController.LEDBAT_PLUS_PLUS));
            }
            case JUTP_IDLE_TIMEOUT -> {
                if (val < 0) {
                    return -1;
                }
                e.configure(e.config().withIdleTimeoutMillis(val));
            }
            case JUTP_LOSS_RECOVERY -> {
                if (val != JUTP_LOSS_RECOVERY_LIBUTP && val != JUTP_LOSS_RECOVERY_RACK_TLP) {
                    return -1;
                }
                e.configure(e.config().withLossRecovery(val));
            }
            case JUTP_GIVE_UP_RETRANSMISSIONS -> {
                if (val < 1) {
                    return -1;
                }
                e.configure(e.config().withGiveUpRetransmissions(val));
            }
            case JUTP_MAX_HALF_OPEN -> {
                if (val < 1) {
                    return -1;
                }
                e.configure(e.config().withMaxHalfOpen(val));
            }
            default -> {
                return -1;
            }
        }
        return 0;
    }

    /**
     * The option's value, or −1 for an unknown option or null context.
     *
     * @param ctx the context
     * @param opt a {@code UTP_*} or {@code JUTP_*} option
     * @return the value, or −1
     */
    public static int utp_context_get_option(UtpContext ctx, int opt) {
        if (ctx == null) {
            return -1;
        }
        EngineConfig e = ctx.engine.config();
        return switch (opt) {
            case UTP_LOG_NORMAL, UTP_LOG_MTU, UTP_LOG_DEBUG -> e.logs(opt) ? 1 : 0;
            case UTP_SNDBUF -> e.sendBufferBytes();
            case UTP_RCVBUF -> e.receiveBufferBytes();
            case UTP_TARGET_DELAY -> e.effectiveTargetDelayMicros();
            case JUTP_DUPLICATE_ACK_RESEND -> e.duplicateAckFastRetransmit() ? 1 : 0;
            case JUTP_ENFORCE_RECEIVE_WINDOW -> e.receiveWindowEnforced() ? 1 : 0;
            case JUTP_IDLE_TIMEOUT -> e.idleTimeoutMillis();
            case JUTP_CONGESTION_CONTROL -> e.congestionControl() == CongestionController.LEDBAT ? JUTP_CC_LEDBAT : JUTP_CC_LEDBAT_PLUS_PLUS;
            case JUTP_LOSS_RECOVERY -> e.lossRecovery();
            case JUTP_GIVE_UP_RETRANSMISSIONS -> e.giveUpRetransmissions();
            case JUTP_MAX_HALF_OPEN -> e.maxHalfOpen();
            default -> -1;
        };
    }

    // ------------------------------------------------------------------ input and timers

    /**
     * Feeds one received datagram ({@code from} is its source). Returns 1 if it was uTP, 0 if not
     * (so another protocol can have it). The buffer is read in place; nothing is copied unless the
     * packet must wait in the reorder buffer. Called from inside a callback, it fires its own
     * callbacks (after those the enclosing call still had queued) before it returns, so the buffer
     * may be reused as soon as it returns. A null context, buffer or source, an unresolved
     * source (no address to answer) or a negative length return 0, as libutp's NULL arguments;
     * {@code len} beyond the buffer throws {@link IllegalArgumentException}.
     *
     * @param ctx the context
     * @param buf the datagram's bytes
     * @param len bytes of {@code buf} to read, from offset 0
     * @param from the datagram's source
     * @return 1 if it was uTP, else 0
     */
    public static int utp_process_udp(UtpContext ctx, MemorySegment buf, long len, InetSocketAddress from) {
        if (ctx == null || buf == null || from == null || from.isUnresolved() || len < 0) {
            return 0;
        }
        checkLength(buf, len);
        if (len > Integer.MAX_VALUE) {
            return 0;
        }
        ctx.enter();
        try {
            return ctx.engine.receive(buf, 0, (int) len, from);
        } finally {
            ctx.exitAfterInput();
        }
    }

    /**
     * An ICMP error for a datagram we sent: {@code buf} is the quoted original UDP payload, {@code to}
     * its destination. Returns 1 if it matched a socket (which then fails with ECONNREFUSED while
     * connecting, ECONNRESET otherwise), else 0.
     *
     * @param ctx the context
     * @param buf the quoted UDP payload
     * @param len bytes of {@code buf} to read, from offset 0
     * @param to the quoted datagram's destination
     * @return 1 if a socket matched, else 0
     */
    public static int utp_process_icmp_error(UtpContext ctx, MemorySegment buf, long len, InetSocketAddress to) {
        if (ctx == null || buf == null || to == null || to.isUnresolved() || len < 0 || len > Integer.MAX_VALUE) {
            return 0;
        }
        checkLength(buf, len);
        ctx.enter();
        try {
            return ctx.engine.icmpError(buf, 0, (int) len, to);
        } finally {
            ctx.exitAfterInput();
        }
    }

    /**
     * ICMP "fragmentation needed": {@code next_hop_mtu} is the IP MTU from the message. jutp
     * converts it to a UDP payload size and clamps it rather than trusting it (libutp uses it as a
     * payload size and can abort on small values).
     *
     * @param ctx the context
     * @param buf the quoted UDP payload
     * @param len bytes of {@code buf} to read, from offset 0
     * @param to the quoted datagram's destination
     * @param next_hop_mtu the IP MTU from the message, in bytes
     * @return 1 if a socket matched, else 0
     */
    public static int utp_process_icmp_fragmentation(UtpContext ctx, MemorySegment buf, long len, InetSocketAddress to, int next_hop_mtu) {
        if (ctx == null || buf == null || to == null || to.isUnresolved() || len < 0 || len > Integer.MAX_VALUE) {
            return 0;
        }
        checkLength(buf, len);
        ctx.enter();
        try {
            return ctx.engine.icmpFragmentation(buf, 0, (int) len, to, next_hop_mtu & 0xFFFF);
        } finally {
            ctx.exitAfterInput();
        }
    }

    /**
     * Runs timers (effective at most every 500 ms) and frees destroyed sockets.
     *
     * @param ctx the context; null does nothing
     */
    public static void utp_check_timeouts(UtpContext ctx) {
        if (ctx == null) {
            return;
        }
        ctx.enter();
        try {
            ctx.engine.checkTimeouts();
        } finally {
            ctx.exit();
        }
    }

    /**
     * Sends the acks deferred while processing datagrams; call after draining the UDP socket.
     *
     * @param ctx the context; null does nothing
     */
    public static void utp_issue_deferred_acks(UtpContext ctx) {
        if (ctx == null) {
            return;
        }
        if (!ctx.isDestroyed() && !ctx.engine.hasDeferredAcks()) {
            return;     // as libutp: nothing pending, no clock callback (hosts call this after every read)
        }
        ctx.enter();
        try {
            ctx.engine.issueDeferredAcks();
        } finally {
            ctx.exit();
        }
    }

    /**
     * Live datagram counters; null for a null context.
     *
     * @param ctx the context
     * @return the stats view, or null
     */
    public static UtpContextStats utp_get_context_stats(UtpContext ctx) {
        return ctx == null ? null : ctx.stats();
    }

    // ------------------------------------------------------------------ sockets

    /**
     * A new socket, to be connected with {@link #utp_connect}; null for a null context.
     *
     * @param ctx the context
     * @return the socket, or null
     */
    public static UtpSocket utp_create_socket(UtpContext ctx) {
        if (ctx == null) {
            return null;
        }
        if (ctx.isDestroyed()) {
            throw new IllegalStateException("utp_context used after utp_destroy");
        }
        return new UtpSocket(ctx, ctx.engine.createConnection());
    }

    /**
     * Stores {@code userdata} (ignored for a null socket) and returns it;
     * {@link IllegalStateException} after the socket's {@code UTP_STATE_DESTROYING}.
     *
     * @param s the socket
     * @param userdata any object, or null
     * @return {@code userdata}
     */
    public static Object utp_set_userdata(UtpSocket s, Object userdata) {
        if (s != null) {
            s.live().setUserdata(userdata);
        }
        return userdata;
    }

    /**
     * The stored userdata; null for a null socket; {@link IllegalStateException} after DESTROYING.
     *
     * @param s the socket
     * @return the userdata, or null
     */
    public static Object utp_get_userdata(UtpSocket s) {
        return s == null ? null : s.live().userdata();
    }

    /**
     * SNDBUF, RCVBUF (≥ 1) and TARGET_DELAY (µs) only: 0, or −1 for anything else.
     *
     * @param s the socket
     * @param opt {@code UTP_SNDBUF}, {@code UTP_RCVBUF} or {@code UTP_TARGET_DELAY}
     * @param val bytes, or µs for the target delay
     * @return 0, or −1
     */
    public static int utp_setsockopt(UtpSocket s, int opt, int val) {
        if (s == null) {
            return -1;
        }
        Connection c = s.live();
        return switch (opt) {
            case UTP_SNDBUF -> c.setSendBuffer(val);
            case UTP_RCVBUF -> c.setReceiveBuffer(val);
            case UTP_TARGET_DELAY -> {
                c.setTargetDelayMicros(val);
                yield 0;
            }
            default -> -1;
        };
    }

    /**
     * SNDBUF, RCVBUF or TARGET_DELAY (µs); −1 for another option or a null socket.
     *
     * @param s the socket
     * @param opt {@code UTP_SNDBUF}, {@code UTP_RCVBUF} or {@code UTP_TARGET_DELAY}
     * @return the value, or −1
     */
    public static int utp_getsockopt(UtpSocket s, int opt) {
        if (s == null) {
            return -1;
        }
        Connection c = s.live();
        return switch (opt) {
            case UTP_SNDBUF -> c.sendBuffer();
            case UTP_RCVBUF -> c.receiveBuffer();
            case UTP_TARGET_DELAY -> c.targetDelayMicros();
            default -> -1;
        };
    }

    /**
     * Connects to {@code to}, sending the SYN at once. 0 on success; −1 for a null or unresolved
     * argument, a socket already used (libutp aborts and destroys it; jutp leaves it as it was), or
     * when 64 draws of {@code UTP_GET_RANDOM} all give an id already in use to that peer (libutp
     * draws forever).
     *
     * @param s the socket
     * @param to the peer's address
     * @return 0, or −1
     */
    public static int utp_connect(UtpSocket s, InetSocketAddress to) {
        if (s == null || to == null || to.isUnresolved()) {
            return -1;
        }
        UtpContext ctx = s.context();
        Connection c = s.live();
        ctx.enter();
        try {
            return c.connect(to);
        } finally {
            ctx.exit();
        }
    }

    /**
     * Writes up to {@code count} bytes: the number accepted into the send window (maybe 0), or −1.
     *
     * @param s the socket
     * @param buf the bytes to send, from offset 0
     * @param count bytes of {@code buf} to send
     * @return bytes accepted, or −1
     */
    public static long utp_write(UtpSocket s, MemorySegment buf, long count) {
        if (s == null || buf == null || count < 0) {
            return -1;
        }
        checkLength(buf, count);
        checkReadable(buf, "buf");
        UtpContext ctx = s.context();
        Connection c = s.live();
        ctx.enter();
        try {
            return c.write(buf, 0, count);
        } finally {
            ctx.exit();
        }
    }

    /**
     * Vectored write: each segment's whole length is one {@code utp_iovec}. At most
     * {@link #UTP_IOV_MAX} vectors are used. −1 for a null socket, null array or a count below 1;
     * {@link IllegalArgumentException} for a null vector or a count (up to {@code UTP_IOV_MAX})
     * beyond the array, where libutp would read past it; {@link IllegalStateException} for a
     * vector whose arena is closed or confined to another thread. Every vector is checked before
     * any byte is taken, so a call that throws has written nothing.
     *
     * @param s the socket
     * @param iov the vectors, each sent whole
     * @param num_iovecs how many of {@code iov} to use
     * @return bytes accepted, or −1
     */
    public static long utp_writev(UtpSocket s, MemorySegment[] iov, long num_iovecs) {
        if (s == null || iov == null || num_iovecs <= 0) {
            return -1;
        }
        int n = (int) Math.min(num_iovecs, UTP_IOV_MAX);
        if (n > iov.length) {
            throw new IllegalArgumentException("num_iovecs " + num_iovecs + " exceeds the array's " + iov.length + " vectors");
        }
        if (s.iovScratch.length < n) {
            int cap = Integer.highestOneBit(n) << 1;
            s.iovScratch = new MemorySegment[cap];
            s.offsetScratch = new long[cap];
            s.lengthScratch = new long[cap];
        }
        for (int i = 0; i < n; i++) {
            if (iov[i] == null) {
                throw new IllegalArgumentException("iov[" + i + "] is null");
            }
            checkReadable(iov[i], "iov[" + i + "]");     // every vector before any byte is taken
        }
        for (int i = 0; i < n; i++) {
            s.iovScratch[i] = iov[i];
            s.offsetScratch[i] = 0;
            s.lengthScratch[i] = iov[i].byteSize();
        }
        UtpContext ctx = s.context();
        Connection c = s.live();
        ctx.enter();
        try {
            return c.writev(s.iovScratch, s.offsetScratch, s.lengthScratch, n);
        } finally {
            java.util.Arrays.fill(s.iovScratch, 0, n, null);
            ctx.exit();
        }
    }

    /**
     * The peer's address (IPv4-mapped peers as IPv4), or null where libutp returns −1.
     *
     * @param s the socket
     * @return the peer's address, or null
     */
    public static InetSocketAddress utp_getpeername(UtpSocket s) {
        if (s == null) {
            return null;
        }
        Connection c = s.live();
        return c.state() == Connection.UNINITIALIZED ? null : c.peer();
    }

    /**
     * Tells the socket the application consumed data it had reported through GET_READ_BUFFER_SIZE.
     *
     * @param s the socket; null does nothing
     */
    public static void utp_read_drained(UtpSocket s) {
        if (s == null) {
            return;
        }
        UtpContext ctx = s.context();
        Connection c = s.live();
        ctx.enter();
        try {
            c.readDrained();
        } finally {
            ctx.exit();
        }
    }

    /**
     * Delay estimates, or null where libutp returns −1 (socket never connected).
     *
     * @param s the socket
     * @return the estimates, or null
     */
    public static UtpDelays utp_get_delays(UtpSocket s) {
        if (s == null) {
            return null;
        }
        Connection c = s.live();
        if (c.state() == Connection.UNINITIALIZED) {
            return null;
        }
        return new UtpDelays(c.ourDelayMicros(), c.theirDelayMicros(), (int) Math.min(c.delayAgeMillis(), Integer.MAX_VALUE));
    }

    /**
     * Live statistics; never null for a socket (libutp returns NULL outside debug builds).
     *
     * @param s the socket
     * @return the stats view, null only for a null socket
     */
    public static UtpSocketStats utp_get_stats(UtpSocket s) {
        if (s == null) {
            return null;
        }
        s.live();
        return s.stats();
    }

    /**
     * The socket's context, also after DESTROYING; null for a null socket.
     *
     * @param s the socket
     * @return the context, or null
     */
    public static UtpContext utp_get_context(UtpSocket s) {
        return s == null ? null : s.context();
    }

    /**
     * SHUT_RD stops delivery (data is still acked), SHUT_WR queues a FIN after the data already
     * written, SHUT_RDWR both. Called while connecting, SHUT_WR is remembered and the FIN follows
     * the handshake (libutp forgets it). Does nothing on a socket never connected.
     *
     * @param s the socket
     * @param how {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}
     */
    public static void utp_shutdown(UtpSocket s, int how) {
        if (s == null) {
            return;
        }
        if (how < SHUT_RD || how > SHUT_RDWR) {
            throw new IllegalArgumentException("utp_shutdown: how must be SHUT_RD, SHUT_WR or SHUT_RDWR, not " + how);
        }
        UtpContext ctx = s.context();
        Connection c = s.live();
        ctx.enter();
        try {
            c.shutdown(how);
        } finally {
            ctx.exit();
        }
    }

    /**
     * Closes: gracefully (FIN, then freed once acked) when connected, at once otherwise. The handle
     * stays valid until its {@code UTP_STATE_DESTROYING} callback, which comes from a later
     * {@link #utp_check_timeouts}, never from this call. A second close does nothing.
     *
     * @param s the socket; null does nothing
     */
    public static void utp_close(UtpSocket s) {
        if (s == null || s.isDestroyed()) {
            return;
        }
        UtpContext ctx = s.context();
        Connection c = s.connection();
        ctx.enter();
        try {
            c.close();
        } finally {
            ctx.exit();
        }
    }

    /**
     * A write reads the caller's memory only after it has been validated whole, so a bad segment
     * fails the call before any byte is queued: nothing sent, nothing held.
     */
    private static void checkReadable(MemorySegment seg, String name) {
        if (!seg.scope().isAlive()) {
            throw new IllegalStateException(name + "'s arena is closed; nothing was written");
        }
        if (!seg.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalStateException(name + " is confined to another thread; nothing was written");
        }
    }

    private static void checkLength(MemorySegment buf, long len) {
        if (len > buf.byteSize()) {
            throw new IllegalArgumentException("length " + len + " exceeds the buffer's " + buf.byteSize() + " bytes");
        }
    }
}
