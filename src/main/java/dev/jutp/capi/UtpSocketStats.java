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

    public long nbytes_recv() {
        return s.bytesReceived;
    }

    public long nbytes_xmit() {
        return s.bytesSent;
    }

    /** Fast retransmissions on SACK or duplicate-ack evidence (libutp: SACK only). */
    public int rexmit() {
        return s.fastRetransmits;
    }

    /** Retransmissions in post-timeout recovery. */
    public int fastrexmit() {
        return s.timeoutRecoveryRetransmits;
    }

    public int nxmit() {
        return s.packetsSent;
    }

    public int nrecv() {
        return s.packetsReceived;
    }

    /** Duplicates of packets waiting in the reorder buffer. */
    public int nduprecv() {
        return s.duplicatesReceived;
    }

    /** Current path MTU guess (UDP payload bytes). */
    public int mtu_guess() {
        return socket.connection().mtuGuess();
    }

    /** Retransmissions on RTO expiry (not counted by libutp). */
    public int timeoutRetransmits() {
        return s.timeoutRetransmits;
    }

    /** Of {@link #rexmit()}: packets RACK found lost by time (JUTP_LOSS_RECOVERY_RACK_TLP). */
    public int rackRetransmits() {
        return s.rackRetransmits;
    }

    /** Tail-loss probes sent (JUTP_LOSS_RECOVERY_RACK_TLP). */
    public int tailLossProbes() {
        return s.tailLossProbes;
    }

    /** Duplicates of already-delivered packets (not counted by libutp). */
    public int staleReceived() {
        return s.staleReceived;
    }

    /** Packets dropped by the ack sanity check. */
    public int invalidReceived() {
        return s.invalidReceived;
    }

    /** DATA dropped for lying beyond the advertised receive window ({@code JUTP_ENFORCE_RECEIVE_WINDOW}). */
    public int windowOverrunDrops() {
        return s.windowOverrunDrops;
    }

    public long payloadBytesDelivered() {
        return s.payloadBytesDelivered;
    }

    public int rttMillis() {
        return socket.connection().rttMillis();
    }

    public long congestionWindow() {
        return socket.connection().congestionWindow();
    }
}
