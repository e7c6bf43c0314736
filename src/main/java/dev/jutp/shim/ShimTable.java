package dev.jutp.shim;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jutp.capi.Utp;
import dev.jutp.capi.UtpContext;
import dev.jutp.capi.UtpContextStats;
import dev.jutp.capi.UtpDelays;
import dev.jutp.capi.UtpSocket;
import dev.jutp.capi.UtpSocketStats;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java half of {@code libutp.so}: one static method per {@code utp_*} function, each an FFM
 * upcall target stored in the C {@code struct utp_shim_vtable} (see {@code c-api-shim/src/utp_shim.h}).
 *
 * <p>Every pointer arrives as a {@code long}. Handles are resolved through {@link Handles}; a NULL,
 * stale or forged handle, a NULL buffer or an unusable address gets libutp's error value. Every
 * method catches every {@link Throwable} (an exception escaping an upcall would terminate the JVM),
 * logs the first one per function through {@link Failures}, and returns the error value.
 *
 * <p>Concurrency: C holds the context's stripe lock around each call, so everything reachable from
 * one context entry is touched by one thread at a time; {@link Handles} is safe across contexts.
 */
@SuppressWarnings("restricted")
public final class ShimTable {

    static final Handles HANDLES = new Handles();
    private static final long MAGIC = 0x6a75747073686d31L;   // "jutpshm1", UTP_SHIM_MAGIC

    private ShimTable() {
    }

    /** One vtable entry: the method name (also the C field name) and its C signature. */
    private record Entry(String name, FunctionDescriptor descriptor) {
    }

    private static final FunctionDescriptor L_L = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor V_L = FunctionDescriptor.ofVoid(JAVA_LONG);

