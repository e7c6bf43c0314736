package dev.jutp.interop;

import dev.jutp.sim.Impairment;
import dev.jutp.sim.LinkConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A seeded impairing UDP relay on loopback, for interop tests against real peers: clients send to
 * {@link #address()}, the relay forwards to one server and the server's answers back to the
 * (first) client. Each direction is impaired by a simulator {@link Impairment} built from a
 * {@link LinkConfig} (latency, jitter, Bernoulli and Gilbert-Elliott loss, corruption,
 * duplication, reordering, rate limit with a tail-drop buffer), so a profile means the same here
 * as in the simulator. The simulator's MTU setting is not applied (a relay cannot see the DF
 * bit); instead {@link #pathMtu(int)} caps the UDP payload a datagram may have in either
 * direction, and a larger one is dropped silently and counted as {@code toobig}: a path-MTU black
 * hole, a router dropping DF packets whose ICMP is filtered. On Linux that is every large UDP
 * datagram, not only probes: sockets default to path-MTU discovery, which sets DF on all of them.
 *
 * <p>Threads: one receiver per socket (it owns its direction's impairment state), one scheduler
 * that sends datagrams when their delivery time comes (a {@link DelayQueue}). Datagrams waiting
 * for delivery are bounded in number; beyond that they are dropped and counted as overflow.
 * Unlike the simulator, arrival times come from the wall clock, so a seed fixes the random
 * draws, not the outcome.
 */
public final class ImpairingRelay implements AutoCloseable {
    static final int MAX_PENDING = 20_000;
    static final int MAX_DATAGRAM = 65_535;
    static final int SOCKET_BUFFER = 4 << 20;

    /** Counters of one direction. */
    public static final class Counters {
        final AtomicLong offered = new AtomicLong(), delivered = new AtomicLong(), lost = new AtomicLong(),
                tailDropped = new AtomicLong(), duplicated = new AtomicLong(), corrupted = new AtomicLong(),
                overflow = new AtomicLong(), foreign = new AtomicLong(), sendFailed = new AtomicLong(),
                tooBig = new AtomicLong();

        public long offered() { return offered.get(); }
        public long delivered() { return delivered.get(); }
        public long lost() { return lost.get(); }
        public long tailDropped() { return tailDropped.get(); }
        public long duplicated() { return duplicated.get(); }
        public long corrupted() { return corrupted.get(); }
        public long overflow() { return overflow.get(); }
        /** Dropped for exceeding the path MTU (counted in {@link #offered()}, no other counter). */
        public long tooBig() { return tooBig.get(); }

        @Override
        public String toString() {
            return "offered=%d delivered=%d lost=%d taildrop=%d dup=%d corrupt=%d overflow=%d toobig=%d foreign=%d sendfail=%d".formatted(
                    offered(), delivered(), lost(), tailDropped(), duplicated(), corrupted(), overflow(), tooBig(),
                    foreign.get(), sendFailed.get());
        }
    }

    private record Delivery(long dueNanos, long order, byte[] bytes, boolean toServer) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Delivery d = (Delivery) o;
            int c = Long.compare(dueNanos, d.dueNanos);
            return c != 0 ? c : Long.compare(order, d.order);
        }
    }

    private final DatagramChannel front;        // faces the client
    private final DatagramChannel back;         // faces the server
    private final InetSocketAddress server;
    private final Impairment toServer;
    private final Impairment toClient;
    private final Counters forward = new Counters();
    private final Counters backward = new Counters();
    private final DelayQueue<Delivery> pending = new DelayQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong order = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private final Thread[] threads;
    private volatile SocketAddress client;
    private volatile int pathMtu = MAX_DATAGRAM;
    /** Positions (0 = each direction's first datagram) dropped before any other impairment. */
    private volatile java.util.Set<Long> dropToServer = java.util.Set.of();
    private volatile java.util.Set<Long> dropToClient = java.util.Set.of();
    private volatile boolean closed;

    private ImpairingRelay(InetSocketAddress server, LinkConfig toServer, LinkConfig toClient, long seed) throws IOException {
        this.server = server;
        SplittableRandom random = new SplittableRandom(seed);
        this.toServer = new Impairment(toServer, random.split());
        this.toClient = new Impairment(toClient, random.split());
        InetAddress loopback = server.getAddress();
        if (!loopback.isLoopbackAddress()) {
            throw new IllegalArgumentException("the relay only serves loopback, not " + server);
        }
        front = open(loopback);
        back = open(loopback);
        threads = new Thread[] {
            Thread.ofPlatform().daemon().name("relay-to-server").unstarted(() -> receive(front, true)),
            Thread.ofPlatform().daemon().name("relay-to-client").unstarted(() -> receive(back, false)),
            Thread.ofPlatform().daemon().name("relay-scheduler").unstarted(this::deliver),
        };
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Starts a relay in front of {@code server}: what clients send is impaired by {@code toServer}, answers by {@code toClient}. */
    public static ImpairingRelay start(InetSocketAddress server, LinkConfig toServer, LinkConfig toClient, long seed) throws IOException {
        return new ImpairingRelay(server, toServer, toClient, seed);
    }

    private static DatagramChannel open(InetAddress loopback) throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
        c.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
        c.bind(new InetSocketAddress(loopback, 0));
        return c;
    }

    /**
     * From now on, datagrams with more than {@code payloadBytes} of UDP payload vanish in both
     * directions, before any other impairment, and no ICMP tells the sender.
     */
    public ImpairingRelay pathMtu(int payloadBytes) {
        if (payloadBytes < 1 || payloadBytes > MAX_DATAGRAM) {
            throw new IllegalArgumentException("path MTU must be 1.." + MAX_DATAGRAM + " bytes: " + payloadBytes);
        }
        pathMtu = payloadBytes;
        return this;
    }

    /**
     * Drops datagrams by position, not by chance: the n-th datagram offered in a direction (from 0,
     * counting retransmissions) vanishes before any other impairment and takes no random draw.
     * Counted as lost. Set before the first datagram passes.
     */
    public ImpairingRelay dropPositions(java.util.Set<Long> toServer, java.util.Set<Long> toClient) {
        dropToServer = java.util.Set.copyOf(toServer);
        dropToClient = java.util.Set.copyOf(toClient);
        return this;
    }

    public int pathMtu() {
        return pathMtu;
    }

    /** Where clients send. */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    public Counters toServerCounters() {
        return forward;
    }

    public Counters toClientCounters() {
        return backward;
    }

    private long nowMicros() {
        return (System.nanoTime() - startNanos) / 1000;
    }

    private void receive(DatagramChannel channel, boolean fromClient) {
        Impairment imp = fromClient ? toServer : toClient;
        Counters c = fromClient ? forward : backward;
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        try {
            while (!closed) {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                if (fromClient) {
                    if (client == null) {
                        client = from;                  // the first sender is the client
                    } else if (!client.equals(from)) {
                        c.foreign.incrementAndGet();
                        continue;
                    }
                } else if (!server.equals(from)) {
                    c.foreign.incrementAndGet();
                    continue;
                }
                buf.flip();
                byte[] bytes = new byte[buf.remaining()];
                buf.get(bytes);
                impair(imp, c, bytes, fromClient);
            }
        } catch (ClosedChannelException e) {
            // closed by close(): done
        } catch (IOException e) {
            if (!closed) {
                throw new IllegalStateException("relay receive failed", e);
            }
        }
    }

    /**
     * The simulator's order of decisions (see dev.jutp.sim.Link): bottleneck, wire loss,
     * corruption, delivery, duplicate; the path MTU before all of them, as a router ahead of the
     * bottleneck (an oversized datagram takes no random draw, so it does not shift the seed's).
     */
    private void impair(Impairment imp, Counters c, byte[] bytes, boolean toServer) {
        long position = c.offered.getAndIncrement();
        if ((toServer ? dropToServer : dropToClient).contains(position)) {
            c.lost.incrementAndGet();
            return;
        }
        if (bytes.length > pathMtu) {
            c.tooBig.incrementAndGet();
            return;
        }
        long departure = imp.admit(nowMicros(), bytes.length);
        if (departure == Impairment.TAIL_DROP) {
            c.tailDropped.incrementAndGet();
            return;
        }
        if (imp.lost()) {
            c.lost.incrementAndGet();
            return;
        }
        if (imp.corrupted()) {
            c.corrupted.incrementAndGet();
            if (!imp.corruptionPassesChecksum()) {
                return;                                 // a bit error never passes the UDP checksum
            }
            imp.flipBit(bytes, bytes.length);
        }
        schedule(departure + imp.wireDelayMicros(), bytes, toServer, c);
        if (imp.duplicated()) {
            c.duplicated.incrementAndGet();
            schedule(departure + imp.wireDelayMicros(), bytes, toServer, c);
        }
    }

    private void schedule(long atMicros, byte[] bytes, boolean toServer, Counters c) {
        if (pendingCount.incrementAndGet() > MAX_PENDING) {
            pendingCount.decrementAndGet();
            c.overflow.incrementAndGet();
            return;
        }
        pending.add(new Delivery(startNanos + atMicros * 1000, order.getAndIncrement(), bytes, toServer));
    }

    private void deliver() {
        while (!closed) {
            Delivery d;
            try {
                d = pending.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;                                 // close()
            }
            if (d == null) {
                continue;
            }
            pendingCount.decrementAndGet();
            Counters c = d.toServer ? forward : backward;
            try {
                (d.toServer ? back : front).send(ByteBuffer.wrap(d.bytes), d.toServer ? server : client);
                c.delivered.incrementAndGet();
            } catch (IOException e) {
                c.sendFailed.incrementAndGet();         // e.g. closed under us; counted, not fatal
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        front.close();
        back.close();
        for (Thread t : threads) {
            t.interrupt();
            t.join(5_000);
        }
        pending.clear();
    }

    @Override
    public String toString() {
        return "relay to " + server + (pathMtu < MAX_DATAGRAM ? " path MTU " + pathMtu : "") + ": to-server[" + toServer.config() + "] " + forward
                + "; to-client[" + toClient.config() + "] " + backward;
    }
}
