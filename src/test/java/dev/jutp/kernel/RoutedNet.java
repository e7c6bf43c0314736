package dev.jutp.kernel;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Three network namespaces made for one scenario ({@code ip netns}, needs root): a sender at
 * {@link #SENDER_ADDRESS}, a router forwarding between two veth pairs with the {@link Shape}'s tbf
 * on its port towards the receiver, and a receiver at {@link #RECEIVER_ADDRESS}. Closing removes
 * the namespaces (and with them the links and anything left bound in them).
 */
final class RoutedNet implements AutoCloseable {
    static final String SENDER_ADDRESS = "10.77.1.1";
    static final String RECEIVER_ADDRESS = "10.77.2.2";
    private static final AtomicInteger SERIAL = new AtomicInteger();

    final String sender;
    final String router;
    final String receiver;

    private RoutedNet(String prefix) {
        sender = prefix + "s";
        router = prefix + "r";
        receiver = prefix + "d";
    }

    /** Makes the namespaces and links; on a failure removes what it made and throws. */
    static RoutedNet create(Shape shape) throws IOException {
        RoutedNet net = new RoutedNet("jutp-" + ProcessHandle.current().pid() + "-" + SERIAL.incrementAndGet() + "-");
        String s = net.sender;
        String r = net.router;
        String d = net.receiver;
        String script = String.join(" && ",
                "ip netns add " + s, "ip netns add " + r, "ip netns add " + d,
                "ip link add s0 netns " + s + " type veth peer name r0 netns " + r,
                "ip link add r1 netns " + r + " type veth peer name d0 netns " + d,
                "ip -n " + s + " addr add " + SENDER_ADDRESS + "/24 dev s0",
                "ip -n " + r + " addr add 10.77.1.2/24 dev r0",
                "ip -n " + r + " addr add 10.77.2.1/24 dev r1",
                "ip -n " + d + " addr add " + RECEIVER_ADDRESS + "/24 dev d0",
                "for ns in " + s + " " + r + " " + d + "; do ip -n $ns link set lo up; done",
                "ip -n " + s + " link set s0 up", "ip -n " + r + " link set r0 up",
                "ip -n " + r + " link set r1 up", "ip -n " + d + " link set d0 up",
                "ip -n " + s + " route add default via 10.77.1.2",
                "ip -n " + d + " route add default via 10.77.2.1",
                "ip netns exec " + r + " sysctl -qw net.ipv4.ip_forward=1",
                "ip netns exec " + r + " tc qdisc add dev r1 root tbf " + shape.tbf());
        String failure = sh(script);
        if (failure != null) {
            net.close();
            throw new IOException("could not make the routed namespaces: " + failure);
        }
        return net;
    }

    @Override
    public void close() {
        sh("for ns in " + sender + " " + router + " " + receiver + "; do ip netns del $ns 2>/dev/null; done; true");
    }

    private static String sh(String script) {
        return Tools.run(List.of("sh", "-c", script));
    }
}