    /** The vtable, in {@code struct utp_shim_vtable} order. */
    private static final List<Entry> ENTRIES = List.of(
            new Entry("init", FunctionDescriptor.of(JAVA_LONG, JAVA_INT)),
            new Entry("destroy", V_L),
            new Entry("set_callback", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_LONG)),
            new Entry("context_set_userdata", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG)),
            new Entry("context_get_userdata", L_L),
            new Entry("context_set_option", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT)),
            new Entry("context_get_option", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT)),
            new Entry("process_udp",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT)),
            new Entry("process_icmp_error",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT)),
            new Entry("process_icmp_fragmentation", FunctionDescriptor.of(JAVA_INT,
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT)),
            new Entry("check_timeouts", V_L),
            new Entry("issue_deferred_acks", V_L),
            new Entry("get_context_stats", L_L),
            new Entry("create_socket", L_L),
            new Entry("set_userdata", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG)),
            new Entry("get_userdata", L_L),
            new Entry("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT)),
            new Entry("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT)),
            new Entry("connect", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT)),
            new Entry("write", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG)),
            new Entry("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG)),
            new Entry("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG)),
            new Entry("read_drained", V_L),
            new Entry("get_delays",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG)),
            new Entry("get_stats", L_L),
            new Entry("get_context", L_L),
            new Entry("shutdown", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT)),
            new Entry("close", V_L));

    /** Bytes of {@code struct utp_shim_vtable}: magic, size, then one pointer per entry. */
    static final long VTABLE_BYTES = 16 + 8L * ENTRIES.size();

    private static MemorySegment installedTable;

    /**
     * Builds the upcall table (once) and installs it into the {@code libutp.so} that {@code lookup}
     * resolves {@code utp_shim_install} in.
     *
     * @throws IllegalStateException if the library rejects the table
     */
    public static synchronized void install(SymbolLookup lookup) {
        MemorySegment table = table();
        MemorySegment fn = lookup.find("utp_shim_install")
                .orElseThrow(() -> new IllegalStateException("utp_shim_install not found"));
        MethodHandle install = Linker.nativeLinker()
                .downcallHandle(fn, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        int rc;
        try {
            rc = (int) install.invokeExact(table);
        } catch (Throwable t) {
            throw new IllegalStateException("utp_shim_install failed", t);
        }
        if (rc != 0) {
            throw new IllegalStateException("libutp.so rejected the jutp table (version mismatch?)");
        }
    }

    private static MemorySegment table() {
        if (installedTable != null) {
            return installedTable;
        }
        Linker linker = Linker.nativeLinker();
        MethodHandles.Lookup self = MethodHandles.lookup();
        MemorySegment t = Arena.global().allocate(VTABLE_BYTES, 8);
        t.set(JAVA_LONG, 0, MAGIC);
        t.set(JAVA_LONG, 8, VTABLE_BYTES);
        for (int i = 0; i < ENTRIES.size(); i++) {
            Entry e = ENTRIES.get(i);
            try {
                MethodHandle target = self.findStatic(ShimTable.class, e.name(),
                        e.descriptor().toMethodType());
                MemorySegment stub = linker.upcallStub(target, e.descriptor(), Arena.global());
                t.set(ADDRESS, 16 + 8L * i, stub);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("no upcall target for " + e.name(), ex);
            }
        }
        installedTable = t;
        return t;
    }

    // ---------------------------------------------------------------- handles

    private static ContextEntry ctx(long h) {
        return HANDLES.lookup(h) instanceof ContextEntry c ? c : null;
    }

    private static SocketEntry sock(long h) {
        return HANDLES.lookup(h) instanceof SocketEntry s ? s : null;
    }

    static SocketEntry registerSocket(UtpSocket s, ContextEntry c) {
        SocketEntry se = new SocketEntry(s, c);
        if (HANDLES.register(se, Handles.stripeOf(c.handle)) == 0) {
            throw new IllegalStateException("handle table full");
        }
        c.sockets.add(se);
        Utp.utp_set_userdata(s, se);
        return se;
    }

    static void releaseSocket(SocketEntry se) {
        HANDLES.release(se);
        se.context.sockets.remove(se);
    }

    // ---------------------------------------------------------------- context

    static long init(int version) {
        try {
            UtpContext c = Utp.utp_init(version);
            if (c == null) {
                return 0;
            }
            ContextEntry ce = new ContextEntry(c);
            if (HANDLES.register(ce, -1) == 0) {
                Utp.utp_destroy(c);
                return 0;
            }
            Utp.utp_context_set_userdata(c, ce);
            ce.bridge.attach();
            return ce.handle;
        } catch (Throwable t) {
            Failures.report(0, "utp_init", t);
            return 0;
        }
    }

    static void destroy(long h) {
        try {
            ContextEntry ce = ctx(h);
            if (ce == null) {
                return;
            }
            Utp.utp_destroy(ce.context);             // fires DESTROYING, which frees socket handles
            for (SocketEntry se : new ArrayList<>(ce.sockets)) {
                releaseSocket(se);                    // sockets never connected (libutp leaks them)
            }
            HANDLES.release(ce);
        } catch (Throwable t) {
            Failures.report(1, "utp_destroy", t);
        }
    }

    static void set_callback(long h, int name, long proc) {
        try {
            ContextEntry ce = ctx(h);
            if (ce != null && name >= 0 && name < Layouts.CALLBACK_SLOTS) {
                ce.bridge.set(name, proc);
            }
        } catch (Throwable t) {
            Failures.report(2, "utp_set_callback", t);
        }
    }

    static long context_set_userdata(long h, long ud) {
        try {
            ContextEntry ce = ctx(h);
            if (ce == null) {
                return 0;
            }
            ce.userdata = ud;
            return ud;
        } catch (Throwable t) {
            Failures.report(3, "utp_context_set_userdata", t);
            return 0;
        }
    }

    static long context_get_userdata(long h) {
        try {
            ContextEntry ce = ctx(h);
            return ce == null ? 0 : ce.userdata;
        } catch (Throwable t) {
            Failures.report(4, "utp_context_get_userdata", t);
            return 0;
        }
    }

    static int context_set_option(long h, int opt, int val) {
        try {
            ContextEntry ce = ctx(h);
            return ce == null ? -1 : Utp.utp_context_set_option(ce.context, opt, val);
        } catch (Throwable t) {
            Failures.report(5, "utp_context_set_option", t);
            return -1;
        }
    }

    static int context_get_option(long h, int opt) {
        try {
            ContextEntry ce = ctx(h);
            return ce == null ? -1 : Utp.utp_context_get_option(ce.context, opt);
        } catch (Throwable t) {
            Failures.report(6, "utp_context_get_option", t);
            return -1;
        }
    }

    static int process_udp(long h, long buf, long len, long sa, int salen) {
        try {
            ContextEntry ce = ctx(h);
            if (ce == null || buf == 0 || len < 0) {
                return 0;
            }
            InetSocketAddress from = ce.addrs.decode(sa, salen);
            if (from == null) {
                return 0;
            }
            // Zero copy: jutp parses the caller's buffer in place for the duration of the call.
            return Utp.utp_process_udp(ce.context, MemorySegment.ofAddress(buf).reinterpret(len), len, from);
        } catch (Throwable t) {
            Failures.report(7, "utp_process_udp", t);
            return 0;
        }
    }

    static int process_icmp_error(long h, long buf, long len, long sa, int salen) {
        try {
            ContextEntry ce = ctx(h);
            if (ce == null || buf == 0 || len < 0) {
                return 0;
            }
            InetSocketAddress to = ce.addrs.decode(sa, salen);
            return to == null ? 0 : Utp.utp_process_icmp_error(ce.context,
                    MemorySegment.ofAddress(buf).reinterpret(len), len, to);
        } catch (Throwable t) {
            Failures.report(8, "utp_process_icmp_error", t);
            return 0;
        }
    }

    static int process_icmp_fragmentation(long h, long buf, long len, long sa, int salen, int mtu) {
        try {
            ContextEntry ce = ctx(h);
            if (ce == null || buf == 0 || len < 0) {
                return 0;
            }
            InetSocketAddress to = ce.addrs.decode(sa, salen);
            return to == null ? 0 : Utp.utp_process_icmp_fragmentation(ce.context,
                    MemorySegment.ofAddress(buf).reinterpret(len), len, to, mtu & 0xFFFF);
        } catch (Throwable t) {
            Failures.report(9, "utp_process_icmp_fragmentation", t);
            return 0;
        }
    }

    static void check_timeouts(long h) {
        try {
            ContextEntry ce = ctx(h);
            if (ce != null) {
                Utp.utp_check_timeouts(ce.context);
            }
        } catch (Throwable t) {
            Failures.report(10, "utp_check_timeouts", t);
        }
    }

    static void issue_deferred_acks(long h) {
        try {
            ContextEntry ce = ctx(h);
            if (ce != null) {
                Utp.utp_issue_deferred_acks(ce.context);
            }
        } catch (Throwable t) {
            Failures.report(11, "utp_issue_deferred_acks", t);
        }
    }

    /** A context-owned {@code utp_context_stats}, refreshed from jutp's counters on every call. */
    static long get_context_stats(long h) {
        try {
            ContextEntry ce = ctx(h);
            if (ce == null) {
                return 0;
            }
            UtpContextStats st = Utp.utp_get_context_stats(ce.context);
            if (st == null) {
                return 0;
            }
            MemorySegment m = ce.stats();
            for (int i = 0; i < 5; i++) {
                m.setAtIndex(JAVA_INT, i, st.nraw_recv(i));
                m.setAtIndex(JAVA_INT, 5 + i, st.nraw_send(i));
            }
            return m.address();
        } catch (Throwable t) {
            Failures.report(12, "utp_get_context_stats", t);
            return 0;
        }
    }

    // ---------------------------------------------------------------- socket

    static long create_socket(long h) {
        try {
            ContextEntry ce = ctx(h);
            if (ce == null) {
                return 0;
            }
            UtpSocket s = Utp.utp_create_socket(ce.context);
            return s == null ? 0 : registerSocket(s, ce).handle;
        } catch (Throwable t) {
            Failures.report(13, "utp_create_socket", t);
            return 0;
        }
    }

    static long set_userdata(long h, long ud) {
        try {
            SocketEntry se = sock(h);
            if (se == null) {
                return 0;
            }
            se.userdata = ud;
            return ud;
        } catch (Throwable t) {
            Failures.report(14, "utp_set_userdata", t);
            return 0;
        }
    }

    static long get_userdata(long h) {
        try {
            SocketEntry se = sock(h);
            return se == null ? 0 : se.userdata;
        } catch (Throwable t) {
            Failures.report(15, "utp_get_userdata", t);
            return 0;
        }
    }

    static int setsockopt(long h, int opt, int val) {
        try {
            SocketEntry se = sock(h);
            return se == null ? -1 : Utp.utp_setsockopt(se.socket, opt, val);
        } catch (Throwable t) {
            Failures.report(16, "utp_setsockopt", t);
            return -1;
        }
    }

    static int getsockopt(long h, int opt) {
        try {
            SocketEntry se = sock(h);
            return se == null ? -1 : Utp.utp_getsockopt(se.socket, opt);
        } catch (Throwable t) {
            Failures.report(17, "utp_getsockopt", t);
            return -1;
        }
    }

    static int connect(long h, long sa, int salen) {
        try {
            SocketEntry se = sock(h);
            if (se == null) {
                return -1;
            }
            InetSocketAddress to = se.context.addrs.decode(sa, salen);
            return to == null ? -1 : Utp.utp_connect(se.socket, to);
        } catch (Throwable t) {
            Failures.report(18, "utp_connect", t);
            return -1;
        }
    }

    static long write(long h, long buf, long count) {
        try {
            SocketEntry se = sock(h);
            if (se == null || count < 0 || (buf == 0 && count > 0)) {
                return -1;
            }
            return Utp.utp_write(se.socket, MemorySegment.ofAddress(buf).reinterpret(count), count);
        } catch (Throwable t) {
            Failures.report(19, "utp_write", t);
            return -1;
        }
    }

    static long writev(long h, long iov, long n) {
        try {
            SocketEntry se = sock(h);
            if (se == null || iov == 0 || n <= 0) {
                return -1;
            }
            int count = (int) Math.min(n, Layouts.UTP_IOV_MAX);
            MemorySegment v = MemorySegment.ofAddress(iov).reinterpret(count * Layouts.IOVEC.byteSize());
            MemorySegment[] parts = new MemorySegment[count];
            for (int i = 0; i < count; i++) {
                long base = v.getAtIndex(JAVA_LONG, 2L * i);
                long len = v.getAtIndex(JAVA_LONG, 2L * i + 1);
                if (len < 0 || (base == 0 && len > 0)) {
                    return -1;
                }
                parts[i] = MemorySegment.ofAddress(base).reinterpret(len);
            }
            return Utp.utp_writev(se.socket, parts, count);
        } catch (Throwable t) {
            Failures.report(20, "utp_writev", t);
            return -1;
        }
    }

    static int getpeername(long h, long sa, long salenp) {
        try {
            SocketEntry se = sock(h);
            if (se == null || sa == 0 || salenp == 0) {
                return -1;
            }
            InetSocketAddress peer = Utp.utp_getpeername(se.socket);
            if (peer == null || peer.getAddress() == null) {
                return -1;
            }
            byte[] raw = SockAddrs.encodeNew(peer);
            MemorySegment lenp = MemorySegment.ofAddress(salenp).reinterpret(4);
            int cap = lenp.get(JAVA_INT, 0);
            int n = Math.max(0, Math.min(cap, raw.length));
            MemorySegment.copy(raw, 0, MemorySegment.ofAddress(sa).reinterpret(n), JAVA_BYTE, 0, n);
            lenp.set(JAVA_INT, 0, n);
            return 0;
        } catch (Throwable t) {
            Failures.report(21, "utp_getpeername", t);
            return -1;
        }
    }

    static void read_drained(long h) {
        try {
            SocketEntry se = sock(h);
            if (se != null) {
                Utp.utp_read_drained(se.socket);
            }
        } catch (Throwable t) {
            Failures.report(22, "utp_read_drained", t);
        }
    }

    static int get_delays(long h, long ours, long theirs, long age) {
        try {
            SocketEntry se = sock(h);
            UtpDelays d = se == null ? null : Utp.utp_get_delays(se.socket);
            putU32(ours, d == null ? 0 : d.ours());
            putU32(theirs, d == null ? 0 : d.theirs());
            putU32(age, d == null ? 0 : d.age());
            return d == null ? -1 : 0;
        } catch (Throwable t) {
            Failures.report(23, "utp_get_delays", t);
            return -1;
        }
    }

    private static void putU32(long p, int v) {
        if (p != 0) {
            MemorySegment.ofAddress(p).reinterpret(4).set(JAVA_INT, 0, v);
        }
    }

    /** A socket-owned {@code utp_socket_stats}, refreshed on every call (never NULL for a live socket). */
    static long get_stats(long h) {
        try {
            SocketEntry se = sock(h);
            if (se == null) {
                return 0;
            }
            UtpSocketStats st = Utp.utp_get_stats(se.socket);
            if (st == null) {
                return 0;
            }
            MemorySegment m = se.stats();
            m.set(JAVA_LONG, 0, st.nbytes_recv());
            m.set(JAVA_LONG, 8, st.nbytes_xmit());
            m.set(JAVA_INT, 16, st.rexmit());
            m.set(JAVA_INT, 20, st.fastrexmit());
            m.set(JAVA_INT, 24, st.nxmit());
            m.set(JAVA_INT, 28, st.nrecv());
            m.set(JAVA_INT, 32, st.nduprecv());
            m.set(JAVA_INT, 36, st.mtu_guess());
            return m.address();
        } catch (Throwable t) {
            Failures.report(24, "utp_get_stats", t);
            return 0;
        }
    }

    static long get_context(long h) {
        try {
            SocketEntry se = sock(h);
            return se == null ? 0 : se.context.handle;
        } catch (Throwable t) {
            Failures.report(25, "utp_get_context", t);
            return 0;
        }
    }

    static void shutdown(long h, int how) {
        try {
            SocketEntry se = sock(h);
            if (se != null) {
                Utp.utp_shutdown(se.socket, how);
            }
        } catch (Throwable t) {
            Failures.report(26, "utp_shutdown", t);
        }
    }

    static void close(long h) {
        try {
            SocketEntry se = sock(h);
            if (se != null) {
                Utp.utp_close(se.socket);
            }
        } catch (Throwable t) {
            Failures.report(27, "utp_close", t);
        }
    }
}
