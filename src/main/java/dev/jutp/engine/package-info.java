/**
 * The sans-IO uTP protocol engine: one {@link dev.jutp.engine.Engine} per UDP socket, any number
 * of {@link dev.jutp.engine.Connection}s. Time is pushed in, datagrams leave through
 * {@link dev.jutp.engine.EngineHost}, and events are queued in {@link dev.jutp.engine.EngineEvents}
 * for the caller to dispatch after each call. Single owner thread; no clocks, sockets or
 * thread-locals are read here.
 */
package dev.jutp.engine;
