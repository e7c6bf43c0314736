package dev.jutp.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;

/**
 * Batch UDP I/O over one bound socket. Data-path calls return counts and never throw for network
 * conditions (a full buffer, an ICMP-induced error, a refused datagram); they throw only for misuse,
 * such as use after {@link #close()} ({@link TransportClosedException}).
 *
 * <p>One owner thread calls every method except {@link #wakeup()}, which is safe from any thread.
 */
public interface Transport extends AutoCloseable {
    /** libutp's {@code UTP_UDP_DONTFRAG}: send this datagram with the don't-fragment bit / IPV6_DONTFRAG. */
    int FLAG_DONTFRAG = 2;

    /** {@link #awaitReadable} bit: datagrams (or queued errors) are ready. */
    int READABLE = 1;
    /** {@link #awaitReadable} bit: {@link #wakeup()} was called. */
    int WOKEN = 2;

    /**
     * A receive batch for this transport, owned by {@code arena}: {@code new DatagramBatch(arena,
     * capacity, slotBytes)} unless the transport has cheaper memory for it (the Linux transport's
     * pages are backed at first use, not zeroed up front).
     *
     * @throws IOException if the transport cannot get the memory
     */
    default DatagramBatch newReceiveBatch(Arena arena, int capacity, int slotBytes) throws IOException {
        return new DatagramBatch(arena, capacity, slotBytes);
    }

    /**
     * Clears {@code batch} and fills it with as many ready datagrams as fit, without blocking.
     *
     * @return datagrams received (0 when none are ready)
     */
    int receive(DatagramBatch batch);

    /**
     * Sends queued datagrams from the head of {@code batch} until it is empty or the socket buffer is
     * full. Datagrams the kernel refuses outright are dropped and counted in {@link #counters()}.
     *
     * @return datagrams sent by this call; those still queued were blocked by a full buffer
     */
    int send(OutgoingBatch batch);

    /**
     * Blocks until the socket is readable, {@code timeoutNanos} passes, or {@link #wakeup()} is called.
     * A wakeup that arrives while nobody waits makes the next call return at once.
     *
     * @param timeoutNanos 0 or less polls without blocking
     * @return a mask of {@link #READABLE} and {@link #WOKEN}; 0 on timeout
     */
    int awaitReadable(long timeoutNanos);

    /** Interrupts a current or the next {@link #awaitReadable}. Any thread; a no-op after close. */
    void wakeup();

    /**
     * Hands queued ICMP errors to {@code handler}, without blocking.
     *
     * @return errors delivered; always 0 when {@link #reportsIcmpErrors()} is false
     */
    int drainErrors(IcmpErrorHandler handler);

    /** The bound address, with the port the kernel chose for port 0. */
    InetSocketAddress localAddress();

    /** SO_RCVBUF as the kernel granted it (Linux reports twice the requested value). */
    int receiveBufferBytes();

    /** SO_SNDBUF as the kernel granted it. */
    int sendBufferBytes();

    /** "nio" or "linux". */
    String name();

    /** True when ICMP errors are read from the error queue. */
    boolean reportsIcmpErrors();

    /** True while runs of equal-size datagrams go out as one UDP GSO message (false after a downgrade). */
    boolean usesGso();

    TransportCounters counters();

    /** Releases the socket and native memory. Idempotent; call from the owner thread. */
    @Override
    void close();
}
