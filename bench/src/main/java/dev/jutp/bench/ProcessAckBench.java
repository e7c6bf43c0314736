package dev.jutp.bench;

import static dev.jutp.capi.Utp.*;

import dev.jutp.capi.UtpContext;
import dev.jutp.capi.UtpSocket;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The sender's per-packet path: {@code utp_process_udp} of an ACK (ST_STATE) on an established
 * connection with a full window of data in flight. Each operation acks the oldest packet in flight;
 * the freed window lets the engine send the next DATA packet(s) (built and handed to SENDTO) from a
 * full send buffer, which the operation refills with one {@code utp_write} of 1382 bytes (the mean
 * in-flight count is printed at tear-down). The ACK is a real STATE packet from the receiving engine, reused
 * with a new ack_nr and timestamp. Run with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class ProcessAckBench {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final InetSocketAddress ADDR_A = new InetSocketAddress("10.0.0.1", 1000);
    static final InetSocketAddress ADDR_B = new InetSocketAddress("10.0.0.2", 2000);
    static final int PAYLOAD = 1382;

    Arena arena;
    UtpContext a;
    UtpContext b;
    UtpSocket sender;
    MemorySegment data;
    MemorySegment fromA;
    int fromALength;
    MemorySegment ack;
    int ackLength;
    long nowMicros = 1_000_000_000L;
    /** Highest DATA seq A has sent, and the highest seq acked so far. */
    int highestSent;
    int acked;
    long inFlightSum;
    long ops;

    @Setup
    public void setup() {
        arena = Arena.ofShared();
        data = arena.allocate(PAYLOAD);
        fromA = arena.allocate(2048);
        ack = arena.allocate(2048);
        a = context();
        b = context();
        utp_set_callback(a, UTP_SENDTO, x -> {
            MemorySegment s = x.buf_segment();
            long off = x.buf_offset();
            if ((s.get(ValueLayout.JAVA_BYTE, off) >> 4) == 0) { // ST_DATA: remember its seq only
                highestSent = s.get(U16, off + 16) & 0xFFFF;
            }
            MemorySegment.copy(s, off, fromA, 0, Math.min(x.len(), 2048));
            fromALength = (int) x.len();
            return 0;
        });
        utp_set_callback(b, UTP_SENDTO, x -> {
            MemorySegment.copy(x.buf_segment(), x.buf_offset(), ack, 0, x.len());
            ackLength = (int) x.len();
            return 0;
        });
        utp_set_callback(b, UTP_ON_ACCEPT, x -> 0);
        sender = utp_create_socket(a);
        utp_connect(sender, ADDR_B);
        utp_process_udp(b, fromA, fromALength, ADDR_A);   // SYN
        utp_process_udp(a, ack, ackLength, ADDR_B);        // SYN-ACK
        // The first DATA packet goes to B for real, so that B's ack is a genuine template.
        nowMicros += 100;
        utp_write(sender, data, PAYLOAD);
        acked = (highestSent - 1) & 0xFFFF;
        utp_process_udp(b, fromA, fromALength, ADDR_A);
        utp_issue_deferred_acks(b);
        ack.set(U32, 8, 5_000);                            // a steady 5 ms delay sample for LEDBAT
        // Fill the send buffer, then ack in order (refilling it) so the congestion window opens.
        for (int i = 0; i < 20_000; i++) {
            while (utp_write(sender, data, PAYLOAD) > 0) {
                // until the send buffer is full
            }
            ackOne();
        }
    }

    private UtpContext context() {
        UtpContext ctx = utp_init(2);
        utp_set_callback(ctx, UTP_GET_MILLISECONDS, x -> nowMicros / 1000);
        utp_set_callback(ctx, UTP_GET_MICROSECONDS, x -> nowMicros);
        return ctx;
    }

    private int ackOne() {
        nowMicros += 10;
        utp_write(sender, data, PAYLOAD);
        if (acked == highestSent) {
            return 0;
        }
        acked = (acked + 1) & 0xFFFF;
        ack.set(U16, 18, (short) acked);
        ack.set(U32, 4, (int) nowMicros);
        return utp_process_udp(a, ack, ackLength, ADDR_B);
    }

    @TearDown
    public void tearDown() {
        System.out.printf("%n[ProcessAckBench] packets in flight per ack (mean): %.1f%n",
                ops == 0 ? 0.0 : (double) inFlightSum / ops);
        utp_destroy(a);
        utp_destroy(b);
        arena.close();
    }

    /** One ACK of the oldest packet in flight, plus the write and DATA send it clocks out. */
    @Benchmark
    public int processAckWithDataInFlight() {
        int r = ackOne();
        inFlightSum += (highestSent - acked) & 0xFFFF;
        ops++;
        return r;
    }
}
