package dev.jutp.bench.e2e;

import java.time.Duration;

/** Runs {@code onExpiry} (e.g. closing the endpoints of a stuck transfer) unless closed within the deadline. */
final class Watchdog implements AutoCloseable {
    private final Thread thread;

    Watchdog(Duration deadline, Runnable onExpiry) {
        this.thread = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(deadline);
                onExpiry.run();
            } catch (InterruptedException done) {
                // closed in time
            }
        });
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
