package dev.jutp.bench;

import dev.jutp.wire.Header;
import dev.jutp.wire.PacketView;
import dev.jutp.wire.Sack;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Wire codec costs per packet: the 20-byte header written and parsed, and the selective ACK
 * extension encoded (header + 4-byte mask with up to 30 bits, as the engine builds it) and decoded
 * (parse + walk every bit, as the engine's ack handling does). Run with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class WireBench {
    static final int SACK_PACKET = Header.SIZE + 2 + Sack.SEND_LENGTH;

    Arena arena;
    MemorySegment header;
    MemorySegment sackPacket;
    final PacketView view = new PacketView();
    int seq;
    /** Which of the 30 seqs after ack+1 "arrived": a fixed irregular pattern. */
    long received = 0b10_1101_0011_1010_0110_1100_1011_0101L;

    @Setup
    public void setup() {
        arena = Arena.ofConfined();
        header = arena.allocate(Header.SIZE);
        sackPacket = arena.allocate(SACK_PACKET);
        Header.write(header, 0, Header.ST_STATE, Header.EXT_NONE, 4711, 123_456, 789, 1 << 20, 100, 99);
        encodeSack(sackPacket, 1000);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    private int encodeSack(MemorySegment seg, int ack) {
        Header.write(seg, 0, Header.ST_STATE, Header.EXT_SACK, 4711, 123_456, 789, 1 << 20, 100, ack);
        seg.set(ValueLayout.JAVA_BYTE, Header.SIZE, (byte) Header.EXT_NONE);
        seg.set(ValueLayout.JAVA_BYTE, Header.SIZE + 1, (byte) Sack.SEND_LENGTH);
        long mask = Header.SIZE + 2;
        seg.set(ValueLayout.JAVA_INT_UNALIGNED, mask, 0);
        for (int k = 0; k < Sack.MAX_SEND_BITS; k++) {
            if ((received >>> k & 1) != 0) {
                Sack.set(seg, mask, k);
            }
        }
        return SACK_PACKET;
    }

    @Benchmark
    public void headerWrite() {
        seq = (seq + 1) & 0xFFFF;
        Header.write(header, 0, Header.ST_STATE, Header.EXT_NONE, 4711, 123_456, 789, 1 << 20, seq, seq - 1);
    }

    @Benchmark
    public int headerParse() {
        return view.parse(header, 0, Header.SIZE) + view.seq + view.ack + view.connectionId + view.timestamp;
    }

    @Benchmark
    public int sackEncode() {
        seq = (seq + 1) & 0xFFFF;
        return encodeSack(sackPacket, seq);
    }

    /** Parse a STATE with a SACK and collect the seqs it selectively acknowledges. */
    @Benchmark
    public int sackDecode() {
        int r = view.parse(sackPacket, 0, SACK_PACKET);
        int acc = 0;
        for (int k = view.sackLength * 8 - 1; k >= 0; k--) {
            if (Sack.isSet(view.segment, view.sackOffset, k)) {
                acc += Sack.seqOfBit(view.ack, k);
            }
        }
        return r + acc;
    }
}
