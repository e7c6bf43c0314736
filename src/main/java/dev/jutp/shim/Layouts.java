package dev.jutp.shim;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;

/** The public structs of utp.h as FFM layouts (LP64 Linux; checked by test-abi.c and ShimLayoutTest). */
final class Layouts {

    private Layouts() {
    }

    // utp.h constants the shim interprets itself (the C ABI, fixed by libutp).
    static final int UTP_ON_FIREWALL = 0;
    static final int UTP_ON_ACCEPT = 1;
    static final int UTP_ON_ERROR = 3;
    static final int UTP_ON_OVERHEAD_STATISTICS = 5;
    static final int UTP_ON_STATE_CHANGE = 6;
    static final int UTP_ON_DELAY_SAMPLE = 8;
    static final int UTP_GET_UDP_MTU = 9;
    static final int UTP_GET_UDP_OVERHEAD = 10;
    static final int UTP_LOG = 14;
    static final int UTP_SENDTO = 15;
    /** Callback slots are 0..15; 16..21 are option ids sharing the numbering. */
    static final int CALLBACK_SLOTS = 16;
    static final int UTP_STATE_DESTROYING = 4;
    static final int UTP_IOV_MAX = 1024;
    /** Longest UTP_LOG line libutp produces, without its NUL. */
    static final int LOG_MAX = 4095;

    /** {@code utp_callback_arguments}: 56 bytes. */
    static final GroupLayout CALLBACK_ARGUMENTS = MemoryLayout.structLayout(
            ADDRESS.withName("context"),
            ADDRESS.withName("socket"),
            JAVA_LONG.withName("len"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("callback_type"),
            ADDRESS.withName("buf"),
            MemoryLayout.unionLayout(
                    ADDRESS.withName("address"),
                    JAVA_INT.withName("send"),
                    JAVA_INT.withName("sample_ms"),
                    JAVA_INT.withName("error_code"),
                    JAVA_INT.withName("state")).withName("u1"),
            MemoryLayout.unionLayout(
                    JAVA_INT.withName("address_len"),
                    JAVA_INT.withName("type")).withName("u2"),
            MemoryLayout.paddingLayout(4)).withName("utp_callback_arguments");

    static final long ARGS_CONTEXT = offset("context");
    static final long ARGS_SOCKET = offset("socket");
    static final long ARGS_LEN = offset("len");
    static final long ARGS_FLAGS = offset("flags");
    static final long ARGS_CALLBACK_TYPE = offset("callback_type");
    static final long ARGS_BUF = offset("buf");
    static final long ARGS_U1 = offset("u1");
    static final long ARGS_U2 = offset("u2");

    /** {@code utp_context_stats}: uint32 _nraw_recv[5], _nraw_send[5]. */
    static final GroupLayout CONTEXT_STATS = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(5, JAVA_INT).withName("_nraw_recv"),
            MemoryLayout.sequenceLayout(5, JAVA_INT).withName("_nraw_send"));

    /** {@code utp_socket_stats}. */
    static final GroupLayout SOCKET_STATS = MemoryLayout.structLayout(
            JAVA_LONG.withName("nbytes_recv"),
            JAVA_LONG.withName("nbytes_xmit"),
            JAVA_INT.withName("rexmit"),
            JAVA_INT.withName("fastrexmit"),
            JAVA_INT.withName("nxmit"),
            JAVA_INT.withName("nrecv"),
            JAVA_INT.withName("nduprecv"),
            JAVA_INT.withName("mtu_guess"));

    /** {@code struct utp_iovec}. */
    static final GroupLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len"));

    private static long offset(String field) {
        return CALLBACK_ARGUMENTS.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    static {
        // Fail class initialisation loudly if a layout ever disagrees with libutp's sizes.
        if (CALLBACK_ARGUMENTS.byteSize() != 56 || CONTEXT_STATS.byteSize() != 40
                || SOCKET_STATS.byteSize() != 40 || IOVEC.byteSize() != 16
                || ARGS_U1 != 40 || ARGS_U2 != 48) {
            throw new ExceptionInInitializerError("utp.h layouts do not match libutp's ABI");
        }
    }
}
