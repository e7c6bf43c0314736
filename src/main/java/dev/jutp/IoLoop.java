package dev.jutp;

import dev.jutp.net.DatagramBatch;
import dev.jutp.net.TransportOptions;
import dev.jutp.net.Transports;

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
    /** Datagrams read per receive call (one recvmmsg on Linux). */
    static final int RECEIVE_BATCH_DATAGRAMS = 64;
    /** Full-size slots: no datagram is truncated, and the Linux transport may coalesce (GRO). */
    static final int RECEIVE_SLOT_BYTES = DatagramBatch.MAX_SLOT_BYTES;
    /** The longest sleep, so a loop with nothing due still shows signs of life. */
    static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How often a full command queue is retried by a producer (rare: 65,536 commands queued). */
    private static final long QUEUE_FULL_RETRY_MILLIS = 10;

    private final dev.jutp.net.Transport transport;
    private final EndpointDriver driver;
    private final Arena arena = Arena.ofShared();
    private final DatagramBatch inbound;
    private final InetSocketAddress localAddress;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean terminated;

    /**
     * Binds the transport {@code options} choose at {@code local} and starts the loop's thread.
     *
     * @throws IOException if the socket cannot be bound, or {@link Transport#LINUX} was asked for
     *     where it is not available
     */
    static IoLoop start(InetSocketAddress local, UtpOptions options) throws IOException {
        TransportOptions to = TransportOptions.defaults()
                .withReceiveBufferBytes(options.socketBufferBytes())
                .withSendBufferBytes(options.socketBufferBytes());
        String choice = options.transport() == Transport.AUTO
                ? System.getProperty(Transports.PROPERTY, Transports.AUTO) : options.transport().id();
        dev.jutp.net.Transport transport = Transports.open(choice, local, to);
        IoLoop loop;
        try {
            loop = new IoLoop(transport, options);
        } catch (IOException | RuntimeException | Error e) {
            transport.close();
            throw e;
        }
        loop.thread.start();
        return loop;
    }

    private IoLoop(dev.jutp.net.Transport transport, UtpOptions options) throws IOException {
        this.transport = transport;
        try {
            this.inbound = transport.newReceiveBatch(arena, RECEIVE_BATCH_DATAGRAMS, RECEIVE_SLOT_BYTES);
            this.driver = new EndpointDriver(options, transport.receiveBufferBytes(), transport::send,
                    new SecureRandom(), System.nanoTime());
            this.localAddress = transport.localAddress();
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().daemon().name(ioThreadName(localAddress.getPort())).unstarted(this::run);
    }

    /**
     * "jutp-io-PORT", by String.concat: the class-data archive holds no generated string
     * concatenation class for this call site, and generating one costs milliseconds at start-up.
     */
    private static String ioThreadName(int port) {
        return "jutp-io-".concat(Integer.toString(port));
    }

    EndpointDriver driver() {
        return driver;
    }

    String transportName() {
        return transport.name();
    }

    private boolean isIoThread() {
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

    // ------------------------------------------------------------------ the thread

    private void run() {
        String reason = "endpoint closed";
        try {
            loop();
        } catch (Throwable t) {
            reason = "endpoint I/O thread failed: " + t;
            // Looked up on failure only: System.getLogger finds its backend through a service lookup,
            // milliseconds a command-line client would otherwise spend before its first SYN.
            System.getLogger(IoLoop.class.getName())
                    .log(System.Logger.Level.ERROR, "jutp: the I/O thread of " + localAddress + " failed", t);
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
            driver.afterDatagrams(received, received == RECEIVE_BATCH_DATAGRAMS);
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
                }
            }
        }
    }
}
