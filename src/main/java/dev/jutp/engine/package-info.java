/**
 * The sans-IO uTP protocol engine: one {@link dev.jutp.engine.Engine} per UDP socket, any number
 * of {@link dev.jutp.engine.Connection}s. Time is pushed in, datagrams leave through
 * {@link dev.jutp.engine.EngineHost}, and events are queued in {@link dev.jutp.engine.EngineEvents}
 * for the caller to dispatch after each call. Single owner thread; no clocks, sockets or
 * thread-locals are read here.
 *
 * <p>Rooms: the engine's options are one immutable {@link dev.jutp.engine.EngineConfig}, replaced
 * whole through {@link dev.jutp.engine.Engine#configure}; a connection keeps the record of its
 * creation. The engine owns the connection table, the {@code SynBacklog} (half-open connections,
 * the refusal once the table is full, the eviction of the oldest), deferred acks and the tick. A
 * connection is a state machine that delegates each job to a class of its own:
 * {@code PacketSender} (writes into packets, the window, transmission), {@code AckProcessor}
 * (acknowledgements and the RTT and delay samples they carry), {@code Retransmitter} (every kind
 * of resend), {@code PayloadReceiver} (delivery, reordering, EOF) and {@code ConnectionTimers}
 * (its deadlines). Engine and connection call each other's narrow package-private methods and
 * never write each other's fields. Sub-packages, each usable alone and tested alone:
 * {@code cc} (congestion control, RTT, delay, MTU), {@code loss} (loss rules), {@code time}
 * (deadlines), {@code buf} (slab, send queue, reorder buffer); all of them may use
 * {@code dev.jutp.wire} and nothing above it.
 */
package dev.jutp.engine;
