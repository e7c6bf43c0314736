package dev.jutp.kernel;

/**
 * Where the bottleneck of a {@link Scenario} sits, and so where its queue builds.
 */
public enum Topology {
    /**
     * Issue 12's set-up: every process in one namespace, its loopback shaped. The queue sits in the
     * sending host's own qdisc, shared with the acks, and the local TCP sender's in-flight data is
     * capped by it (TCP's share swings from run to run).
     */
    LOOPBACK("tbf on a namespace's loopback"),
    /**
     * A home router's uplink: senders in one namespace, receivers in another, a router namespace
     * between them with the tbf on its port towards the receivers. Acks return unshaped.
     */
    ROUTED("sender → router → receiver namespaces, tbf on the router");

    /** How plots and tables describe it. */
    public final String description;

    Topology(String description) {
        this.description = description;
    }
}
