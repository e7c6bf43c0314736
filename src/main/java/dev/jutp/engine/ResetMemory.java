package dev.jutp.engine;

import java.net.InetSocketAddress;

/**
 * Remembers the RSTs we sent for unknown connections so that a stream of packets for a dead
 * connection gets one RST, not one per packet (libutp's rule: key (connection id, source, seq),
 * at most 1000 entries, each forgotten 10 s after it was last hit).
 */
final class ResetMemory {
    static final int LIMIT = 1000;
    static final long TIMEOUT_MILLIS = 10_000;

    private final int[] connIds = new int[LIMIT];
    private final int[] seqs = new int[LIMIT];
    private final long[] times = new long[LIMIT];
    private final InetSocketAddress[] peers = new InetSocketAddress[LIMIT];
    private int count;

    /** Outcome of {@link #consider}. */
    static final int SEND = 0, REPEAT = 1, FULL = 2;

    int consider(int connId, InetSocketAddress from, int seq, long nowMillis) {
        for (int i = 0; i < count; i++) {
            if (connIds[i] == connId && seqs[i] == seq && ConnectionTable.samePeer(peers[i], from)) {
                times[i] = nowMillis;
                return REPEAT;
            }
        }
        if (count >= LIMIT) {
            return FULL;
        }
        connIds[count] = connId;
        seqs[count] = seq;
        peers[count] = from;
        times[count] = nowMillis;
        count++;
        return SEND;
    }

    void expire(long nowMillis) {
        int i = 0;
        while (i < count) {
            if (nowMillis - times[i] >= TIMEOUT_MILLIS) {
                count--;
                connIds[i] = connIds[count];
                seqs[i] = seqs[count];
                peers[i] = peers[count];
                times[i] = times[count];
                peers[count] = null;
            } else {
                i++;
            }
        }
    }

    int size() {
        return count;
    }
}
