package dev.jutp.shim;

import static dev.jutp.shim.Layouts.ARGS_BUF;
import static dev.jutp.shim.Layouts.ARGS_CALLBACK_TYPE;
import static dev.jutp.shim.Layouts.ARGS_CONTEXT;
import static dev.jutp.shim.Layouts.ARGS_FLAGS;
import static dev.jutp.shim.Layouts.ARGS_LEN;
import static dev.jutp.shim.Layouts.ARGS_SOCKET;
import static dev.jutp.shim.Layouts.ARGS_U1;
import static dev.jutp.shim.Layouts.ARGS_U2;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jutp.capi.Utp;
import dev.jutp.capi.UtpCallback;
import dev.jutp.capi.UtpCallbackArguments;
import dev.jutp.capi.UtpSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * One context's C callbacks. For every slot C fills with {@code utp_set_callback}, a Java
 * {@link UtpCallback} is registered with {@code dev.jutp.capi.Utp}; when jutp fires it, the bridge
 * fills a native {@code utp_callback_arguments} and calls the C function pointer through one
 * virtual downcall ({@code uint64 (*)(utp_callback_arguments *)}). Argument structs come from a
 * per-context stack (callbacks nest when C re-enters the API), so an outer callback's struct is
 * never overwritten. Buffers are passed by address, not copied, when they are native memory.
 */
@SuppressWarnings("restricted")
final class CallbackBridge {

    /** {@code uint64 (*)(utp_callback_arguments *)}, the one callback type of libutp. */
    static final MethodHandle INVOKER =
            Linker.nativeLinker().downcallHandle(FunctionDescriptor.of(JAVA_LONG, ADDRESS));

    private static final int DEPTH = 16;
    private static final long ADDR_OFFSET = Layouts.CALLBACK_ARGUMENTS.byteSize(); // 56
    private static final long SLOT_BYTES = 96;  // arguments + room for a sockaddr_in6

    private final ContextEntry ctx;
    private final MemorySegment[] fn = new MemorySegment[Layouts.CALLBACK_SLOTS];
    private final Forwarder[] forwarders = new Forwarder[Layouts.CALLBACK_SLOTS];
    private final MemorySegment[] argSlots = new MemorySegment[DEPTH];
    private final MemorySegment[] addrSlots = new MemorySegment[DEPTH];
    private final MemorySegment[] scratch = new MemorySegment[DEPTH];
    private int depth;

    CallbackBridge(ContextEntry ctx) {
        this.ctx = ctx;
        for (int i = 0; i < forwarders.length; i++) {
            forwarders[i] = new Forwarder(this, i);
        }
        MemorySegment stack = Arena.ofAuto().allocate(SLOT_BYTES * DEPTH, 16);
        for (int d = 0; d < DEPTH; d++) {
            argSlots[d] = stack.asSlice(d * SLOT_BYTES, SLOT_BYTES);
            addrSlots[d] = argSlots[d].asSlice(ADDR_OFFSET, SockAddrs.MAX_LEN);
        }
    }

    /** jutp's side of a slot: the bridge forwards what jutp fires to C. */
    private record Forwarder(CallbackBridge bridge, int name) implements UtpCallback {
        @Override
        public long call(UtpCallbackArguments a) {
            return bridge.forward(name, a);
        }
    }

    /** Registers the state-change hook the shim always needs (to free handles on DESTROYING). */
    void attach() {
        Utp.utp_set_callback(ctx.context, Layouts.UTP_ON_STATE_CHANGE,
                forwarders[Layouts.UTP_ON_STATE_CHANGE]);
    }

    /** utp_set_callback from C: {@code proc == 0} unsets the slot (as in libutp). */
    void set(int name, long proc) {
        fn[name] = proc == 0 ? null : MemorySegment.ofAddress(proc);
        if (name != Layouts.UTP_ON_STATE_CHANGE) {
            Utp.utp_set_callback(ctx.context, name, proc == 0 ? null : forwarders[name]);
        }
    }

    private long forward(int name, UtpCallbackArguments a) {
        SocketEntry se = null;
        try {
            UtpSocket s = a.socket();
            se = s == null ? null : socketEntry(s);
            MemorySegment f = fn[name];
            return f == null ? 0 : callC(f, name, a, se);
        } catch (Throwable t) {
            Failures.report(32 + name, "callback " + name, t);
            return 0;
        } finally {
            if (se != null && name == Layouts.UTP_ON_STATE_CHANGE
                    && safeState(a) == Layouts.UTP_STATE_DESTROYING) {
                ShimTable.releaseSocket(se);
            }
        }
    }

