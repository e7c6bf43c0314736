package dev.jutp.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Kernel TCP joining jutp's default controller through a router (issue 12): the short form of
 * {@code bench/kernel-cc.sh --topology routed}. Three namespaces (sender, router, receiver), the
 * 20 Mbit/s tbf on the router's port towards the receiver, iperf3 joining 5 s after jutp's first
 * byte, TCP's share judged over the 10 s from 1 s after it joined. Unlike the shaped loopback of
 * {@link KernelCongestionIT}, the queue is not in the sending host's own qdisc, so TCP's share does
 * not swing from run to run, and the bounds can sit between LEDBAT++ and classic LEDBAT (figures in
 * docs/figures/routed-cc.md). A third case has a second LEDBAT++ flow join the first 10 s late. Needs root ({@code ip netns}); under CI a missing privilege or tool
 * fails, elsewhere the test skips.
 */
@EnabledIf(value = "dev.jutp.kernel.Tools#routedHarnessOrCi", disabledReason = "needs root for ip netns, tc (iproute2),"
        + " iperf3, ping (iputils-ping), node with utp-native in src/test/interop/node_modules, and the built jar"
        + " behind bin/utpcat; skipped"
        + " without them (what is missing is printed on stderr), except under CI (CI=true), where .ci/run installs"
        + " them and runs as root, so a missing one fails")
class RoutedCongestionIT {
    /** Above classic LEDBAT's share (73 % in the bench) with room for a busy machine. */
    static final double MIN_CUBIC_SHARE = 0.80;
    /** Above classic LEDBAT's share (57-58 % in the bench). */
    static final double MIN_BBR_SHARE = 0.65;
    /**
     * Two LEDBAT++ flows, the second 10 s late: the draft's rules as first built kept the latecomer at
     * 89-90 % of the link for the whole window (Jain 0.57-0.61); the converging slowdowns measured 0.96-0.97.
     */
    static final double MIN_LATECOMER_JAIN = 0.80;

    private static final ScenarioRunner RUNNER = ScenarioRunner.ofProject(Topology.ROUTED);

    @BeforeAll
    static void tools() {
        Tools.failUnderCiIfMissing(RUNNER);
    }

    @Test
    void tcpCubicGetsMostOfARouterBottleneckNextToLedbatPlusPlus() throws Exception {
        assertTcpShare(FlowKind.TCP_CUBIC, MIN_CUBIC_SHARE);
    }

    @Test
    @KernelOffersBbr
    void tcpBbrGetsMostOfARouterBottleneckNextToLedbatPlusPlus() throws Exception {
        Tools.failWithoutBbr();
        assertTcpShare(FlowKind.TCP_BBR, MIN_BBR_SHARE);
    }

    @Test
    void aLatecomerGetsItsShareWithinTwentySeconds() throws Exception {
        FlowKind jutp = FlowKind.JUTP_LEDBAT_PLUS_PLUS;
        Trace t = RUNNER.run(new Scenario("two " + jutp.label + " flows", Shape.MBIT_20, List.of(
                new Scenario.Flow("first", jutp, 0),
                new Scenario.Flow("latecomer", jutp, 10)), 32, 12, 32));
        System.out.println(t.summary());
        double jain = t.jain("first", "latecomer");
        assertTrue(jain >= MIN_LATECOMER_JAIN, "Jain's index " + jain + " over 20 s after the latecomer joined: " + t.summary());
    }

    private static void assertTcpShare(FlowKind tcp, double min) throws Exception {
        Trace t = RUNNER.run(Scenario.tcpJoining(FlowKind.JUTP_LEDBAT_PLUS_PLUS, tcp));
        System.out.println(t.summary());
        assertTrue(t.share("tcp") >= min, tcp.label + " got less than " + Math.round(100 * min)
                + " % of the router's link next to jutp: " + t.summary());
        assertTrue(t.share("jutp") > 0, "jutp moved nothing while TCP ran: " + t.summary());
    }
}
