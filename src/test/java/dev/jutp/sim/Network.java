package dev.jutp.sim;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Nodes by address and the link each (source, destination) pair uses. Several pairs may share
 * one {@link Link} object: that is how flows meet at a common bottleneck queue. A datagram to
 * an address without a route is lost (and counted).
 */
public final class Network {
    final Sim sim;
    private final Map<InetSocketAddress, Node> nodes = new HashMap<>();
    private final Map<InetSocketAddress, Map<InetSocketAddress, Link>> routes = new HashMap<>();
    long unroutable;

    public Network(Sim sim) {
        this.sim = sim;
    }

    public Sim sim() {
        return sim;
    }

    public void attach(Node node) {
        nodes.put(node.address(), node);
    }

    public Node node(InetSocketAddress address) {
        return nodes.get(address);
    }

    /** Routes {@code from → to} over {@code link}. */
    public void route(InetSocketAddress from, InetSocketAddress to, Link link) {
        routes.computeIfAbsent(from, k -> new HashMap<>()).put(to, link);
    }

    /** Two links, one per direction, between a pair of nodes. */
    public Link[] connect(Node a, Node b, LinkConfig aToB, LinkConfig bToA) {
        Link ab = new Link(this, "%s>%s".formatted(a.address().getPort(), b.address().getPort()), aToB);
        Link ba = new Link(this, "%s>%s".formatted(b.address().getPort(), a.address().getPort()), bToA);
        route(a.address(), b.address(), ab);
        route(b.address(), a.address(), ba);
        return new Link[] {ab, ba};
    }

    public void send(Packet p) {
        Map<InetSocketAddress, Link> out = routes.get(p.from());
        Link link = out == null ? null : out.get(p.to());
        if (link == null) {
            unroutable++;
            return;
        }
        link.offer(p);
    }

    void deliver(Packet p) {
        Node n = nodes.get(p.to());
        if (n == null) {
            unroutable++;
            return;
        }
        n.receive(p);
    }

    void icmp(Packet original, int nextHopMtu) {
        Node n = nodes.get(original.from());
        if (n != null) {
            n.icmpFragmentationNeeded(original, nextHopMtu);
        }
    }
}
