package dev.jutp.sim;

import static dev.jutp.capi.Utp.*;

import dev.jutp.capi.UtpContext;
import dev.jutp.capi.UtpSocket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;

/**
 * A real jutp context on the simulated network, driven the way a production event loop drives
 * libutp: datagrams in through {@code utp_process_udp}, one {@code utp_issue_deferred_acks}
 * after each batch delivered at the same instant, {@code utp_check_timeouts} from a periodic
 * tick (≤ 100 ms), time and random numbers through the callbacks. The node's clock may be
 * offset and may drift against the simulator's, as a real peer's clock would.
 */
public final class UtpNode implements Node {
    public static final long DEFAULT_TICK_MICROS = 50_000;

    private final Network net;
    private final InetSocketAddress address;
    private final UtpContext ctx;
    private final SplittableRandom random;
    private UtpApp app = new UtpApp() {};
    private boolean flushPending;
    private long clockOffsetMicros;
    private double clockRate = 1.0;
    private int udpMtu = 1402;
    /** Fault found in a callback (exceptions must not vanish inside the engine's dispatch). */
    Throwable failure;

    /** Sockets created from now on run libutp's classic LEDBAT instead of the default LEDBAT++. */
    public void useClassicLedbat() {
        utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT);
    }

    public void useLedbatPlusPlus() {
        utp_context_set_option(ctx, JUTP_CONGESTION_CONTROL, JUTP_CC_LEDBAT_PLUS_PLUS);
    }

    public UtpNode(Network net, InetSocketAddress address) {
        this.net = net;
        this.address = address;
        this.random = net.sim.split();
        this.ctx = utp_init(2);
        wireCallbacks();
        net.attach(this);
    }

    public static UtpNode at(Network net, String ip, int port) {
        return new UtpNode(net, new InetSocketAddress(ip, port));
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    public UtpContext context() {
        return ctx;
    }

    public UtpNode app(UtpApp value) {
        app = value;
        return this;
    }

    public UtpNode listen() {
        utp_set_callback(ctx, UTP_ON_ACCEPT, a -> guarded(() -> app.onAccept(this, a.socket())));
        return this;
    }

    /** This node's clock runs {@code offsetMicros} ahead and {@code ppm} parts per million fast. */
    public UtpNode clock(long offsetMicros, double ppm) {
        clockOffsetMicros = offsetMicros;
        clockRate = 1.0 + ppm / 1e6;
        return this;
    }

    /** What UTP_GET_UDP_MTU answers (the MTU search ceiling). */
    public UtpNode udpMtu(int bytes) {
        udpMtu = bytes;
        return this;
    }

    /** Starts the event-loop tick: utp_check_timeouts every {@code periodMicros} (≤ 100 ms). */
    public UtpNode startTicking(long periodMicros) {
        if (periodMicros <= 0 || periodMicros > 100_000) {
            throw new IllegalArgumentException("tick period must be in (0, 100 ms]");
        }
        net.sim.every(periodMicros, () -> {
            utp_check_timeouts(ctx);
            return true;
        });
        return this;
    }

    public UtpSocket connect(InetSocketAddress to) {
        UtpSocket s = utp_create_socket(ctx);
        if (utp_connect(s, to) != 0) {
            throw new IllegalStateException("utp_connect failed");
        }
        return s;
    }

    long localMicros() {
        long elapsed = net.sim.nowMicros() - Sim.START_MICROS;
        return Sim.START_MICROS + clockOffsetMicros + (long) (elapsed * clockRate);
    }

    @Override
    public void receive(Packet p) {
        utp_process_udp(ctx, MemorySegment.ofArray(p.bytes()), p.bytes().length, p.from());
        if (!flushPending) {
            flushPending = true;
            // Same instant, queued behind every delivery already due now: one flush per batch.
            net.sim.after(0, () -> {
                flushPending = false;
                utp_issue_deferred_acks(ctx);
            });
        }
    }

    @Override
    public void icmpFragmentationNeeded(Packet original, int nextHopMtu) {
        utp_process_icmp_fragmentation(ctx, MemorySegment.ofArray(original.bytes()), original.bytes().length,
                original.to(), nextHopMtu);
    }

    public void destroy() {
        utp_destroy(ctx);
    }

    private void wireCallbacks() {
        utp_set_callback(ctx, UTP_GET_MICROSECONDS, a -> localMicros());
        utp_set_callback(ctx, UTP_GET_MILLISECONDS, a -> localMicros() / 1000);
        utp_set_callback(ctx, UTP_GET_RANDOM, a -> random.nextInt() & 0xFFFF_FFFFL);
        utp_set_callback(ctx, UTP_GET_UDP_MTU, a -> udpMtu);
        utp_set_callback(ctx, UTP_GET_READ_BUFFER_SIZE, a -> app.readBufferSize(this, a.socket()));
        utp_set_callback(ctx, UTP_SENDTO, a -> {
            net.send(new Packet(address, a.address(), a.buf().toArray(ValueLayout.JAVA_BYTE), a.flags()));
            return 0;
        });
        utp_set_callback(ctx, UTP_ON_READ, a -> guarded(() -> app.onRead(this, a.socket(), a.buf())));
        utp_set_callback(ctx, UTP_ON_ERROR, a -> guarded(() -> app.onError(this, a.socket(), a.error_code())));
        utp_set_callback(ctx, UTP_ON_DELAY_SAMPLE, a -> guarded(() -> app.onDelaySample(this, a.socket(), a.sample_ms())));
        utp_set_callback(ctx, UTP_ON_STATE_CHANGE, a -> guarded(() -> {
            switch (a.state()) {
                case UTP_STATE_CONNECT -> app.onConnect(this, a.socket());
                case UTP_STATE_WRITABLE -> app.onWritable(this, a.socket());
                case UTP_STATE_EOF -> app.onEof(this, a.socket());
                case UTP_STATE_DESTROYING -> app.onDestroying(this, a.socket());
                default -> { }
            }
        }));
    }

    private long guarded(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }
        return 0;
    }
}
