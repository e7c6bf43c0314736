package dev.jutp.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;

/**
 * Portable transport on a non-blocking {@link DatagramChannel}, one syscall per datagram.
 *
 * <p>Allocation: receive reads straight into the batch's direct-buffer views. The JDK decodes the
 * sender into a new {@code InetSocketAddress} only when it differs from the previous datagram's
 * sender (it caches the last one), so a single busy peer costs nothing; interleaved peers cost one
 * JDK-allocated address per peer switch, which {@link CanonicalAddresses} then folds back to one
 * instance per peer. Sends copy each datagram into one staging buffer (a memcpy next to a syscall)
 * instead of creating a {@code ByteBuffer} view per slice.
 *
 * <p>DONTFRAG uses {@code jdk.net.ExtendedSocketOptions.IP_DONTFRAGMENT}, toggled only when the flag
 * changes between datagrams; where the option is unsupported the flag is ignored. No ICMP errors.
 */
public final class NioTransport implements Transport {
    private final DatagramChannel channel;
    private final Selector selector;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment staging;
    private final ByteBuffer stagingBuffer;
    private final InetSocketAddress localAddress;
    private final int receiveBufferBytes;
    private final int sendBufferBytes;
    private final boolean dontFragmentSupported;
    private final CanonicalAddresses sources = new CanonicalAddresses(1024);
    private final TransportCounters counters = new TransportCounters();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private InetSocketAddress lastRaw;
    private InetSocketAddress lastCanonical;
    private boolean dontFragment;
    private int readyMask;
    private final Consumer<SelectionKey> onSelected = key -> readyMask |= READABLE;
    private boolean closed;

    private NioTransport(DatagramChannel channel, Selector selector, int rcv, int snd, boolean df) {
        this.channel = channel;
        this.selector = selector;
        this.receiveBufferBytes = rcv;
        this.sendBufferBytes = snd;
        this.dontFragmentSupported = df;
        this.staging = arena.allocate(DatagramBatch.MAX_DATAGRAM_BYTES, 64);
        this.stagingBuffer = staging.asByteBuffer();
        try {
            this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a non-blocking socket bound to {@code bind} (port 0 picks a free port). */
    public static NioTransport open(InetSocketAddress bind, TransportOptions options) throws IOException {
        StandardProtocolFamily family = bind.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel channel = DatagramChannel.open(family);
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            if (options.receiveBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferBytes());
            }
            if (options.sendBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferBytes());
            }
            channel.bind(bind);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            boolean df = channel.supportedOptions().contains(ExtendedSocketOptions.IP_DONTFRAGMENT);
            if (df && family == StandardProtocolFamily.INET) {
                // DF only on MTU probes (Linux: IP_PMTUDISC_DONT, not the kernel's DF-everywhere
                // default), so a narrower router fragments other datagrams instead of dropping them.
                channel.setOption(ExtendedSocketOptions.IP_DONTFRAGMENT, false);
            }
            return new NioTransport(channel, selector,
                    channel.getOption(StandardSocketOptions.SO_RCVBUF),
                    channel.getOption(StandardSocketOptions.SO_SNDBUF), df);
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            channel.close();
            throw e;
        }
    }

    @Override
    public int receive(DatagramBatch batch) {
        ensureOpen();
        batch.clear();
        int capacity = batch.capacity();
        int limit = batch.slotBytes();
        // Bounded by the batch: each slot gets at most one receive attempt.
        for (int i = 0; i < capacity; i++) {
            ByteBuffer view = batch.view(i);
            view.clear();
            SocketAddress from;
            try {
                from = channel.receive(view);
            } catch (IOException e) {
                counters.receiveErrors++;
                break;
            }
            if (from == null) {
                break;
            }
            int length = view.position();
            batch.useSlots(1);
            // DatagramChannel truncates silently; a datagram that fills its slot may have been cut.
            if (length == limit && limit <= DatagramBatch.MAX_DATAGRAM_BYTES) {
                counters.receiveTruncated++;
                continue;
            }
            batch.commit(i, 0, length, canonical((InetSocketAddress) from));
        }
        return batch.count();
    }

    private InetSocketAddress canonical(InetSocketAddress raw) {
        if (raw != lastRaw) {
            lastRaw = raw;
            lastCanonical = sources.canonical(raw);
        }
        return lastCanonical;
    }

    @Override
    public int send(OutgoingBatch batch) {
        ensureOpen();
        int sent = 0;
        int dropped = 0;
        int end = batch.end();
        for (int i = batch.head(); i < end; i++) {
            int length = batch.length(i);
            MemorySegment.copy(batch.segment(i), batch.offset(i), staging, 0, length);
            stagingBuffer.clear().limit(length);
            setDontFragment((batch.flags(i) & FLAG_DONTFRAG) != 0);
            int n;
            try {
                n = channel.send(stagingBuffer, batch.destination(i));
            } catch (IOException | UnsupportedAddressTypeException e) {
                counters.sendErrors++;
                counters.sendDropped++;
                dropped++;
                continue;
            }
            if (n == 0) {
                counters.sendWouldBlock++;
                break;
            }
            sent++;
        }
        batch.advance(sent + dropped);
        return sent;
    }

    private void setDontFragment(boolean on) {
        if (on == dontFragment || !dontFragmentSupported) {
            return;
        }
        try {
            channel.setOption(ExtendedSocketOptions.IP_DONTFRAGMENT, on);
            dontFragment = on;
        } catch (IOException | UnsupportedOperationException e) {
            counters.sendErrors++;
        }
    }

    @Override
    public int awaitReadable(long timeoutNanos) {
        ensureOpen();
        readyMask = 0;
        try {
            if (timeoutNanos <= 0 || wakeupPending.get()) {
                selector.selectNow(onSelected);
            } else {
                // select(0) means "forever", so round up: a wait never ends early by rounding.
                long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
                selector.select(onSelected, millis);
            }
        } catch (IOException e) {
            counters.receiveErrors++;
        }
        if (wakeupPending.getAndSet(false)) {
            try {
                selector.selectNow(onSelected); // consumes a selector wakeup that arrived after the select
            } catch (IOException e) {
                counters.receiveErrors++;
            }
            readyMask |= WOKEN;
        }
        return readyMask;
    }

    @Override
    public void wakeup() {
        if (!wakeupPending.getAndSet(true)) {
            selector.wakeup();
        }
    }

    @Override
    public int drainErrors(IcmpErrorHandler handler) {
        ensureOpen();
        return 0;
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
        return "nio";
    }

    @Override
    public boolean reportsIcmpErrors() {
        return false;
    }

    @Override
    public boolean usesGso() {
        return false;
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
        try {
            selector.close();
        } catch (IOException ignored) {
            // Nothing to recover: the selector holds no data.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // The descriptor is released even when close reports an error.
        }
        arena.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new TransportClosedException(name());
        }
    }
}
