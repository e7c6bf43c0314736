package dev.jutp.cli;

import dev.jutp.UtpEndpoint;
import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;
import dev.jutp.UtpStreamStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One utpcat run in connect or listen mode: open the connection, copy stdin to it and it to
 * stdout on two threads, and finish when both directions are done.
 *
 * <p>Upload: read stdin until EOF, writing each chunk to the stream, then {@code shutdownOutput()}
 * (our FIN). Download: read the stream until the peer's FIN, writing each chunk to stdout. The
 * main thread sleeps on a latch (no spinning) until both finish or one fails, then closes the
 * endpoint, which waits for the FIN to be acknowledged.
 */
final class Session {
    static final int CHUNK = 64 * 1024;
    /**
     * The stream's send and receive buffers: 8 MiB where the library's default is 1 MiB. One
     * connection, so memory is no concern, and on a machine whose cores are taken by other work each
     * of the four threads between stdin and stdout (copier, I/O thread, I/O thread, copier) waits
     * milliseconds for a core: the buffers between them must hold that long at hundreds of MB/s, or
     * every wait stalls the whole chain (bench/README.md, "utpcat: where the time goes").
     */
    static final int STREAM_BUFFER_BYTES = 8 << 20;
    private static final long WATCH_MILLIS = 200;
    /** How long a signalled utpcat waits for its RST to leave before exiting anyway. */
    private static final long SIGNAL_CLOSE_MILLIS = 1000;

    private final CatOptions o;
    private final InputStream stdin;
    private final long stdinSize;
    private final OutputStream stdout;
    private final PrintStream err;
    private final boolean errTerminal;

    private final CountDownLatch finished = new CountDownLatch(2);
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final AtomicLong lastActivityNanos = new AtomicLong(System.nanoTime());
    private Progress progress;

    /** The first thing that went wrong, already worded for the user. */
    private record Failure(String message) {}

    Session(CatOptions options, InputStream stdin, long stdinSize, OutputStream stdout, PrintStream err,
            boolean errTerminal) {
        this.o = options;
        this.stdin = stdin;
        this.stdinSize = stdinSize;
        this.stdout = stdout;
        this.err = err;
        this.errTerminal = errTerminal;
    }

    int run() {
        UtpOptions uo = utpOptions(o);
        InetSocketAddress local;
        InetSocketAddress remote = null;
        try {
            if (o.listen()) {
                InetAddress bindTo = o.source() != null
                        ? Addresses.resolve(o.source(), o.numeric(), o.ipv6())
                        : Addresses.wildcard(null, o.ipv6());
                local = new InetSocketAddress(bindTo, o.localPort());
            } else {
                InetAddress dst = Addresses.resolve(o.host(), o.numeric(), o.ipv6());
                remote = new InetSocketAddress(dst, o.port());
                InetAddress bindTo = o.source() != null
                        ? Addresses.resolve(o.source(), o.numeric(), dst instanceof java.net.Inet6Address)
                        : Addresses.wildcard(dst, o.ipv6());
                local = new InetSocketAddress(bindTo, Math.max(o.localPort(), 0));
            }
        } catch (UnknownHostException e) {
            err.println("utpcat: unknown host: " + e.getMessage());
            return UtpCat.EXIT_FAILURE;
        }

        UtpEndpoint endpoint;
        try {
            endpoint = UtpEndpoint.bind(local, uo);
        } catch (IOException | RuntimeException e) {
            err.println("utpcat: cannot bind " + Addresses.format(local) + ": " + describe(e));
            return UtpCat.EXIT_FAILURE;
        }
        UtpStream stream;
        try {
            if (debugging(1)) {
                debug("bound " + Addresses.format(endpoint.localAddress()) + " (transport " + endpoint.transportName()
                        + ")");
            }
            try {
                stream = o.listen() ? accept(endpoint) : connect(endpoint, remote);
            } catch (IOException e) {
                err.println("utpcat: " + (o.listen() ? "accept" : "connect to " + Addresses.format(remote)) + ": "
                        + describe(e));
                return UtpCat.EXIT_FAILURE;
            }
            if (debugging(1)) {
                debug("connected " + Addresses.format(stream.localAddress()) + " <-> "
                        + Addresses.format(stream.remoteAddress()));
            }
            Thread resetOnSignal = resetOnSignal(stream, endpoint);
            transfer(stream);
            try {
                Runtime.getRuntime().removeShutdownHook(resetOnSignal);
            } catch (IllegalStateException shuttingDown) {
                // a signal arrived meanwhile: the hook resets the connection
            }
        } finally {
            // Sends our FIN if not yet sent and waits (bounded) until it is acknowledged.
            endpoint.close();
        }
        return finish(stream);
    }

