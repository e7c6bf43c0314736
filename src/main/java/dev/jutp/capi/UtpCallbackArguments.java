package dev.jutp.capi;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * libutp's {@code utp_callback_arguments}, with accessors named after the C fields. A context
 * reuses one instance for its event callbacks ({@code UTP_ON_*}) per nesting level, one for
 * {@code UTP_SENDTO} and one for the {@code UTP_GET_*} and firewall queries, so nothing is
 * allocated per callback: do not keep it, or anything from it, after the callback returns. API
 * calls made from inside an event callback (a nested {@code utp_process_udp} included, whose
 * callbacks get the next level's instance) leave its instance untouched. Fields a callback type does
 * not use read as zero or null (libutp leaves garbage there).
 *
 * <p>{@link #buf()} is a view of jutp's packet memory (for {@code UTP_ON_READ}, the payload
 * in the received datagram or the reorder buffer; for {@code UTP_SENDTO}, the datagram). It
 * is valid only during the call. Allocation-free consumers can use {@link #buf_segment()} and
 * {@link #buf_offset()} instead of creating the slice.
 */
public final class UtpCallbackArguments {
    UtpContext context;
    UtpSocket socket;
    long len;
    int flags;
    int callbackType;
    MemorySegment bufSegment;
    long bufOffset;
    InetSocketAddress address;
    int send;
    int sampleMs;
    int errorCode;
    int state;
    int type;

    UtpCallbackArguments() {}

    void reset(UtpContext ctx, int callbackType, UtpSocket socket) {
        this.context = ctx;
        this.callbackType = callbackType;
        this.socket = socket;
        this.len = 0;
        this.flags = 0;
        this.bufSegment = null;
        this.bufOffset = 0;
        this.address = null;
        this.send = 0;
        this.sampleMs = 0;
        this.errorCode = 0;
        this.state = 0;
        this.type = 0;
    }

    /**
     * The context the callback comes from.
     *
     * @return the context, never null
     */
    public UtpContext context() {
        return context;
    }

    /**
     * The socket the callback is about.
     *
     * @return the socket, or null for context-level callbacks ({@code UTP_SENDTO} of an RST, {@code UTP_LOG}
     *     without a socket, {@code UTP_ON_FIREWALL})
     */
    public UtpSocket socket() {
        return socket;
    }

    /**
     * Length of {@link #buf()} in bytes ({@code UTP_ON_READ}, {@code UTP_SENDTO}, {@code UTP_LOG}), or the
     * byte count of {@code UTP_ON_OVERHEAD_STATISTICS}.
     *
     * @return bytes, 0 where unused
     */
    public long len() {
        return len;
    }

    /**
     * The C {@code flags} field of {@code UTP_SENDTO} ({@code Utp.UTP_UDP_DONTFRAG} or 0).
     *
     * @return the flags, 0 where unused
     */
    public int flags() {
        return flags;
    }

    /**
     * Which callback this is.
     *
     * @return one of the {@code Utp.UTP_ON_*}, {@code Utp.UTP_GET_*}, {@code Utp.UTP_SENDTO} or
     *     {@code Utp.UTP_LOG} constants
     */
    public int callback_type() {
        return callbackType;
    }

    /**
     * The data ({@code len()} bytes), valid during the call only; null where the C field is unset.
     *
     * @return a slice of jutp's packet memory, or null
     */
    public MemorySegment buf() {
        return bufSegment == null ? null : bufSegment.asSlice(bufOffset, len);
    }

    /**
     * The segment {@link #buf()} is a slice of (no allocation).
     *
     * @return the segment, or null where the C field is unset
     */
    public MemorySegment buf_segment() {
        return bufSegment;
    }

    /**
     * Where {@link #buf()} starts in {@link #buf_segment()}.
     *
     * @return the offset in bytes
     */
    public long buf_offset() {
        return bufOffset;
    }

    /**
     * The peer's address ({@code UTP_SENDTO}: the destination; {@code UTP_ON_FIREWALL},
     * {@code UTP_ON_ACCEPT}: the connecting peer).
     *
     * @return the address, or null where unused
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * The direction of {@code UTP_ON_OVERHEAD_STATISTICS}: 1 for sent bytes, 0 for received.
     *
     * @return the direction flag, 0 where unused
     */
    public int send() {
        return send;
    }

    /**
     * A delay sample in milliseconds ({@code UTP_ON_DELAY_SAMPLE}).
     *
     * @return milliseconds, 0 where unused
     */
    public int sample_ms() {
        return sampleMs;
    }

    /**
     * The error of {@code UTP_ON_ERROR}: {@code Utp.UTP_ECONNREFUSED}, {@code Utp.UTP_ECONNRESET}
     * or {@code Utp.UTP_ETIMEDOUT}.
     *
     * @return the error code, 0 where unused
     */
    public int error_code() {
        return errorCode;
    }

    /**
     * The new state of {@code UTP_ON_STATE_CHANGE} ({@code Utp.UTP_STATE_*}).
     *
     * @return the state, 0 where unused
     */
    public int state() {
        return state;
    }

    /**
     * The overhead category of {@code UTP_ON_OVERHEAD_STATISTICS}.
     *
     * @return the category, 0 where unused
     */
    public int type() {
        return type;
    }

    /**
     * The text of a {@code UTP_LOG} callback (Java convenience; {@link #buf()} holds it as UTF-8).
     *
     * @return the log line, or null for other callbacks
     */
    public String log_text() {
        if (callbackType != Utp.UTP_LOG || bufSegment == null) {
            return null;
        }
        return new String(bufSegment.asSlice(bufOffset, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
