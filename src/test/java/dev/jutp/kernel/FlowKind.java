package dev.jutp.kernel;

/** What moves the bytes of one flow through the shaped loopback. */
public enum FlowKind {
    /** jutp with LEDBAT++, its default ({@code bin/utpcat --congestion ledbat++}). */
    JUTP_LEDBAT_PLUS_PLUS("jutp LEDBAT++ (default)", true),
    /** jutp with libutp's classic LEDBAT selected ({@code bin/utpcat --congestion ledbat}). */
    JUTP_CLASSIC("jutp classic LEDBAT", true),
    /** libutp (utp-native) on both ends, through {@code src/test/interop/utp_peer.js}. */
    LIBUTP("libutp", true),
    /** Kernel TCP from iperf3 with CUBIC. */
    TCP_CUBIC("TCP CUBIC", false),
    /** Kernel TCP from iperf3 with BBR. */
    TCP_BBR("TCP BBR", false);

    public final String label;
    public final boolean utp;

    FlowKind(String label, boolean utp) {
        this.label = label;
        this.utp = utp;
    }

    /** The kernel's name of the TCP congestion control, for {@code iperf3 -C}. */
    String tcpAlgorithm() {
        return switch (this) {
            case TCP_CUBIC -> "cubic";
            case TCP_BBR -> "bbr";
            default -> throw new IllegalStateException(this + " is not TCP");
        };
    }
}
