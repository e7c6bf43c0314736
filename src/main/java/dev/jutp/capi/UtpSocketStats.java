package dev.jutp.capi;

import dev.jutp.engine.ConnectionStats;

/**
 * libutp's {@code utp_socket_stats}, as a live view of the connection's counters (libutp
 * returns NULL outside debug builds; jutp always keeps them). Extra counters libutp lacks are
 * exposed with Java names.
 */
public final class UtpSocketStats {
    private final UtpSocket socket;
    private final ConnectionStats s;

    UtpSocketStats(UtpSocket socket, ConnectionStats stats) {
        this.socket = socket;
        this.s = stats;
    }

    /**
     * Datagram bytes received on this connection, uTP headers included.
     *
     * @return bytes
     */
    public long nbytes_recv() {
        return s.bytesReceived;
    }

    /**
     * Datagram bytes sent on this connection, uTP headers and retransmissions included.
     *
     * @return bytes
     */
    public long nbytes_xmit() {
        return s.bytesSent;
    }

    /**
     * Fast retransmissions on SACK or duplicate-ack evidence (libutp: SACK only).
     *
     * @return packets
     */
    public int rexmit() {
        return s.fastRetransmits;
    }

    /**
     * Retransmissions in post-timeout recovery.
     *
     * @return packets
     */
    public int fastrexmit() {
        return s.timeoutRecoveryRetransmits;
    }

    /**
     * Packets sent, retransmissions included.
     *
     * @return packets
     */
    public int nxmit() {
        return s.packetsSent;
    }

    /**
     * Packets received.
     *
     * @return packets
     */
    public int nrecv() {
        return s.packetsReceived;
    }

    /**
     * Duplicates of packets waiting in the reorder buffer.
     *
     * @return packets
     */
    public int nduprecv() {
        return s.duplicatesReceived;
    }

    /**
     * Current path MTU guess (UDP payload bytes).
     *
     * @return bytes
     */
    public int mtu_guess() {
        return socket.connection().mtuGuess();
    }

    /**
     * Retransmissions on RTO expiry (not counted by libutp).
     *
     * @return packets
     */
    public int timeoutRetransmits() {
        return s.timeoutRetransmits;
    }

    /**
     * Of {@link #rexmit()}: packets RACK found lost by time (JUTP_LOSS_RECOVERY_RACK_TLP).
     *
     * @return packets
     */
    public int rackRetransmits() {
        return s.rackRetransmits;
    }

    /**
     * Tail-loss probes sent (JUTP_LOSS_RECOVERY_RACK_TLP).
     *
     * @return probes
     */
    public int tailLossProbes() {
        return s.tailLossProbes;
    }

    /**
     * Duplicates of already-delivered packets (not counted by libutp).
     *
     * @return packets
     */
    public int staleReceived() {
        return s.staleReceived;
    }

    /**
     * Packets dropped by the ack sanity check.
     *
     * @return packets
     */
    public int invalidReceived() {
        return s.invalidReceived;
    }

    /**
     * DATA dropped for lying beyond the advertised receive window ({@code JUTP_ENFORCE_RECEIVE_WINDOW}).
     *
     * @return packets
     */
    public int windowOverrunDrops() {
        return s.windowOverrunDrops;
    }

    /**
     * Payload bytes handed to {@code UTP_ON_READ}, in order (not counting bytes after a read shutdown).
     *
     * @return bytes
     */
    public long payloadBytesDelivered() {
        return s.payloadBytesDelivered;
    }

    /**
     * The smoothed round-trip time.
     *
     * @return milliseconds
     */
    public int rttMillis() {
        return socket.connection().rttMillis();
    }

    /**
     * The congestion window: bytes the connection may have in flight.
     *
     * @return bytes
     */
    public long congestionWindow() {
        return socket.connection().congestionWindow();
    }
}
