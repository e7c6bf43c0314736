package dev.jutp;

import dev.jutp.net.DatagramBatch;
import dev.jutp.net.Transport;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The thread of one endpoint (quinn's place to quinn-proto's {@link EndpointDriver}): owns the
 * transport and the only clock read, feeds the driver what arrives, and sleeps until the driver's
 * next deadline or a wake-up (a command, a close). An idle endpoint therefore wakes only when a
 * timer of one of its connections is due, not on a fixed tick.
 */
final class IoLoop implements StreamPort {
    private static final System.Logger LOG = System.getLogger(IoLoop.class.getName());
    static final int RECEIVE_BATCH = 64;
    static final int RECEIVE_SLOT_BYTES = 65_536;
    /** The longest sleep, so a loop with nothing due still shows signs of life. */
    static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How often a full command queue is retried by a producer (rare: 65,536 commands queued). */
    private static final long QUEUE_FULL_RETRY_MILLIS = 10;

    private final Transport transport;
    private final EndpointDriver driver;
    private final Arena arena = Arena.ofShared();
    private final DatagramBatch inbound;
    private final InetSocketAddress localAddress;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean terminated;
    /** Passes that ended in a sleep and woke up again (for the idle wake-up figures). */
    private volatile long wakeups;

    IoLoop(Transport transport, UtpOptions options) {
        this.transport = transport;
        try {
            this.inbound = new DatagramBatch(arena, RECEIVE_BATCH, RECEIVE_SLOT_BYTES);
            this.driver = new EndpointDriver(options, transport.receiveBufferBytes(), transport::send,
                    new SecureRandom(), System.nanoTime());
            this.localAddress = transport.localAddress();
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().daemon().name("jutp-io-" + localAddress.getPort()).unstarted(this::run);
    }

    EndpointDriver driver() {
        return driver;
    }

    void start() {
        thread.start();
    }

    String transportName() {
        return transport.name();
    }

    long wakeups() {
        return wakeups;
    }

    boolean isIoThread() {
        return Thread.currentThread() == thread;
    }

    // ------------------------------------------------------------------ the port

    @Override
    public UtpOptions options() {
        return driver.options();
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public void submit(Runnable work) throws IOException {
        if (terminated) {
            throw new IOException("endpoint closed");
        }
        if (isIoThread()) {
            driver.runCommand(work);
            return;
        }
        boolean interrupted = false;
        try {
            while (!driver.enqueue(work)) {
                if (terminated) {
                    throw new IOException("endpoint closed");
                }
                transport.wakeup();
                try {
                    Thread.sleep(QUEUE_FULL_RETRY_MILLIS);
                } catch (InterruptedException e) {
                    interrupted = true;     // queued work must not be lost to an interrupt
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        transport.wakeup();
    }

    @Override
    public boolean isTerminated() {
        return terminated;
    }

    @Override
    public void closeEndpoint(boolean wait) {
        if (!driver.isCloseRequested()) {
            driver.requestClose();
            transport.wakeup();
        }
        if (!wait || isIoThread()) {
            return;
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();     // the close goes on in the background
        }
    }

    /** Waits up to {@code millis} for the thread to end; true if it did. */
    boolean awaitStopped(long millis) throws InterruptedException {
        return stopped.await(millis, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ the thread

    private void run() {
        String reason = "endpoint closed";
        try {
            loop();
        } catch (Throwable t) {
            reason = "endpoint I/O thread failed: " + t;
            LOG.log(System.Logger.Level.ERROR, "jutp: the I/O thread of " + localAddress + " failed", t);
            driver.failAll(reason);
            throw t;
        } finally {
            terminated = true;
            try {
                driver.setTime(System.nanoTime());
                driver.shutdown(reason);
            } finally {
                try {
                    transport.close();
                } finally {
                    arena.close();
                    stopped.countDown();
                }
            }
        }
    }

    private void loop() {
        while (true) {
            driver.setTime(System.nanoTime());
            int received = transport.receive(inbound);
            for (int i = 0; i < received; i++) {
                driver.onDatagram(inbound.segment(), inbound.offset(i), inbound.length(i), inbound.source(i));
            }
            driver.afterDatagrams(received, received == RECEIVE_BATCH);
            if (transport.reportsIcmpErrors()) {
                transport.drainErrors(driver.icmpHandler());
            }
            int ran = driver.runCommands();
            driver.onTimeouts();
            if (driver.closeFinished()) {
                return;
            }
            if (received == 0 && ran == 0) {
                long due = driver.pollTimeout();
                long waitNanos = due == Long.MAX_VALUE ? MAX_SLEEP_NANOS
                        : Math.min(MAX_SLEEP_NANOS, due - System.nanoTime());
                if (waitNanos > 0) {
                    transport.awaitReadable(waitNanos);
                    wakeups++;
                }
            }
        }
    }
}
