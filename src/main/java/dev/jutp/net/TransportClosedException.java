package dev.jutp.net;

/** Thrown when a {@link Transport} is used after {@link Transport#close()}: a caller bug, not a network condition. */
public final class TransportClosedException extends IllegalStateException {
    public TransportClosedException(String transportName) {
        super(transportName + " transport is closed");
    }
}
