package dev.jutp;

/**
 * A snapshot of one stream's counters.
 *
 * @param bytesSent payload bytes the protocol accepted from this stream's writes
 * @param bytesReceived payload bytes delivered in order to this stream
 * @param packetsSent datagrams sent on this connection (data, acks, retransmissions)
 * @param packetsReceived datagrams received on this connection
 * @param retransmits all retransmissions (timeout and fast)
 * @param fastRetransmits retransmissions triggered by selective or duplicate acks
 * @param duplicatesReceived duplicate data packets received
 * @param rttMillis smoothed round-trip time
 * @param mtu current UDP payload size guess of the MTU search
 * @param congestionWindow LEDBAT congestion window in bytes
 * @param windowOverrunDrops data packets dropped because the peer sent them beyond the window
 *        this stream advertised (0 with any peer that keeps to the protocol)
 */
public record UtpStreamStats(long bytesSent, long bytesReceived, long packetsSent, long packetsReceived,
                             int retransmits, int fastRetransmits, int duplicatesReceived, int rttMillis, int mtu,
                             long congestionWindow, int windowOverrunDrops) {
}
