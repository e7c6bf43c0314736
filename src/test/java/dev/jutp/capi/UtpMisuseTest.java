package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.ThrowingSupplier;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every public function of {@link Utp} called wrongly: each call must give libutp's error value,
 * do nothing, or throw the documented {@link IllegalArgumentException} /
 * {@link IllegalStateException} — never a NullPointerException, an index error or a crash.
 */
class UtpMisuseTest {
    static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.2", 2000);
    static final MemorySegment TEN = MemorySegment.ofArray(new byte[10]);
    static final MemorySegment UTP_DATA = MemorySegment.ofArray(Harness.packet(0, 77, 5, 6, 1000, 0, 0, null, new byte[3]));

    /** What a misuse must produce. */
    sealed interface Outcome permits Returns, Throws {}
    record Returns(Object value) implements Outcome {}
    record Throws(Class<? extends RuntimeException> type) implements Outcome {}

    static Outcome returns(Object v) { return new Returns(v); }
    static final Outcome NOTHING = returns(null);
    static final Outcome IAE = new Throws(IllegalArgumentException.class);
    static final Outcome ISE = new Throws(IllegalStateException.class);

    /** A fixture the call runs against, made fresh for each row. */
    record Fixture(UtpContext ctx, UtpSocket fresh, UtpSocket connecting, UtpSocket destroyed, UtpContext deadCtx, UtpSocket orphan) {}

    record Row(String call, Outcome expected, Function<Fixture, Object> action) {}

    static Fixture fixture() {
        UtpContext ctx = utp_init(2);
        utp_set_callback(ctx, UTP_SENDTO, a -> 0);
        UtpSocket destroyed = utp_create_socket(ctx);
        utp_close(destroyed);
        utp_check_timeouts(ctx);                        // delivers its DESTROYING
        UtpSocket connecting = utp_create_socket(ctx);
        utp_connect(connecting, PEER);
        UtpContext dead = utp_init(2);
        UtpSocket orphan = utp_create_socket(dead);     // never connected: outlives its context's destroy
        utp_destroy(dead);
        return new Fixture(ctx, utp_create_socket(ctx), connecting, destroyed, dead, orphan);
    }

