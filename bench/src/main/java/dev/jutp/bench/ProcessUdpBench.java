package dev.jutp.bench;

import static dev.jutp.capi.Utp.*;

import dev.jutp.capi.UtpContext;
import dev.jutp.capi.UtpSocket;
import dev.jutp.wire.PacketView;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The per-packet receive path: parse, and {@code utp_process_udp} of an in-order DATA packet on
 * an established connection, including the ON_READ callback (which copies the payload out) and
 * one deferred ack per 32 packets. Run with {@code -prof gc}: gc.alloc.rate.norm is the bytes
 * allocated per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class ProcessUdpBench {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final InetSocketAddress ADDR_A = new InetSocketAddress("10.0.0.1", 1000);
    static final InetSocketAddress ADDR_B = new InetSocketAddress("10.0.0.2", 2000);

    @Param({"1382"})
    int payload;

    Arena arena;
    UtpContext a;
    UtpContext b;
    MemorySegment packet;
    MemorySegment sink;
    MemorySegment lastSent;
    int lastSentLength;
    InetSocketAddress lastTo;
    long nowMicros = 1_000_000_000L;
    int seq;
    long delivered;
    final PacketView view = new PacketView();

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        packet = arena.allocate(2048);
        sink = arena.allocate(2048);
        lastSent = arena.allocate(2048);
        a = context();
        b = context();
        utp_set_callback(b, UTP_ON_ACCEPT, x -> 0);
        utp_set_callback(b, UTP_ON_READ, x -> {
            MemorySegment.copy(x.buf_segment(), x.buf_offset(), sink, 0, x.len());
            delivered += x.len();
            return 0;
        });
        // Handshake by hand: A's SYN to B, B's SYN-ACK to A.
        UtpSocket s = utp_create_socket(a);
        utp_connect(s, ADDR_B);
        int synConn = lastSent.get(U16, 2) & 0xFFFF;
        int isnA = lastSent.get(U16, 16) & 0xFFFF;
        utp_process_udp(b, lastSent, lastSentLength, ADDR_A);
        int isnB = lastSent.get(U16, 16) & 0xFFFF;
        utp_process_udp(a, lastSent, lastSentLength, ADDR_B);
        // The DATA packets A would send: conn id R+1, seq from ISN+1, acking the SYN-ACK.
        seq = isnA;
        packet.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x01);
        packet.set(ValueLayout.JAVA_BYTE, 1, (byte) 0);
        packet.set(U16, 2, (short) (synConn + 1));
        packet.set(U32, 8, 0);
        packet.set(U32, 12, 1 << 20);
        packet.set(U16, 18, (short) (isnB - 1));
        for (int i = 0; i < payload; i++) {
            packet.set(ValueLayout.JAVA_BYTE, 20 + i, (byte) i);
        }
    }

    private UtpContext context() {
        UtpContext ctx = utp_init(2);
        utp_set_callback(ctx, UTP_GET_MILLISECONDS, x -> nowMicros / 1000);
        utp_set_callback(ctx, UTP_GET_MICROSECONDS, x -> nowMicros);
        utp_set_callback(ctx, UTP_SENDTO, x -> {
            MemorySegment.copy(x.buf_segment(), x.buf_offset(), lastSent, 0, x.len());
            lastSentLength = (int) x.len();
            return 0;
        });
        return ctx;
    }

    @TearDown
    public void tearDown() {
        utp_destroy(a);
        utp_destroy(b);
        arena.close();
    }

    /** Header and extension parse only. */
    @Benchmark
    public int parse() {
        return view.parse(packet, 0, 20 + payload) + view.seq;
    }

    /** One in-order DATA packet through utp_process_udp, delivered to ON_READ; an ack per 32. */
    @Benchmark
    public long processInOrderData() {
        seq = (seq + 1) & 0xFFFF;
        nowMicros += 10;
        packet.set(U16, 16, (short) seq);
        packet.set(U32, 4, (int) nowMicros);
        int r = utp_process_udp(b, packet, 20 + payload, ADDR_A);
        if ((seq & 31) == 0) {
            utp_issue_deferred_acks(b);
        }
        return r + delivered;
    }
}