    private static int safeState(UtpCallbackArguments a) {
        try {
            return a.state();
        } catch (Throwable t) {
            return -1;
        }
    }

    /** The handle entry of a Java socket, created the first time C could see it. */
    SocketEntry socketEntry(UtpSocket s) {
        if (Utp.utp_get_userdata(s) instanceof SocketEntry se) {
            return se;
        }
        return ShimTable.registerSocket(s, ctx);
    }

    private long callC(MemorySegment f, int name, UtpCallbackArguments a, SocketEntry se)
            throws Throwable {
        int d = depth++;
        try {
            if (d < DEPTH) {
                fill(argSlots[d], addrSlots[d], d, name, a, se, null);
                return (long) INVOKER.invokeExact(f, argSlots[d]);
            }
            try (Arena arena = Arena.ofConfined()) {    // nested deeper than the stack
                MemorySegment slot = arena.allocate(SLOT_BYTES, 16);
                fill(slot, slot.asSlice(ADDR_OFFSET, SockAddrs.MAX_LEN), d, name, a, se, arena);
                return (long) INVOKER.invokeExact(f, slot);
            }
        } finally {
            depth--;
        }
    }

    private void fill(MemorySegment args, MemorySegment addr, int d, int name,
                      UtpCallbackArguments a, SocketEntry se, Arena arena) {
        long len = a.len();
        args.set(JAVA_LONG, ARGS_CONTEXT, ctx.handle);
        args.set(JAVA_LONG, ARGS_SOCKET, se == null ? 0 : se.handle);
        args.set(JAVA_LONG, ARGS_LEN, len);
        args.set(JAVA_INT, ARGS_FLAGS, a.flags());
        args.set(JAVA_INT, ARGS_CALLBACK_TYPE, name);
        args.set(JAVA_LONG, ARGS_BUF, bufferAddress(name, a, len, d, arena));
        long u1 = 0;
        int u2 = 0;
        switch (name) {
            case Layouts.UTP_ON_FIREWALL, Layouts.UTP_ON_ACCEPT, Layouts.UTP_GET_UDP_MTU,
                 Layouts.UTP_GET_UDP_OVERHEAD, Layouts.UTP_SENDTO -> {
                int n = ctx.addrs.encode(a.address(), addr);
                u1 = n == 0 ? 0 : addr.address();
                u2 = n;
            }
            case Layouts.UTP_ON_OVERHEAD_STATISTICS -> {
                u1 = a.send();
                u2 = a.type();
            }
            case Layouts.UTP_ON_DELAY_SAMPLE -> u1 = a.sample_ms();
            case Layouts.UTP_ON_ERROR -> u1 = a.error_code();
            case Layouts.UTP_ON_STATE_CHANGE -> u1 = a.state();
            default -> {
            }
        }
        if (u1 == (int) u1) {
            args.set(JAVA_LONG, ARGS_U1, 0);              // ints: clear the pointer's upper half
            args.set(JAVA_INT, ARGS_U1, (int) u1);
        } else {
            args.set(JAVA_LONG, ARGS_U1, u1);
        }
        args.set(JAVA_INT, ARGS_U2, u2);
    }

    /**
     * The address C sees as {@code buf}: jutp's own native memory when it is native (zero copy:
     * ON_READ points into the packet, SENDTO at the datagram); otherwise a copy. UTP_LOG text is
     * copied and NUL-terminated, as libutp's log lines are C strings.
     */
    private long bufferAddress(int name, UtpCallbackArguments a, long len, int d, Arena arena) {
        MemorySegment seg = a.buf_segment();         // no slice object: address arithmetic only
        if (seg == null) {
            return 0;
        }
        long off = a.buf_offset();
        if (name != Layouts.UTP_LOG && seg.isNative()) {
            return seg.address() + off;
        }
        MemorySegment buf = seg.asSlice(off, Math.min(len, seg.byteSize() - off));
        long n = Math.min(buf.byteSize(), name == Layouts.UTP_LOG ? Layouts.LOG_MAX : Long.MAX_VALUE);
        if (name == Layouts.UTP_LOG) {
            long nul = 0;
            while (nul < n && buf.get(JAVA_BYTE, nul) != 0) {
                nul++;
            }
            n = nul;
        }
        MemorySegment dst;
        if (arena != null) {
            dst = arena.allocate(n + 1);
        } else {
            dst = scratch[d];
            if (dst == null || dst.byteSize() < n + 1) {
                dst = Arena.ofAuto().allocate(Math.max(n + 1, 4096));
                scratch[d] = dst;
            }
        }
        MemorySegment.copy(buf, 0, dst, 0, n);
        dst.set(JAVA_BYTE, n, (byte) 0);
        return dst.address();
    }
}
