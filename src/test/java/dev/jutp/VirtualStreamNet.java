package dev.jutp;

import dev.jutp.net.IcmpErrorHandler;
import dev.jutp.net.OutgoingBatches;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The stream API on the seeded in-memory network with a virtual clock: real {@link UtpEndpoint},
 * {@link UtpStream} and {@link UtpListener} objects whose I/O side is an {@link EndpointDriver} stepped
 * by this class instead of an I/O thread. Time only moves in {@link #runUntil}, straight to the next
 * event (a datagram's arrival or a driver's deadline), so seconds of protocol time cost milliseconds
 * and every run of a seed is the same.
 *
 * <p>The test thread calls non-blocking stream operations between steps (writes that fit the buffer,
 * reads of bytes already there). A blocking call (close with a linger) runs on another thread; call
 * {@link #awaitParked} before stepping, so its command is queued before virtual time moves.
 */
final class VirtualStreamNet implements AutoCloseable {
    /**
     * One datagram on the wire; with {@code icmp}, the port-unreachable error quoting a datagram that
     * {@code to} had sent to {@code from}.
     */
    private record InFlight(long arrivalNanos, long order, InetSocketAddress to, InetSocketAddress from, byte[] bytes,
                            boolean icmp) { }

    final SplittableRandom random;
    private long nowNanos = TimeUnit.SECONDS.toNanos(1);
    private long order;
    private final PriorityQueue<InFlight> wire = new PriorityQueue<>((a, b) -> a.arrivalNanos != b.arrivalNanos
            ? Long.compare(a.arrivalNanos, b.arrivalNanos) : Long.compare(a.order, b.order));
    private final Map<InetSocketAddress, Host> hosts = new HashMap<>();
    private final Map<InetSocketAddress, RawHost> rawHosts = new HashMap<>();
    private final List<Host> all = new ArrayList<>();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment delivery = arena.allocate(65_536, 8);
    /** One-way delay of every link. */
    long latencyNanos = TimeUnit.MILLISECONDS.toNanos(10);
    /** Probability that a datagram is lost. */
    double loss;
    /** Datagrams sent to an address without a live host. */
    long undeliverable;
    /** Application threads that must be parked before time moves (their work is queued by then). */
    private final List<Thread> apps = new ArrayList<>();

    VirtualStreamNet(long seed) {
        random = new SplittableRandom(seed);
    }

    /** A host with a uTP endpoint at 10.0.0.{@code n}:{@code port}. */
    Host host(int n, int port, UtpOptions options) {
        InetSocketAddress addr;
        try {
            addr = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) n}), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        Host h = new Host(addr, options);
        hosts.put(addr, h);
        all.add(h);
        return h;
    }

    /** A host without uTP at 10.0.0.{@code n}:{@code port}: sends and keeps raw datagrams (a rogue peer). */
    RawHost raw(int n, int port) {
        try {
            RawHost r = new RawHost(new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) n}), port));
            rawHosts.put(r.addr, r);
            return r;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    long nowNanos() {
        return nowNanos;
    }

    long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(nowNanos);
    }

    /**
     * Runs every host's passes and advances virtual time event by event until {@code done} holds or
     * {@code maxMillis} of virtual time passed. Returns whether {@code done} holds.
     */
    boolean runUntil(BooleanSupplier done, long maxMillis) {
        long end = nowNanos + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        for (int steps = 0; steps < 50_000_000; steps++) {
            pass();
            for (Thread t : apps) {
                try {
                    awaitParked(t);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            if (done.getAsBoolean()) {
                return true;
            }
            long next = end;
            InFlight head = wire.peek();
            if (head != null) {
                next = Math.min(next, head.arrivalNanos);
            }
            for (Host h : all) {
                if (h.live()) {
                    next = Math.min(next, Math.max(nowNanos, h.driver.pollTimeout()));
                }
            }
            if (next >= end && nowNanos >= end) {
                return done.getAsBoolean();
            }
            if (next > nowNanos) {
                nowNanos = next;
            }
        }
        throw new AssertionError("the simulation did not settle in 50,000,000 steps");
    }

    /** Starts {@code body} on a virtual thread that the simulation waits for before moving time. */
    Thread app(Runnable body) throws InterruptedException {
        Thread t = Thread.ofVirtual().start(body);
        apps.add(t);
        awaitParked(t);
        return t;
    }

    /** Advances virtual time by {@code millis}, running everything due meanwhile. */
    void run(long millis) {
        runUntil(() -> false, millis);
    }

    /** Waits (real time, bounded) until {@code t} parks or ends, so its queued work is in before time moves. */
    static void awaitParked(Thread t) throws InterruptedException {
        for (int i = 0; i < 1_000_000; i++) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.TERMINATED) {
                return;
            }
            Thread.onSpinWait();
            if (i > 1000) {
                Thread.sleep(1);
            }
        }
        throw new AssertionError(t + " did not park within 10 s: " + t.getState());
    }

    /** One pass of every live host at the current time: deliveries, commands, timers, output. */
    private void pass() {
        for (InFlight d; (d = wire.peek()) != null && d.arrivalNanos <= nowNanos; ) {
            wire.poll();
            RawHost raw = rawHosts.get(d.to);
            if (raw != null) {
                if (!d.icmp) {
                    raw.inbox.add(d.bytes);
                }
                continue;
            }
            Host to = hosts.get(d.to);
            if (to == null || !to.live()) {
                undeliverable++;
                continue;
            }
            to.driver.setTime(nowNanos);
            to.woke();
            MemorySegment.copy(d.bytes, 0, delivery, ValueLayout.JAVA_BYTE, 0, d.bytes.length);
            if (d.icmp) {
                to.driver.icmpHandler().onIcmpError(IcmpErrorHandler.UNREACHABLE, delivery, 0, d.bytes.length, d.from, 0);
                continue;
            }
            to.datagramsIn++;
            to.driver.onDatagram(delivery, 0, d.bytes.length, d.from);
            to.driver.afterDatagrams(1, false);
        }
        for (Host h : all) {
            if (h.live()) {
                h.pass();
            }
        }
    }

    private void send(InetSocketAddress from, byte[] bytes, InetSocketAddress to) {
        if (loss > 0 && random.nextDouble() < loss) {
            return;
        }
        if (!hosts.containsKey(to) && !rawHosts.containsKey(to)) {
            undeliverable++;
            return;
        }
        Host dest = hosts.get(to);
        if (dest != null && dest.portClosed) {
            if (dest.firstDatagramWhileClosedNanos < 0) {
                dest.firstDatagramWhileClosedNanos = nowNanos;
            }
            // Its machine answers with port unreachable, quoting the datagram, one trip later.
            wire.add(new InFlight(nowNanos + 2 * latencyNanos, order++, from, to, bytes, true));
            return;
        }
        wire.add(new InFlight(nowNanos + latencyNanos, order++, to, from, bytes, false));
    }

    /** A peer that speaks raw datagrams: what the test sends, and what it got. */
    final class RawHost {
        final InetSocketAddress addr;
        final java.util.ArrayDeque<byte[]> inbox = new java.util.ArrayDeque<>();

        RawHost(InetSocketAddress addr) {
            this.addr = addr;
        }

        void send(java.nio.ByteBuffer datagram, InetSocketAddress to) {
            byte[] b = new byte[datagram.remaining()];
            datagram.get(b);
            VirtualStreamNet.this.send(addr, b, to);
        }
    }

    @Override
    public void close() {
        for (Host h : all) {
            if (!h.terminated) {
                h.terminated = true;
                h.driver.shutdown("simulation over");
            }
        }
        arena.close();
    }

    /** One simulated machine: an endpoint whose port is stepped by the network. */
    final class Host implements StreamPort {
        final InetSocketAddress addr;
        final EndpointDriver driver;
        final UtpEndpoint endpoint;
        boolean terminated;
        /** Gone without a word: sends nothing, receives nothing, runs no timers. */
        boolean vanished;
        /**
         * Its socket closed: like {@link #vanished}, but its machine answers every datagram with ICMP port
         * unreachable, which the sender's driver gets as the Linux transport hands it over.
         */
        boolean portClosed;
        /** When the first datagram reached it after its port closed (virtual ns); -1 before. */
        long firstDatagramWhileClosedNanos = -1;
        /** Instants at which this host had work: a datagram arrived or its deadline came. */
        long wakeups;
        /** Passes of this host's driver (each ends with {@link EndpointDriver#onTimeouts()}), datagrams it took. */
        long passes;
        long datagramsIn;
        private long lastWakeNanos = -1;

        Host(InetSocketAddress addr, UtpOptions options) {
            this.addr = addr;
            this.driver = new EndpointDriver(options, 0, batch -> OutgoingBatches.drain(batch, (b, to) -> {
                if (!vanished && !portClosed) {
                    send(addr, b, to);
                }
            }),
                    random.split(), nowNanos);
            this.endpoint = new UtpEndpoint(this, driver, "sim", false);
        }

        boolean live() {
            return !terminated && !vanished && !portClosed;
        }

        /** Counts a wake-up: the first thing this host does at a new instant. */
        private void woke() {
            if (lastWakeNanos != nowNanos) {
                lastWakeNanos = nowNanos;
                wakeups++;
            }
        }

        private void pass() {
            passes++;
            if (driver.pollTimeout() <= nowNanos) {
                woke();
            }
            driver.setTime(nowNanos);
            driver.runCommands();
            driver.onTimeouts();
            if (driver.closeFinished()) {
                terminated = true;
                driver.shutdown("endpoint closed");
            }
        }

        @Override
        public UtpOptions options() {
            return driver.options();
        }

        @Override
        public InetSocketAddress localAddress() {
            return addr;
        }

        @Override
        public void submit(Runnable work) throws java.io.IOException {
            if (terminated) {
                throw new java.io.IOException("endpoint closed");
            }
            if (!driver.enqueue(work)) {
                throw new AssertionError("command queue full in the simulation");
            }
        }

        @Override
        public boolean isTerminated() {
            return terminated;
        }

        /** Never blocks: the close protocol runs as the test steps time. */
        @Override
        public void closeEndpoint(boolean wait) {
            driver.requestClose();
        }

        @Override
        public String toString() {
            return addr.toString();
        }
    }
}
