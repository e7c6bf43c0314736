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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * {@code utpcat demo}: a listener and a sender in one process on loopback. The sender writes
 * {@code --size} bytes of generated data and half-closes; the receiver reads to EOF and closes.
 * Both sides hash what they saw with SHA-256; the run succeeds when the digests and byte counts
 * agree. Prints throughput and both sides' connection statistics.
 */
final class Demo {
    private static final int WINDOW = 1 << 20;

    private final CatOptions o;
    private final PrintStream err;
    private final boolean errTerminal;

    Demo(CatOptions options, PrintStream err, boolean errTerminal) {
        this.o = options;
        this.err = err;
        this.errTerminal = errTerminal;
    }

    /** What one side saw. */
    private record Side(long bytes, byte[] sha256, UtpStreamStats stats) {}

    int run() {
        long size = o.demoSize();
        UtpOptions uo = Session.utpOptions(o);
        InetAddress loopback = InetAddress.ofLiteral(o.ipv6() ? "::1" : "127.0.0.1");
        PrintStream out = System.out;
        try (UtpEndpoint serverEnd = UtpEndpoint.bind(new InetSocketAddress(loopback, 0), uo);
                UtpEndpoint clientEnd = UtpEndpoint.bind(new InetSocketAddress(loopback, 0), uo)) {
            UtpListener listener = serverEnd.listen();
            out.printf(Locale.ROOT, "utpcat demo: %s over uTP on %s -> %s (transport %s)%n", Sizes.bytes(size),
                    Addresses.format(clientEnd.localAddress()), Addresses.format(serverEnd.localAddress()),
                    clientEnd.transportName());
            out.flush();
            boolean showProgress = o.progress() != null ? o.progress() : errTerminal;
            Progress progress = new Progress(size, err, errTerminal);

            FutureTask<Side> receiver = new FutureTask<>(() -> {
                try (UtpStream s = listener.accept(uo.connectTimeout())) {
                    listener.close();
                    debug("receiver accepted " + Addresses.format(s.remoteAddress()));
                    Side side = receive(s, progress);
                    debug("receiver: sender's FIN after " + side.bytes() + " bytes; FIN sent back");
                    return side;
                }
            });
            Thread.ofPlatform().daemon().name("demo-receiver").start(receiver);

            long start = System.nanoTime();
            if (showProgress) {
                progress.start();
            }
            Side sent;
            try (UtpStream s = clientEnd.connect(serverEnd.localAddress())) {
                debug("sender connected " + Addresses.format(s.localAddress()) + " -> "
                        + Addresses.format(s.remoteAddress()));
                sent = send(s, size, progress);
                debug("sender: " + sent.bytes() + " bytes and FIN sent; receiver's FIN received");
            }
            Side received = await(receiver);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (showProgress) {
                progress.stop();
            }

            boolean ok = sent.bytes() == size && received.bytes() == size
                    && MessageDigest.isEqual(sent.sha256(), received.sha256());
            double rate = size / Math.max(seconds, 1e-9);
            out.printf(Locale.ROOT, "transferred %s (%d bytes) in %.3f s: %s (%s)%n", Sizes.bytes(received.bytes()),
                    received.bytes(), seconds, Sizes.rate(rate), Sizes.megabits(rate));
            out.printf(Locale.ROOT, "sha-256 sent     %s%n", HexFormat.of().formatHex(sent.sha256()));
            out.printf(Locale.ROOT, "sha-256 received %s  %s%n", HexFormat.of().formatHex(received.sha256()),
                    ok ? "OK" : "MISMATCH");
            out.flush();
            printStats(out, "sender", sent.stats(), seconds);
            printStats(out, "receiver", received.stats(), seconds);
            if (!ok) {
                err.println("utpcat demo: verification failed: sent " + sent.bytes() + " bytes, received "
                        + received.bytes());
                return UtpCat.EXIT_FAILURE;
            }
            return UtpCat.EXIT_OK;
        } catch (IOException | RuntimeException e) {
            err.println("utpcat demo: " + Session.describe(e));
            return UtpCat.EXIT_FAILURE;
        } catch (ExecutionException e) {
            err.println("utpcat demo: receiver: " + Session.describe(e.getCause()));
            return UtpCat.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("utpcat demo: interrupted");
            return UtpCat.EXIT_FAILURE;
        }
    }

    /** -d: a line on stderr at each step, so a stuck demo shows where it stopped. */
    private void debug(String message) {
        if (o.debug() > 0) {
            err.println("utpcat demo: " + message);
        }
    }

    private static void printStats(PrintStream out, String label, UtpStreamStats s, double seconds) {
        if (s != null) {
            Session.printStats(out, label, s, seconds);
        }
    }

    private static Side await(Future<Side> f) throws ExecutionException, InterruptedException {
        return f.get();
    }

    /** Writes {@code size} bytes of pseudo-random data, half-closes, and waits for the receiver's FIN. */
    private static Side send(UtpStream s, long size, Progress progress) throws IOException {
        MessageDigest sha = sha256();
        byte[] pool = new byte[WINDOW + Session.CHUNK];
        new SplittableRandom(0x75747063L).nextBytes(pool);
        OutputStream out = s.getOutputStream();
        long left = size;
        long chunkIndex = 0;
        while (left > 0) {
            int n = (int) Math.min(Session.CHUNK, left);
            // Slide a window over the pool so consecutive chunks differ.
            int offset = (int) ((chunkIndex++ * 7919L) % WINDOW);
            sha.update(pool, offset, n);
            out.write(pool, offset, n);
            progress.addSent(n);
            left -= n;
        }
        out.flush();
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        byte[] rest = new byte[256];
        long extra = 0;
        for (int n; (n = in.read(rest)) >= 0; ) {
            extra += n;
        }
        if (extra != 0) {
            throw new IOException("receiver sent " + extra + " unexpected bytes");
        }
        UtpStreamStats stats = s.stats();
        return new Side(size, sha.digest(), stats);
    }

    /** Reads to EOF, hashing, then closes (the sender's read ends). */
    private static Side receive(UtpStream s, Progress progress) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[Session.CHUNK];
        InputStream in = s.getInputStream();
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            sha.update(buf, 0, n);
            total += n;
            progress.addReceived(n);
        }
        s.shutdownOutput();
        UtpStreamStats stats = s.stats();
        return new Side(total, sha.digest(), stats);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
