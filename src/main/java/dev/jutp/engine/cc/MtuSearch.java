package dev.jutp.engine.cc;

/**
 * Path MTU discovery by binary search between a floor (576, a size every IPv4 path carries)
 * and the ceiling the application reports, using real data packets sent with "don't fragment"
 * as probes. Sizes are UDP payload bytes (uTP header included).
 *
 * <p>Differences from libutp, deliberate: the probe is recorded by its own sequence number
 * (Q9); the floor never exceeds the ceiling (Q8); an ICMP next-hop MTU is converted from IP
 * to UDP-payload size by the caller (Q7).
 */
public final class MtuSearch {
    public static final int FLOOR = 576;
    public static final int DONE_SPAN = 16;
    public static final long REDISCOVERY_MILLIS = 30L * 60 * 1000;
    /** Smallest size we ever send: header plus room for a little data. */
    public static final int ABSOLUTE_MIN = 64;

    private int floor;
    private int ceiling;
    private int guess;
    private boolean probeOutstanding;
    private int probeSeq;
    private int probeSize;
    private long nextDiscoveryMillis;

    /** Starts (or restarts) the search under {@code ceilingBytes}. */
    public void reset(int ceilingBytes, long nowMillis, boolean initial) {
        ceiling = Math.max(ABSOLUTE_MIN, ceilingBytes);
        floor = Math.min(FLOOR, ceiling);
        if (initial || guess == 0 || guess > ceiling) {
            guess = ceiling;
        }
        probeOutstanding = false;
        nextDiscoveryMillis = nowMillis + REDISCOVERY_MILLIS;
    }

    public boolean rediscoveryDue(long nowMillis) {
        return nowMillis > nextDiscoveryMillis;
    }

    /** Current size to build packets with. */
    public int guess() {
        return guess;
    }

    public int floor() {
        return floor;
    }

    public int ceiling() {
        return ceiling;
    }

    public boolean searching() {
        return floor < ceiling;
    }

    /** Whether a first transmission of {@code length} bytes should go out as the probe. */
    public boolean shouldProbe(int length) {
        return floor < ceiling && !probeOutstanding && length > floor && length <= ceiling;
    }

    public void probeSent(int seq, int length) {
        probeOutstanding = true;
        probeSeq = seq;
        probeSize = length;
    }

    public boolean isProbe(int seq) {
        return probeOutstanding && probeSeq == seq;
    }

    public boolean probeOutstanding() {
        return probeOutstanding;
    }

    public int probeSize() {
        return probeSize;
    }

    public void forgetProbe() {
        probeOutstanding = false;
    }

    /** The probe arrived: the path carries that size. */
    public void probeAcked(long nowMillis) {
        floor = Math.min(probeSize, ceiling);
        update(nowMillis);
    }

    /** The probe was lost alone (black hole): the path does not carry that size. */
    public void probeLost(long nowMillis) {
        ceiling = Math.max(floor, probeSize - 1);
        update(nowMillis);
    }

    /**
     * ICMP "fragmentation needed": {@code payloadMtu} is the next hop's MTU already converted
     * to a UDP payload size. A claim below 576 is clamped to 576 (every IPv4 path carries it, so
     * a smaller claim is forged or broken; libutp lets the ceiling fall under the floor and
     * aborts, Q8). A claim below a finished search's result reopens the search under it.
     */
    public void fragmentationNeeded(int payloadMtu, long nowMillis) {
        int limit = Math.max(Math.min(FLOOR, ceiling), payloadMtu);
        ceiling = Math.min(ceiling, limit);
        if (floor >= ceiling) {
            floor = Math.min(FLOOR, ceiling);   // the path changed under a finished search: search again below
        }
        update(nowMillis);
        guess = ceiling;                        // use it now; the next full packet probes it with DF
    }

    /** An ICMP that says nothing usable: halve the span. */
    public void narrow(long nowMillis) {
        ceiling = Math.max(floor, (floor + ceiling) / 2);
        update(nowMillis);
    }

    private void update(long nowMillis) {
        guess = (floor + ceiling) / 2;
        probeOutstanding = false;
        if (ceiling - floor <= DONE_SPAN) {
            guess = floor;
            ceiling = floor;
            nextDiscoveryMillis = nowMillis + REDISCOVERY_MILLIS;
        }
    }
}
