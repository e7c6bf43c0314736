package dev.jutp;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What a stream and a listener need from their endpoint, and nothing else: the options, the local
 * address, a way to run work on the endpoint's I/O side in order, and closing the endpoint. The real
 * {@link IoLoop} and the tests' virtual network implement it, so {@link UtpStream} and
 * {@link UtpListener} never see the I/O thread, the engine or the transport.
 */
interface StreamPort {
    UtpOptions options();

    InetSocketAddress localAddress();

    /**
     * Queues {@code work} for the I/O side (runs it at once on the I/O thread itself). Never fails
     * because the caller is interrupted: the work is queued and the interrupt flag is kept.
     *
     * @throws IOException if the endpoint has stopped (the work will never run)
     */
    void submit(Runnable work) throws IOException;

    /** Whether the endpoint has stopped: queued work no longer runs. */
    boolean isTerminated();

    /**
     * Closes the endpoint (the close protocol: FIN on every connection, lingers, then RST for what is
     * left). With {@code wait}, returns once it stopped, or early if the caller is interrupted (the
     * close then goes on in the background and the interrupt flag stays set).
     */
    void closeEndpoint(boolean wait);
}
