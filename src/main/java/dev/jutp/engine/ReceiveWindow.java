package dev.jutp.engine;

/**
 * The receiver's half of flow control: the right edge of every window we advertised, and the
 * rule that keeps a peer from pushing data past it. In-order payload is charged by its bytes.
 * An out-of-order packet is charged by the memory it pins until the gap before it fills: a whole
 * slab slot whatever its payload (an empty one pins nothing), so a peer sending tiny packets out
 * of order cannot make a connection hold more than its window plus {@link #SLACK_BYTES}.
 */
final class ReceiveWindow {
    /** Tolerance beyond the advertised window: zero-window probes, window updates overtaken. */
    static final int SLACK_BYTES = 16 * 1024;

    private final boolean enforced;
    private final int slotBytes;
    /**
     * The furthest in-order payload byte the peer may send: the most, over every packet we built,
     * of the bytes accepted in order by then plus the window that packet advertised.
     */
    private long edge;

    ReceiveWindow(boolean enforced, int slotBytes) {
        this.enforced = enforced;
        this.slotBytes = slotBytes;
    }

    /**
     * Records a window we advertise when {@code accepted} bytes had been taken in order.
     * {@code window} is RCVBUF minus what the application holds, negative when it holds more
     * (the edge then lies behind what was accepted).
     */
    void advertise(long accepted, long window) {
        edge = Math.max(edge, accepted + window);
    }

    long edge() {
        return edge;
    }

    /** What an out-of-order packet of {@code payload} bytes is charged: the slot it occupies. */
    int outOfOrderCharge(int payload) {
        return payload == 0 ? 0 : slotBytes;
    }

    /** Whether the next expected packet, {@code len} payload bytes, fits. */
    boolean admitsInOrder(long accepted, int len) {
        return !enforced || len == 0 || accepted + len <= edge + SLACK_BYTES;
    }

    /**
     * Whether an out-of-order packet of {@code len} payload bytes fits on top of the
     * {@code heldCharge} already charged for out-of-order packets.
     */
    boolean admitsOutOfOrder(long accepted, long heldCharge, int len) {
        int charge = outOfOrderCharge(len);
        return !enforced || charge == 0 || accepted + heldCharge + charge <= edge + SLACK_BYTES;
    }
}
