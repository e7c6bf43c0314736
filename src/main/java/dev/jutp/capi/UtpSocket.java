package dev.jutp.capi;

import dev.jutp.engine.Connection;

import java.lang.foreign.MemorySegment;

/**
 * libutp's {@code utp_socket*}: a handle on one connection. Valid until its
 * {@code UTP_STATE_DESTROYING} callback has returned; using it afterwards throws
 * {@link IllegalStateException}.
 */
public final class UtpSocket {
    private final UtpContext context;
    private final Connection connection;
    private UtpSocketStats stats;
    boolean destroyed;

    // writev scratch, grown on demand and reused, so vectored writes allocate nothing.
    MemorySegment[] iovScratch = new MemorySegment[4];
    long[] offsetScratch = new long[4];
    long[] lengthScratch = new long[4];

    UtpSocket(UtpContext context, Connection connection) {
        this.context = context;
        this.connection = connection;
        connection.attach(this);
    }

    /**
     * The context this socket belongs to ({@code utp_get_context}).
     *
     * @return the context
     */
    public UtpContext context() {
        return context;
    }

    Connection connection() {
        return connection;
    }

    Connection live() {
        if (destroyed) {
            throw new IllegalStateException("utp_socket used after UTP_STATE_DESTROYING");
        }
        return connection;
    }

    UtpSocketStats stats() {
        if (stats == null) {
            stats = new UtpSocketStats(this, connection.stats());
        }
        return stats;
    }

    /**
     * Whether {@code UTP_STATE_DESTROYING} was delivered; the socket must not be used after that.
     *
     * @return true once destroyed
     */
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "UtpSocket[" + connection + (destroyed ? ", destroyed" : "") + "]";
    }
}