    static List<Row> rows() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("nowhere.invalid", 1);
        List<Row> r = new ArrayList<>();
        // context
        r.add(new Row("utp_init(1)", NOTHING, f -> utp_init(1)));
        r.add(new Row("utp_init(3)", NOTHING, f -> utp_init(3)));
        r.add(new Row("utp_destroy(null)", NOTHING, f -> { utp_destroy(null); return null; }));
        r.add(new Row("utp_destroy twice", NOTHING, f -> { utp_destroy(f.deadCtx()); return null; }));
        r.add(new Row("utp_set_callback(null ctx)", NOTHING, f -> { utp_set_callback(null, UTP_ON_READ, a -> 0); return null; }));
        r.add(new Row("utp_set_callback(-1)", IAE, f -> { utp_set_callback(f.ctx(), -1, a -> 0); return null; }));
        r.add(new Row("utp_set_callback(UTP_LOG_NORMAL)", IAE, f -> { utp_set_callback(f.ctx(), UTP_LOG_NORMAL, a -> 0); return null; }));
        r.add(new Row("utp_set_callback(UTP_ARRAY_SIZE)", IAE, f -> { utp_set_callback(f.ctx(), UTP_ARRAY_SIZE, a -> 0); return null; }));
        r.add(new Row("utp_context_set_userdata(null)", returns("u"), f -> utp_context_set_userdata(null, "u")));
        r.add(new Row("utp_context_get_userdata(null)", NOTHING, f -> utp_context_get_userdata(null)));
        r.add(new Row("utp_context_set_option(null)", returns(-1), f -> utp_context_set_option(null, UTP_SNDBUF, 1)));
        r.add(new Row("utp_context_set_option(callback slot)", returns(-1), f -> utp_context_set_option(f.ctx(), UTP_SENDTO, 1)));
        r.add(new Row("utp_context_set_option(SNDBUF 0)", returns(-1), f -> utp_context_set_option(f.ctx(), UTP_SNDBUF, 0)));
        r.add(new Row("utp_context_set_option(RCVBUF -1)", returns(-1), f -> utp_context_set_option(f.ctx(), UTP_RCVBUF, -1)));
        r.add(new Row("utp_context_set_option(give-up 0)", returns(-1), f -> utp_context_set_option(f.ctx(), JUTP_GIVE_UP_RETRANSMISSIONS, 0)));
        r.add(new Row("utp_context_set_option(half-open 0)", returns(-1), f -> utp_context_set_option(f.ctx(), JUTP_MAX_HALF_OPEN, 0)));
        r.add(new Row("utp_context_set_option(congestion control 2)", returns(-1), f -> utp_context_set_option(f.ctx(), JUTP_CONGESTION_CONTROL, 2)));
        r.add(new Row("utp_context_get_option(null)", returns(-1), f -> utp_context_get_option(null, UTP_SNDBUF)));
        r.add(new Row("utp_context_get_option(-7)", returns(-1), f -> utp_context_get_option(f.ctx(), -7)));
        r.add(new Row("utp_set_callback(destroyed ctx)", NOTHING, f -> { utp_set_callback(f.deadCtx(), UTP_ON_READ, a -> 0); return null; }));
        r.add(new Row("utp_context_set_option(destroyed ctx)", returns(0), f -> utp_context_set_option(f.deadCtx(), UTP_SNDBUF, 5000)));
        r.add(new Row("utp_context_get_option(destroyed ctx)", returns(1 << 20), f -> utp_context_get_option(f.deadCtx(), UTP_RCVBUF)));
        r.add(new Row("utp_get_context_stats(destroyed ctx)", returns(0), f -> utp_get_context_stats(f.deadCtx()).nraw_send(0)));
        // input and timers
        r.add(new Row("utp_process_udp(null ctx)", returns(0), f -> utp_process_udp(null, UTP_DATA, UTP_DATA.byteSize(), PEER)));
        r.add(new Row("utp_process_udp(null buf)", returns(0), f -> utp_process_udp(f.ctx(), null, 20, PEER)));
        r.add(new Row("utp_process_udp(null from)", returns(0), f -> utp_process_udp(f.ctx(), UTP_DATA, UTP_DATA.byteSize(), null)));
        r.add(new Row("utp_process_udp(len -1)", returns(0), f -> utp_process_udp(f.ctx(), UTP_DATA, -1, PEER)));
        r.add(new Row("utp_process_udp(len > buf)", IAE, f -> utp_process_udp(f.ctx(), TEN, 11, PEER)));
        r.add(new Row("utp_process_udp(unresolved from)", returns(0), f -> utp_process_udp(f.ctx(), UTP_DATA, UTP_DATA.byteSize(), unresolved)));
        r.add(new Row("utp_process_udp(destroyed ctx)", ISE, f -> utp_process_udp(f.deadCtx(), UTP_DATA, UTP_DATA.byteSize(), PEER)));
        r.add(new Row("utp_process_icmp_error(null ctx)", returns(0), f -> utp_process_icmp_error(null, UTP_DATA, 20, PEER)));
        r.add(new Row("utp_process_icmp_error(null buf)", returns(0), f -> utp_process_icmp_error(f.ctx(), null, 20, PEER)));
        r.add(new Row("utp_process_icmp_error(null to)", returns(0), f -> utp_process_icmp_error(f.ctx(), UTP_DATA, 20, null)));
        r.add(new Row("utp_process_icmp_error(len > buf)", IAE, f -> utp_process_icmp_error(f.ctx(), TEN, 20, PEER)));
        r.add(new Row("utp_process_icmp_error(unresolved to)", returns(0), f -> utp_process_icmp_error(f.ctx(), UTP_DATA, 20, unresolved)));
        r.add(new Row("utp_process_icmp_error(destroyed ctx)", ISE, f -> utp_process_icmp_error(f.deadCtx(), UTP_DATA, 20, PEER)));
        r.add(new Row("utp_process_icmp_fragmentation(null ctx)", returns(0), f -> utp_process_icmp_fragmentation(null, UTP_DATA, 20, PEER, 1000)));
        r.add(new Row("utp_process_icmp_fragmentation(null buf)", returns(0), f -> utp_process_icmp_fragmentation(f.ctx(), null, 20, PEER, 1000)));
        r.add(new Row("utp_process_icmp_fragmentation(len -1)", returns(0), f -> utp_process_icmp_fragmentation(f.ctx(), UTP_DATA, -1, PEER, 1000)));
        r.add(new Row("utp_process_icmp_fragmentation(len > buf)", IAE, f -> utp_process_icmp_fragmentation(f.ctx(), TEN, 20, PEER, 1000)));
        r.add(new Row("utp_process_icmp_fragmentation(unresolved to)", returns(0), f -> utp_process_icmp_fragmentation(f.ctx(), UTP_DATA, 20, unresolved, 1000)));
        r.add(new Row("utp_process_icmp_fragmentation(mtu -1)", returns(0), f -> utp_process_icmp_fragmentation(f.ctx(), UTP_DATA, 20, PEER, -1)));
        r.add(new Row("utp_check_timeouts(null)", NOTHING, f -> { utp_check_timeouts(null); return null; }));
        r.add(new Row("utp_check_timeouts(destroyed ctx)", ISE, f -> { utp_check_timeouts(f.deadCtx()); return null; }));
        r.add(new Row("utp_issue_deferred_acks(null)", NOTHING, f -> { utp_issue_deferred_acks(null); return null; }));
        r.add(new Row("utp_issue_deferred_acks(destroyed ctx)", ISE, f -> { utp_issue_deferred_acks(f.deadCtx()); return null; }));
        r.add(new Row("utp_get_context_stats(null)", NOTHING, f -> utp_get_context_stats(null)));
        r.add(new Row("nraw_recv(5)", IAE, f -> utp_get_context_stats(f.ctx()).nraw_recv(5)));
        r.add(new Row("nraw_send(-1)", IAE, f -> utp_get_context_stats(f.ctx()).nraw_send(-1)));
        // sockets
        r.add(new Row("utp_create_socket(null)", NOTHING, f -> utp_create_socket(null)));
        r.add(new Row("utp_create_socket(destroyed ctx)", ISE, f -> utp_create_socket(f.deadCtx())));
        r.add(new Row("utp_set_userdata(null)", returns("u"), f -> utp_set_userdata(null, "u")));
        r.add(new Row("utp_set_userdata(destroyed)", ISE, f -> utp_set_userdata(f.destroyed(), "u")));
        r.add(new Row("utp_get_userdata(null)", NOTHING, f -> utp_get_userdata(null)));
        r.add(new Row("utp_get_userdata(destroyed)", ISE, f -> utp_get_userdata(f.destroyed())));
        r.add(new Row("utp_setsockopt(null)", returns(-1), f -> utp_setsockopt(null, UTP_SNDBUF, 1)));
        r.add(new Row("utp_setsockopt(LOG_NORMAL)", returns(-1), f -> utp_setsockopt(f.fresh(), UTP_LOG_NORMAL, 1)));
        r.add(new Row("utp_setsockopt(SNDBUF 0)", returns(-1), f -> utp_setsockopt(f.fresh(), UTP_SNDBUF, 0)));
        r.add(new Row("utp_setsockopt(RCVBUF 0)", returns(-1), f -> utp_setsockopt(f.fresh(), UTP_RCVBUF, 0)));
        r.add(new Row("utp_setsockopt(destroyed)", ISE, f -> utp_setsockopt(f.destroyed(), UTP_SNDBUF, 1)));
        r.add(new Row("utp_getsockopt(null)", returns(-1), f -> utp_getsockopt(null, UTP_SNDBUF)));
        r.add(new Row("utp_getsockopt(unknown)", returns(-1), f -> utp_getsockopt(f.fresh(), 99)));
        r.add(new Row("utp_getsockopt(destroyed)", ISE, f -> utp_getsockopt(f.destroyed(), UTP_SNDBUF)));
        r.add(new Row("utp_connect(null socket)", returns(-1), f -> utp_connect(null, PEER)));
        r.add(new Row("utp_connect(null to)", returns(-1), f -> utp_connect(f.fresh(), null)));
        r.add(new Row("utp_connect(unresolved)", returns(-1), f -> utp_connect(f.fresh(), unresolved)));
        r.add(new Row("utp_connect twice", returns(-1), f -> utp_connect(f.connecting(), PEER)));
        r.add(new Row("utp_connect(destroyed)", ISE, f -> utp_connect(f.destroyed(), PEER)));
        r.add(new Row("utp_connect(socket of destroyed ctx)", ISE, f -> utp_connect(f.orphan(), PEER)));
        r.add(new Row("utp_write(null socket)", returns(-1L), f -> utp_write(null, TEN, 10)));
        r.add(new Row("utp_write(null buf)", returns(-1L), f -> utp_write(f.connecting(), null, 10)));
        r.add(new Row("utp_write(count -1)", returns(-1L), f -> utp_write(f.connecting(), TEN, -1)));
        r.add(new Row("utp_write(count > buf)", IAE, f -> utp_write(f.connecting(), TEN, 11)));
        r.add(new Row("utp_write before connect", returns(0L), f -> utp_write(f.fresh(), TEN, 10)));
        r.add(new Row("utp_write while connecting", returns(0L), f -> utp_write(f.connecting(), TEN, 10)));
        r.add(new Row("utp_write(destroyed)", ISE, f -> utp_write(f.destroyed(), TEN, 10)));
        r.add(new Row("utp_write(socket of destroyed ctx)", ISE, f -> utp_write(f.orphan(), TEN, 10)));
        r.add(new Row("utp_writev(null socket)", returns(-1L), f -> utp_writev(null, new MemorySegment[] {TEN}, 1)));
        r.add(new Row("utp_writev(null array)", returns(-1L), f -> utp_writev(f.connecting(), null, 1)));
        r.add(new Row("utp_writev(0 vectors)", returns(-1L), f -> utp_writev(f.connecting(), new MemorySegment[] {TEN}, 0)));
        r.add(new Row("utp_writev(-1 vectors)", returns(-1L), f -> utp_writev(f.connecting(), new MemorySegment[] {TEN}, -1)));
        r.add(new Row("utp_writev(null vector)", IAE, f -> utp_writev(f.connecting(), new MemorySegment[] {TEN, null}, 2)));
        r.add(new Row("utp_writev(count > array)", IAE, f -> utp_writev(f.connecting(), new MemorySegment[] {TEN}, 2)));
        r.add(new Row("utp_writev before connect", returns(0L), f -> utp_writev(f.fresh(), new MemorySegment[] {TEN}, 1)));
        r.add(new Row("utp_writev(destroyed)", ISE, f -> utp_writev(f.destroyed(), new MemorySegment[] {TEN}, 1)));
        r.add(new Row("utp_getpeername(null)", NOTHING, f -> utp_getpeername(null)));
        r.add(new Row("utp_getpeername before connect", NOTHING, f -> utp_getpeername(f.fresh())));
        r.add(new Row("utp_getpeername(destroyed)", ISE, f -> utp_getpeername(f.destroyed())));
        r.add(new Row("utp_read_drained(null)", NOTHING, f -> { utp_read_drained(null); return null; }));
        r.add(new Row("utp_read_drained before connect", NOTHING, f -> { utp_read_drained(f.fresh()); return null; }));
        r.add(new Row("utp_read_drained(destroyed)", ISE, f -> { utp_read_drained(f.destroyed()); return null; }));
        r.add(new Row("utp_get_delays(null)", NOTHING, f -> utp_get_delays(null)));
        r.add(new Row("utp_get_delays before connect", NOTHING, f -> utp_get_delays(f.fresh())));
        r.add(new Row("utp_get_delays(destroyed)", ISE, f -> utp_get_delays(f.destroyed())));
        r.add(new Row("utp_get_stats(null)", NOTHING, f -> utp_get_stats(null)));
        r.add(new Row("utp_get_stats(destroyed)", ISE, f -> utp_get_stats(f.destroyed())));
        r.add(new Row("utp_get_context(null)", NOTHING, f -> utp_get_context(null)));
        r.add(new Row("utp_shutdown(null)", NOTHING, f -> { utp_shutdown(null, SHUT_WR); return null; }));
        r.add(new Row("utp_shutdown(how 3)", IAE, f -> { utp_shutdown(f.connecting(), 3); return null; }));
        r.add(new Row("utp_shutdown(how -1)", IAE, f -> { utp_shutdown(f.connecting(), -1); return null; }));
        r.add(new Row("utp_shutdown before connect", NOTHING, f -> { utp_shutdown(f.fresh(), SHUT_RDWR); return null; }));
        r.add(new Row("utp_shutdown(destroyed)", ISE, f -> { utp_shutdown(f.destroyed(), SHUT_WR); return null; }));
        r.add(new Row("utp_close(null)", NOTHING, f -> { utp_close(null); return null; }));
        r.add(new Row("utp_close(destroyed)", NOTHING, f -> { utp_close(f.destroyed()); return null; }));
        r.add(new Row("utp_close(socket of destroyed ctx)", ISE, f -> { utp_close(f.orphan()); return null; }));
        return r;
    }

    @TestFactory
    List<DynamicTest> everyMisuseHasItsDocumentedOutcome() {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.call(), () -> {
            Fixture f = fixture();
            try {
                switch (row.expected()) {
                    case Returns(Object v) -> assertEquals(v, ((ThrowingSupplier<Object>) () -> row.action().apply(f)).get(), row.call());
                    case Throws(Class<? extends RuntimeException> t) -> {
                        RuntimeException e = assertThrows(RuntimeException.class, () -> row.action().apply(f), row.call());
                        assertEquals(t, e.getClass(), row.call() + " threw " + e);
                        assertNotNull(e.getMessage(), row.call() + ": the exception must say what was wrong");
                    }
                }
                // the context still works after the misuse
                utp_check_timeouts(f.ctx());
                assertEquals(1, utp_process_udp(f.ctx(), UTP_DATA, UTP_DATA.byteSize(), PEER));
            } finally {
                utp_destroy(f.ctx());
            }
        })).toList();
    }

    @Test
    void statsAreNeverNullForALiveSocketInAnyState() {
        try (Harness h = new Harness()) {
            UtpSocket fresh = utp_create_socket(h.sideA.ctx);
            UtpSocketStats st = utp_get_stats(fresh);
            assertNotNull(st, "never connected");
            assertEquals(0, st.nxmit());
            UtpSocket a = h.connect();
            UtpSocket b = h.sideB.accepted.get(0);
            assertNotNull(utp_get_stats(b), "accepted");
            utp_write(a, Harness.bytes(new byte[100]), 100);
            h.deliver();
            assertSame(utp_get_stats(a), utp_get_stats(a), "a live view, not a copy per call");
            assertEquals(20 + 120, utp_get_stats(b).nbytes_recv(), "SYN and DATA, headers included (libutp)");
            assertTrue(utp_get_stats(a).nxmit() >= 2, "SYN and DATA");
            utp_close(a);
            assertNotNull(utp_get_stats(a), "closing, not yet destroyed");
            assertNotNull(utp_get_context_stats(h.sideA.ctx));
        }
    }

    @Test
    void closingANeverConnectedSocketDestroysItAtTheNextTick() {
        UtpContext ctx = utp_init(2);
        List<Integer> states = new ArrayList<>();
        utp_set_callback(ctx, UTP_ON_STATE_CHANGE, a -> {
            states.add(a.state());
            return 0;
        });
        UtpSocket s = utp_create_socket(ctx);
        utp_close(s);
        assertEquals(List.of(), states, "DESTROYING never comes from utp_close itself");
        utp_check_timeouts(ctx);
        assertEquals(List.of(UTP_STATE_DESTROYING), states);
        assertTrue(s.isDestroyed());
        assertSame(ctx, utp_get_context(s), "the context stays readable from a dead handle");
        utp_destroy(ctx);
    }
}
