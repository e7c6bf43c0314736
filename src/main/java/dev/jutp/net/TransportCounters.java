package dev.jutp.net;

/**
 * Plain counters of what the data path dropped or degraded, so status codes can stay small.
 * Written by the owner thread only; read them from that thread (or accept stale values).
 */
public final class TransportCounters {
    long receiveErrors;
    long receiveTruncated;
    long sendErrors;
    long sendDropped;
    long sendWouldBlock;
    long gsoSends;
    long gsoFallbacks;
    long groBuffers;
    long icmpErrors;
    int lastErrno;

    /** Receive calls that failed with something other than "no data". */
    public long receiveErrors() { return receiveErrors; }

    /** Datagrams larger than a batch slot, dropped because only a prefix fit. */
    public long receiveTruncated() { return receiveTruncated; }

    /** Send syscalls that failed with something other than a full buffer. */
    public long sendErrors() { return sendErrors; }

    /** Outgoing datagrams dropped because the kernel refused them (e.g. EMSGSIZE). */
    public long sendDropped() { return sendDropped; }

    /** Send calls that stopped early because the socket buffer was full. */
    public long sendWouldBlock() { return sendWouldBlock; }

    /** Datagrams that left through a UDP GSO message. */
    public long gsoSends() { return gsoSends; }

    /** Times a GSO message was refused and resent as plain datagrams. */
    public long gsoFallbacks() { return gsoFallbacks; }

    /** Receive buffers that held a run of datagrams coalesced by UDP GRO. */
    public long groBuffers() { return groBuffers; }

    /** ICMP errors delivered to an {@link IcmpErrorHandler}. */
    public long icmpErrors() { return icmpErrors; }

    /** errno of the most recent failure on the Linux transport, 0 if none. */
    public int lastErrno() { return lastErrno; }
}
