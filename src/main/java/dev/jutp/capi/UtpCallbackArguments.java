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

    public UtpContext context() {
        return context;
    }

    public UtpSocket socket() {
        return socket;
    }

    public long len() {
        return len;
    }

    public int flags() {
        return flags;
    }

    public int callback_type() {
        return callbackType;
    }

    /** The data ({@code len()} bytes), valid during the call only; null where the C field is unset. */
    public MemorySegment buf() {
        return bufSegment == null ? null : bufSegment.asSlice(bufOffset, len);
    }

    /** The segment {@link #buf()} is a slice of (no allocation). */
    public MemorySegment buf_segment() {
        return bufSegment;
    }

    /** Where {@link #buf()} starts in {@link #buf_segment()}. */
    public long buf_offset() {
        return bufOffset;
    }

    public InetSocketAddress address() {
        return address;
    }

    public int send() {
        return send;
    }

    public int sample_ms() {
        return sampleMs;
    }

    public int error_code() {
        return errorCode;
    }

    public int state() {
        return state;
    }

    public int type() {
        return type;
    }

    /** The text of a {@code UTP_LOG} callback (Java convenience; {@link #buf()} holds it as UTF-8). */
    public String log_text() {
        if (callbackType != Utp.UTP_LOG || bufSegment == null) {
            return null;
        }
        return new String(bufSegment.asSlice(bufOffset, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
