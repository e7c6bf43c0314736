package dev.jutp.engine.cc;

/**
 * What one acknowledgement tells a {@link CongestionController}. Each connection owns one and
 * refills it for every ack, so the per-packet path allocates nothing.
 */
public final class AckSample {
    /** Payload bytes newly acknowledged by this packet. */
    public long ackedBytes;
    /** Queuing delay of our direction (µs): filtered, capped by the RTT, clock-drift penalty included. */
    public long queuingDelayMicros;
    /** Queuing delay on the round trip (µs): the least recent round trip above the base one. */
    public long roundTripQueuingMicros;
    /** The path's base round trip (µs): the least RTT seen lately; 0 when unknown. */
    public long baseRttMicros;
    /** Smoothed round trip (µs); 0 when unknown. */
    public long rttMicros;
    /** Target queuing delay (µs); ≤ 0 means the controller's default. */
    public int targetMicros;
    /** Payload bytes in a full packet. */
    public int packetSize;
    /** The send buffer: the window never exceeds it. */
    public int sndbuf;
    public long nowMillis;
    public long nowMicros;
    /** When the window was last found full (ms): a sender that was not window-limited does not grow. */
    public long lastWindowFullMillis;
}
