/**
 * The stream API: {@link dev.jutp.UtpEndpoint} (one UDP socket, many connections),
 * {@link dev.jutp.UtpStream} (a connection as two byte streams) and {@link dev.jutp.UtpListener}.
 *
 * <p>Rooms, in quinn-proto/quinn's split (each may touch only what is listed):
 * <ul>
 *   <li>{@code EndpointDriver} (package-private, sans-IO): the engine, the streams' I/O side
 *       ({@code StreamCore}), the command queue, ack coalescing, the outgoing staging ring and the
 *       endpoint's close protocol. Datagrams, commands and timeouts come in with the time; output
 *       goes into the batch it stages; {@code pollTimeout()} is the next real deadline. It reads no
 *       clock, owns no socket and no thread. May touch: {@code dev.jutp.engine}, its streams.</li>
 *   <li>{@code IoLoop} (package-private): the thread, the {@code dev.jutp.net} transport and the
 *       only clock read; sleeps until the driver's deadline or a wake-up. May touch: the driver,
 *       {@code dev.jutp.net}.</li>
 *   <li>{@code StreamPort} (interface): all a stream or a listener may ask of its endpoint (options,
 *       local address, run work on the I/O side, close the endpoint). The tests' virtual network
 *       implements it too, so the stream API runs on a virtual clock.</li>
 *   <li>{@code StreamCore}: a stream's rings and flags, shared by application threads and the I/O
 *       side; the endpoint holds it, never the public {@code UtpStream}, so a dropped stream can be
 *       collected (a {@link java.lang.ref.Cleaner} then closes it). Its two rings are
 *       {@code ByteRing}s (growable, allocation-free copies).</li>
 *   <li>{@code EndpointRequests}: the application's requests to an endpoint (connect, listen, send a
 *       datagram, counters), checked on the caller's thread ({@code RemoteAddresses}) and submitted
 *       through the port to the driver. May touch: the port, the driver's request methods.</li>
 *   <li>{@code UtpEndpoint}, {@code UtpStream}, {@code UtpListener} (public): blocking façades. May
 *       touch: the port, the options, {@code EndpointRequests}; a listener stops accepting through
 *       the port with a callback its endpoint gave it.</li>
 * </ul>
 */
package dev.jutp;
