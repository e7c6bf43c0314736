package dev.jutp.bench;

import dev.jutp.net.DatagramBatch;
import dev.jutp.net.LinuxTransport;
import dev.jutp.net.NioTransport;
import dev.jutp.net.OutgoingBatch;
import dev.jutp.net.Transport;
import dev.jutp.net.TransportOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Loopback datagram throughput per transport: one thread sends a batch of 1400-byte datagrams from
 * one socket to another, then receives them. {@code linux} sends the batch as one GSO message,
 * {@code linux-nogso} as plain sendmmsg. Scores are datagrams per second (both ends' syscalls
 * on one thread, so it is a per-datagram cost figure, not a two-core throughput figure).
 *
 * <p>Run: {@code java -cp ... org.openjdk.jmh.Main TransportBench -jvmArgs --enable-native-access=ALL-UNNAMED}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TransportBench {
    static final int BATCH = 32;
    static final int DATAGRAM_BYTES = 1400;

    @Param({"nio", "linux", "linux-nogso"})
    public String transport;

    private Arena arena;
    private Transport sender;
    private Transport receiver;
    private MemorySegment payloads;
    private OutgoingBatch out;
    private DatagramBatch in;
    private InetSocketAddress destination;

    @Setup(Level.Trial)
    public void open() throws IOException {
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        TransportOptions options = TransportOptions.defaults().withGso(!transport.equals("linux-nogso"));
        sender = open(bind, options);
        receiver = open(bind, options);
        arena = Arena.ofShared();
        payloads = arena.allocate((long) BATCH * DATAGRAM_BYTES);
        out = new OutgoingBatch(BATCH);
        in = new DatagramBatch(arena, BATCH, 2048);
        destination = receiver.localAddress();
    }

    private Transport open(InetSocketAddress bind, TransportOptions options) throws IOException {
        return transport.equals("nio") ? NioTransport.open(bind, options) : LinuxTransport.open(bind, options);
    }

    @TearDown(Level.Trial)
    public void close() {
        sender.close();
        receiver.close();
        arena.close();
    }

    /** Sends {@value #BATCH} datagrams and receives what arrives; returns datagrams received. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int sendThenReceive(Blackhole bh) {
        out.clear();
        for (int i = 0; i < BATCH; i++) {
            out.add(payloads, (long) i * DATAGRAM_BYTES, DATAGRAM_BYTES, destination, 0);
        }
        // Bounded: a full buffer or a lost datagram costs at most a few short waits, never a hang.
        for (int attempt = 0; attempt < 8 && out.remaining() > 0; attempt++) {
            sender.send(out);
        }
        int received = 0;
        for (int attempt = 0; attempt < 64 && received < BATCH; attempt++) {
            int n = receiver.receive(in);
            if (n == 0) {
                receiver.awaitReadable(TimeUnit.MILLISECONDS.toNanos(1));
            }
            for (int i = 0; i < n; i++) {
                bh.consume(in.length(i));
            }
            received += n;
        }
        return received;
    }
}
