package dev.jutp.kernel;

/**
 * A bottleneck: the namespace's loopback (MTU 1500, as an Ethernet path) limited by a token bucket
 * filter whose {@code latency} bounds the queue, as a home router's uplink buffer would.
 */
public record Shape(String name, long bitsPerSecond, String tbf) {
    /** Issue 12's link: 20 Mbit/s, up to 400 ms of queue (1 MB). */
    public static final Shape MBIT_20 = new Shape("20 Mbit/s, 400 ms buffer", 20_000_000L,
            "rate 20mbit burst 15kb latency 400ms");
    /** A slow uplink: 5 Mbit/s with a 200 ms buffer (125 kB). */
    public static final Shape MBIT_5 = new Shape("5 Mbit/s, 200 ms buffer", 5_000_000L,
            "rate 5mbit burst 15kb latency 200ms");

    /** The shell commands that shape the namespace's loopback. */
    String setup() {
        return "ip link set lo up && ip link set lo mtu 1500 && tc qdisc add dev lo root tbf " + tbf;
    }
}
