package dev.jutp.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The upcall targets called directly from Java: libutp's answers, and error values for bad calls. */
class ShimTableTest {

    private static final int UTP_SNDBUF = 19;

    @Test
    void layoutsMatchLibutp() {
        assertEquals(56, Layouts.CALLBACK_ARGUMENTS.byteSize());
        assertEquals(40, Layouts.ARGS_U1);
        assertEquals(48, Layouts.ARGS_U2);
        assertEquals(32, Layouts.ARGS_BUF);
        assertEquals(40, Layouts.CONTEXT_STATS.byteSize());
        assertEquals(40, Layouts.SOCKET_STATS.byteSize());
        assertEquals(16 + 8 * 28, ShimTable.VTABLE_BYTES);
    }

    @Test
    void contextAndSocketLifecycle() {
        assertEquals(0, ShimTable.init(1));
        long ctx = ShimTable.init(2);
        assertNotEquals(0, ctx);
        assertEquals(1048576, ShimTable.context_get_option(ctx, UTP_SNDBUF));
        assertEquals(0xABCDL, ShimTable.context_set_userdata(ctx, 0xABCDL));
        assertEquals(0xABCDL, ShimTable.context_get_userdata(ctx));
        long s = ShimTable.create_socket(ctx);
        assertNotEquals(0, s);
        assertEquals(Handles.stripeOf(ctx), Handles.stripeOf(s));
        assertEquals(ctx, ShimTable.get_context(s));
        assertEquals(-1, ShimTable.context_get_option(s, UTP_SNDBUF));   // a socket is not a context
        assertEquals(-1, ShimTable.getsockopt(ctx, UTP_SNDBUF));         // and vice versa
        ShimTable.destroy(ctx);
        assertEquals(-1, ShimTable.context_get_option(ctx, UTP_SNDBUF));
        assertEquals(0, ShimTable.get_context(s));                       // never-connected socket freed too
    }

    @Test
    void badArgumentsGetErrorValuesNotExceptions() {
        long ctx = ShimTable.init(2);
        long s = ShimTable.create_socket(ctx);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            assertEquals(0, ShimTable.process_udp(ctx, buf.address(), 64, 0, 0));       // no address
            assertEquals(0, ShimTable.process_udp(ctx, 0, 64, buf.address(), 16));      // no buffer
            assertEquals(-1, ShimTable.write(s, 0, 10));
            assertEquals(-1, ShimTable.writev(s, 0, 1));
            assertEquals(-1, ShimTable.connect(s, 0, 0));
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT, 3);
            out.fill((byte) 7);
            assertEquals(-1, ShimTable.get_delays(s, out.address(), out.address() + 4, out.address() + 8));
            assertEquals(0, out.getAtIndex(ValueLayout.JAVA_INT, 0));
            assertEquals(0, out.getAtIndex(ValueLayout.JAVA_INT, 2));
            ShimTable.set_callback(ctx, 99, 0x1000);                                    // ignored
            ShimTable.shutdown(s, 77);                                                  // jutp rejects, shim swallows
        }
        ShimTable.destroy(ctx);
    }

    @Test
    void anExceptionInsideJutpIsCaughtCountedAndAnsweredWithTheErrorValue() {
        long ctx = ShimTable.init(2);
        long s = ShimTable.create_socket(ctx);
        int site = 26;                                   // utp_shutdown's failure site
        int before = Failures.count(site);
        // jutp throws IllegalArgumentException for a bad 'how'; the upcall must swallow it.
        ShimTable.shutdown(s, 77);
        ShimTable.shutdown(s, -1);
        assertEquals(before + 2, Failures.count(site));
        assertTrue(ShimTable.getsockopt(s, UTP_SNDBUF) > 0, "the socket is still usable");
        ShimTable.destroy(ctx);
    }
}