    /**
     * SIGINT/SIGTERM (the JVM runs shutdown hooks for both) reset the connection before the process
     * ends, so the peer fails at once with "connection reset by peer" instead of waiting for a peer
     * that is gone (forever, if its idle timeout is off). Bounded, so a signal always ends utpcat.
     */
    private static Thread resetOnSignal(UtpStream stream, UtpEndpoint endpoint) {
        Thread hook = new Thread(() -> {
            stream.abort();
            Thread closer = Thread.ofPlatform().daemon().start(endpoint::close);   // sends the RST, stops
            try {
                closer.join(SIGNAL_CLOSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "utpcat-reset-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static UtpOptions utpOptions(CatOptions o) {
        UtpOptions uo = UtpOptions.defaults()
                .withReceiveBufferBytes(STREAM_BUFFER_BYTES)
                .withSendBufferBytes(STREAM_BUFFER_BYTES);
        if (o.transport() != null) {
            uo = uo.withTransport(o.transport());
        }
        if (o.timeout() != null) {
            uo = uo.withConnectTimeout(o.timeout());
        }
        if (o.congestion() != null) {
            uo = uo.withCongestionControl(o.congestion());
        }
        return uo;
    }

    private UtpStream connect(UtpEndpoint endpoint, InetSocketAddress remote) throws IOException {
        if (debugging(1)) {
            debug("connecting to " + Addresses.format(remote));
        }
        return o.timeout() != null ? endpoint.connect(remote, o.timeout()) : endpoint.connect(remote);
    }

    /** One connection per run, as ucat: stop listening once it is accepted. */
    private UtpStream accept(UtpEndpoint endpoint) throws IOException {
        UtpListener listener = endpoint.listen();
        if (debugging(1)) {
            debug("listening on " + Addresses.format(listener.localAddress()));
        }
        try {
            return o.timeout() != null ? listener.accept(o.timeout()) : listener.accept();
        } finally {
            listener.close();
        }
    }

    /** Copies both ways until both directions are finished or something fails. */
    private void transfer(UtpStream stream) {
        progress = new Progress(stdinSize, err, errTerminal);
        if (o.progress() != null ? o.progress() : errTerminal) {
            progress.start();
        }
        Progress progress = this.progress;
        Thread up = Thread.ofPlatform().daemon().name("utpcat-stdin").start(() -> upload(stream, progress));
        Thread down = Thread.ofPlatform().daemon().name("utpcat-stdout").start(() -> download(stream, progress));
        long lastPackets = -1;
        try {
            while (!finished.await(WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) {
                    break;
                }
                if (o.timeout() != null) {
                    long packets = packetsReceived(stream);
                    if (packets != lastPackets) {
                        lastPackets = packets;
                        touch();
                    }
                    long idle = System.nanoTime() - lastActivityNanos.get();
                    if (idle >= o.timeout().toNanos()) {
                        fail("timed out: no activity for " + seconds(o.timeout()));
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        if (failure.get() == null) {
            try {
                stream.close();
            } catch (IOException e) {
                fail("close: " + describe(e));
            }
        } else {
            closeQuietly(stream);
            up.interrupt();
            down.interrupt();
        }
    }

    /** After the endpoint closed: final progress line, statistics, the verdict. */
    private int finish(UtpStream stream) {
        if (progress != null) {
            progress.stop();
        }
        if (o.stats()) {
            try {
                printStats(err, "connection", stream.stats(), progress.elapsedSeconds());
            } catch (RuntimeException e) {
                if (debugging(1)) {
                    debug("no statistics: " + describe(e));
                }
            }
        }
        Failure f = failure.get();
        if (f != null) {
            err.println("utpcat: " + f.message());
            return UtpCat.EXIT_FAILURE;
        }
        if (debugging(1)) {
            debug("done: sent " + progress.sent() + " bytes, received " + progress.received() + " bytes");
        }
        return UtpCat.EXIT_OK;
    }

    private void upload(UtpStream stream, Progress progress) {
        try {
            // -B as in ucat: how much of stdin is read (and handed to the stream) at a time.
            ByteBuffer buf = ByteBuffer.allocateDirect(o.bufferBytes() > 0 ? o.bufferBytes() : CHUNK);
            ReadableByteChannel in = StdioChannels.readable(stdin);
            StdioChannels.enlargePipe(stdin);
            while (true) {
                int n;
                try {
                    buf.clear();
                    n = in.read(buf);
                } catch (IOException e) {
                    fail("read stdin: " + describe(e));
                    return;
                }
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    if (debugging(3)) {
                        debug("read " + n + " bytes from stdin");
                    }
                    touch();
                    stream.write(buf.flip());
                    progress.addSent(n);
                    touch();
                }
            }
            if (debugging(1)) {
                debug("stdin EOF: sending FIN");
            }
            stream.shutdownOutput();
            if (debugging(2)) {
                debug("FIN queued after " + progress.sent() + " bytes");
            }
        } catch (IOException e) {
            fail(describe(e));
        } catch (RuntimeException e) {
            fail("send: " + describe(e));
        } finally {
            finished.countDown();
        }
    }

    private void download(UtpStream stream, Progress progress) {
        try {
            ByteBuffer buf = ByteBuffer.allocateDirect(StdioChannels.STDOUT_CHUNK);
            WritableByteChannel out = StdioChannels.writable(stdout);
            StdioChannels.enlargePipe(stdout);
            while (true) {
                int n;
                try {
                    buf.clear();
                    n = stream.read(buf);
                } catch (SocketTimeoutException e) {
                    continue; // no read timeout is set; the idle watchdog decides
                }
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    touch();
                    try {
                        StdioChannels.writeFully(out, buf.flip());
                    } catch (IOException e) {
                        fail("write stdout: " + describe(e));
                        return;
                    }
                    progress.addReceived(n);
                }
            }
            if (debugging(1)) {
                debug("peer FIN: end of input after " + progress.received() + " bytes");
            }
        } catch (IOException e) {
            fail(describe(e));
        } catch (RuntimeException e) {
            fail("receive: " + describe(e));
        } finally {
            finished.countDown();
        }
    }

    private long packetsReceived(UtpStream stream) {
        try {
            return stream.stats().packetsReceived();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void touch() {
        lastActivityNanos.set(System.nanoTime());
    }

    private void fail(String message) {
        if (failure.compareAndSet(null, new Failure(message))) {
            // Wake the main thread at once.
            finished.countDown();
            finished.countDown();
        }
    }

    private void closeQuietly(UtpStream stream) {
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            if (debugging(1)) {
                debug("close: " + describe(e));
            }
        }
    }

    /**
     * Callers test this before building a debug message: a message built for nothing costs an
     * allocation per stdin chunk, and before the first SYN a string concatenation class the
     * class-data archive does not hold (it is recorded from the demo, which runs no Session).
     */
    private boolean debugging(int level) {
        return o.debug() >= level;
    }

    private void debug(String message) {
        err.println("utpcat: " + message);
    }

    static String seconds(Duration d) {
        double s = d.toNanos() / 1e9;
        return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
    }

    /** The exception's message, worded for one line. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        if (e instanceof ConnectException && !m.toLowerCase(java.util.Locale.ROOT).contains("refused")
                && !m.toLowerCase(java.util.Locale.ROOT).contains("time")) {
            m = "connection failed: " + m;
        }
        return m.replace('\n', ' ');
    }

    /** The statistics block of --stats and the demo. */
    static void printStats(PrintStream err, String label, UtpStreamStats s, double seconds) {
        err.printf(java.util.Locale.ROOT, "utpcat: %s statistics (%.2f s):%n", label, seconds);
        err.printf(java.util.Locale.ROOT, "  bytes        sent %d  received %d%n", s.bytesSent(), s.bytesReceived());
        err.printf(java.util.Locale.ROOT, "  packets      sent %d  received %d%n", s.packetsSent(), s.packetsReceived());
        err.printf(java.util.Locale.ROOT, "  retransmits  %d  fast retransmits %d  duplicates received %d%n",
                s.retransmits(), s.fastRetransmits(), s.duplicatesReceived());
        err.printf(java.util.Locale.ROOT, "  rtt %d ms  mtu %d  congestion window %d bytes%n", s.rttMillis(), s.mtu(),
                s.congestionWindow());
        err.flush();
    }
}
