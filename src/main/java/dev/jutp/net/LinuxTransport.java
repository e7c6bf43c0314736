package dev.jutp.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;

/**
 * Linux fast path through FFM downcalls into libc: {@code recvmmsg}/{@code sendmmsg} batches, UDP GSO
 * for runs of equal-size datagrams, UDP GRO on receive, ICMP errors from the IP_RECVERR error queue, and {@code ppoll}
 * plus an eventfd for waiting. Capabilities are probed when the socket opens and downgraded on the
 * first refusal. All native memory lives in one arena, released by {@link #close()}.
 */
public final class LinuxTransport implements Transport {
    private final Arena arena;
    private final LinuxSocket socket;
    private final LinuxWaiter waiter;
    private final MmsgReceiver receiver;
    private final MmsgSender sender;
    private final ErrorQueueReader errors;
    private final InetSocketAddress localAddress;
    private final int receiveBufferBytes;
    private final int sendBufferBytes;
    private final TransportCounters counters = new TransportCounters();
    private boolean closed;
    private boolean groWanted;

    /** The socket's IPv4 IP_MTU_DISCOVER mode now (diagnostics: which datagrams carry DF). */
    int ipv4PathMtuDiscoveryMode() {
        return socket.getInt(LibC.SOL_IP, LibC.IP_MTU_DISCOVER);
    }

    private LinuxTransport(Arena arena, LinuxSocket socket, InetSocketAddress bind, TransportOptions options)
            throws IOException {
        this.arena = arena;
        this.socket = socket;
        NativeAddressCache addresses = new NativeAddressCache(socket.ipv6, 1024);
        if (options.receiveBufferBytes() > 0) {
            socket.setInt(LibC.SOL_SOCKET, LibC.SO_RCVBUF, options.receiveBufferBytes());
        }
        if (options.sendBufferBytes() > 0) {
            socket.setInt(LibC.SOL_SOCKET, LibC.SO_SNDBUF, options.sendBufferBytes());
        }
        this.receiveBufferBytes = socket.getInt(LibC.SOL_SOCKET, LibC.SO_RCVBUF);
        this.sendBufferBytes = socket.getInt(LibC.SOL_SOCKET, LibC.SO_SNDBUF);
        boolean recvErr = options.icmpErrors() && enableRecvErr(socket);
        // Explicit modes so the sender knows the starting don't-fragment state (off).
        if (socket.ipv6) {
            socket.setInt(LibC.SOL_IPV6, LibC.IPV6_MTU_DISCOVER, MmsgSender.v6Mode(false));
        }
        socket.setInt(LibC.SOL_IP, LibC.IP_MTU_DISCOVER, MmsgSender.v4Mode(false));
        // getsockopt(UDP_SEGMENT) fails with ENOPROTOOPT on kernels without UDP GSO (before 4.18).
        boolean gso = options.gso() && socket.getInt(LibC.SOL_UDP, LibC.UDP_SEGMENT) >= 0;
        socket.bind(bind, addresses, arena);
        this.localAddress = socket.localAddress(addresses, arena);
        this.waiter = new LinuxWaiter(socket.fd, arena);
        this.receiver = new MmsgReceiver(socket, addresses, counters, options.maxDatagramsPerSyscall(), arena);
        this.groWanted = options.gro();
        this.sender = new MmsgSender(socket, addresses, counters, options.maxDatagramsPerSyscall(), gso, arena);
        this.errors = recvErr ? new ErrorQueueReader(socket, addresses, counters, arena) : null;
    }

    /** Opens a non-blocking socket bound to {@code bind} (port 0 picks a free port). */
    public static LinuxTransport open(InetSocketAddress bind, TransportOptions options) throws IOException {
        Arena arena = Arena.ofShared();
        LinuxSocket socket = null;
        try {
            socket = LinuxSocket.open(bind, arena);
            return new LinuxTransport(arena, socket, bind, options);
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                socket.close();
            }
            arena.close();
            throw e;
        }
    }

    /** UDP_GRO (Linux 5.0): the kernel may hand over a GSO sender's run of datagrams as one buffer. */
    private void setGro(boolean on) {
        if (socket.setInt(LibC.SOL_UDP, LibC.UDP_GRO, on ? 1 : 0) == 0) {
            receiver.setGro(on);
        } else {
            groWanted = false;          // the kernel does not know UDP_GRO: stay without it
        }
    }

    private static boolean enableRecvErr(LinuxSocket socket) {
        if (!socket.ipv6) {
            return socket.setInt(LibC.SOL_IP, LibC.IP_RECVERR, 1) == 0;
        }
        // A dual-stack socket reports v4-mapped peers through the IPv4 option.
        socket.setInt(LibC.SOL_IP, LibC.IP_RECVERR, 1);
        return socket.setInt(LibC.SOL_IPV6, LibC.IPV6_RECVERR, 1) == 0;
    }

    @Override
    public int receive(DatagramBatch batch) {
        ensureOpen();
        if (!batch.segment().scope().isAlive()) {
            throw new IllegalStateException("the batch's arena is closed");
        }
        // A GRO buffer can be as large as any datagram: only batches with full-size slots take them.
        boolean groFits = batch.slotBytes() >= DatagramBatch.MAX_DATAGRAM_BYTES;
        if (groWanted && receiver.gro() != groFits) {
            setGro(groFits);
        }
        return receiver.receive(batch);
    }

    /**
     * Over an anonymous mapping: a batch of 64 full-size slots is 4 MiB, which {@code Arena.allocate}
     * zeroes (touches) entirely before the first receive, while a run of small datagrams only ever
     * touches the first page of each slot.
     */
    @Override
    public DatagramBatch newReceiveBatch(Arena arena, int capacity, int slotBytes) throws IOException {
        return new DatagramBatch(LazyMemory.allocate(arena, DatagramBatch.slabBytes(capacity, slotBytes)),
                capacity, slotBytes);
    }

    @Override
    public int send(OutgoingBatch batch) {
        ensureOpen();
        return sender.send(batch);
    }

    @Override
    public int awaitReadable(long timeoutNanos) {
        ensureOpen();
        return waiter.await(timeoutNanos);
    }

    @Override
    public void wakeup() {
        waiter.wakeup();
    }

    @Override
    public int drainErrors(IcmpErrorHandler handler) {
        ensureOpen();
        return errors == null ? 0 : errors.drain(handler);
    }

    @Override
    public InetSocketAddress localAddress() {
        ensureOpen();
        return localAddress;
    }

    @Override
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    @Override
    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public boolean reportsIcmpErrors() {
        return errors != null;
    }

    /** True while the socket receives with UDP GRO (set at the first receive into full-size slots). */
    public boolean usesGro() {
        return receiver.gro();
    }

    @Override
    public boolean usesGso() {
        return sender.gso();
    }

    @Override
    public TransportCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        waiter.close();
        socket.close();
        arena.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new TransportClosedException(name());
        }
    }
}
