package dev.jutp.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Transfer counters and the optional progress line. The copy threads add to the counters; when
 * the line is enabled a daemon thread redraws it on stderr: on a terminal in place ({@code \r})
 * four times a second, elsewhere as one line per second. The ETA needs the size of what is
 * being sent (known when stdin is a regular file, or in the demo).
 */
final class Progress {
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final long total;
    private final PrintStream err;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private volatile boolean stopped;
    private Thread painter;
    private int lastWidth;

    /**
     * @param total    bytes to send when known, else -1
     * @param err      where the line goes
     * @param terminal whether {@code err} is a terminal (redraw in place)
     */
    Progress(long total, PrintStream err, boolean terminal) {
        this.total = total;
        this.err = err;
        this.terminal = terminal;
    }

    void addSent(long n) {
        sent.addAndGet(n);
    }

    void addReceived(long n) {
        received.addAndGet(n);
    }

    long sent() {
        return sent.get();
    }

    long received() {
        return received.get();
    }

    /** Seconds since this object was made. */
    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Starts redrawing the line until {@link #stop}. */
    synchronized void start() {
        if (painter != null) {
            return;
        }
        long periodMillis = terminal ? 250 : 1000;
        painter = Thread.ofPlatform().daemon().name("utpcat-progress").start(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
                if (!stopped) {
                    paint(false);
                }
            }
        });
    }

    /** Stops redrawing and, if the line was shown, prints it a last time and ends it. */
    void stop() {
        Thread t;
        synchronized (this) {
            t = painter;
            stopped = true;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            paint(true);
        }
    }

    /** The text of the line, e.g. "sent 12.0 MiB / 20.0 MiB (60%) 40.1 MiB/s ETA 0:01 | received 0 B". */
    String line() {
        double secs = Math.max(elapsedSeconds(), 1e-3);
        long s = sent.get();
        long r = received.get();
        StringBuilder b = new StringBuilder("sent ").append(Sizes.bytes(s));
        if (total >= 0) {
            b.append(" / ").append(Sizes.bytes(total));
            int pct = total == 0 ? 100 : (int) Math.min(100, s * 100 / total);
            b.append(String.format(Locale.ROOT, " (%d%%)", pct));
        }
        double sendRate = s / secs;
        b.append(' ').append(Sizes.rate(sendRate));
        if (total >= 0) {
            long left = Math.max(0, total - s);
            b.append(" ETA ");
            if (left == 0) {
                b.append(Sizes.clock(0));
            } else if (sendRate > 0) {
                b.append(Sizes.clock((long) Math.ceil(left / sendRate)));
            } else {
                b.append("--:--");
            }
        }
        b.append(" | received ").append(Sizes.bytes(r)).append(' ').append(Sizes.rate(r / secs));
        b.append(" | ").append(Sizes.clock((long) secs));
        return b.toString();
    }

    private synchronized void paint(boolean last) {
        String text = "utpcat: " + line();
        if (terminal) {
            int pad = Math.max(0, lastWidth - text.length());
            lastWidth = text.length();
            err.print("\r" + text + " ".repeat(pad) + (last ? "\n" : ""));
        } else {
            err.print(text + "\n");
        }
        err.flush();
    }
}
