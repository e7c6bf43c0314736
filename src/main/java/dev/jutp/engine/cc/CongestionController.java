package dev.jutp.engine.cc;

/**
 * A sender's congestion window. The connection reports acknowledgements, losses and timeouts;
 * the controller answers how many payload bytes may be in flight. Implementations allocate
 * nothing per call.
 */
public interface CongestionController {
    /** Engine-level identifiers (the capi's {@code JUTP_CC_*} values). */
    int LEDBAT = 0;
    int LEDBAT_PLUS_PLUS = 1;

    /** A new controller of kind {@link #LEDBAT} or {@link #LEDBAT_PLUS_PLUS}, starting at {@code initialWindow} bytes. */
    static CongestionController create(int kind, int initialWindow) {
        return switch (kind) {
            case LEDBAT -> new Ledbat(initialWindow, Ledbat.INITIAL_SSTHRESH);
            case LEDBAT_PLUS_PLUS -> new LedbatPlusPlus(initialWindow);
            default -> throw new IllegalArgumentException("no such congestion controller: " + kind);
        };
    }

    /** The target delay (µs) used when none is configured, for a controller of {@code kind}. */
    static int defaultTargetMicros(int kind) {
        return kind == LEDBAT ? Ledbat.DEFAULT_TARGET_MICROS : LedbatPlusPlus.DEFAULT_TARGET_MICROS;
    }

    static boolean isKind(int kind) {
        return kind == LEDBAT || kind == LEDBAT_PLUS_PLUS;
    }

    /** {@link #LEDBAT} or {@link #LEDBAT_PLUS_PLUS}. */
    int kind();

    /** Bytes that may be in flight. */
    long window();

    /** Sets the window (the connection starts it at one packet once the MTU is known). */
    void setWindow(long bytes);

    boolean inSlowStart();

    long ssthresh();

    /** One acknowledgement that carried a delay sample and acknowledged data. */
    void onAck(AckSample ack);

    /** Loss seen through SACK or duplicate acks; true if the window was cut. */
    boolean onLoss(long nowMillis, int rttMillis);

    /** Retransmission timeout ({@code packetsOutstanding}: data was in flight). */
    void onTimeout(boolean packetsOutstanding, int packetSize);
}
