package dev.jutp.sim;

import dev.jutp.capi.UtpSocket;

import java.lang.foreign.MemorySegment;

/** What an application on a {@link UtpNode} hears; every method has a do-nothing default. */
public interface UtpApp {
    default void onAccept(UtpNode node, UtpSocket s) {}
    default void onConnect(UtpNode node, UtpSocket s) {}
    default void onWritable(UtpNode node, UtpSocket s) {}
    default void onRead(UtpNode node, UtpSocket s, MemorySegment data) {}
    default void onEof(UtpNode node, UtpSocket s) {}
    default void onError(UtpNode node, UtpSocket s, int code) {}
    default void onDestroying(UtpNode node, UtpSocket s) {}
    default void onDelaySample(UtpNode node, UtpSocket s, int delayMillis) {}
    /** Bytes received but not yet consumed by the application (UTP_GET_READ_BUFFER_SIZE). */
    default long readBufferSize(UtpNode node, UtpSocket s) { return 0; }
}
