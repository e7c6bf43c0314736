package dev.jutp.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * jutp's LEDBAT++ ({@code --congestion ledbat++}) judged against the real kernel's TCP (issue 12), the short
 * version of {@code bench/kernel-cc.sh}: a namespace whose loopback is a 20 Mbit/s tbf bottleneck
 * with up to 400 ms of queue, jutp moved by two {@code bin/utpcat} processes, iperf3 joining 5 s
 * after jutp's first byte, TCP's share judged over the 10 s from 1 s after it joined. A background
 * transport must leave TCP most of the link; this test holds the line against starving it.
 * Failsafe runs this after {@code package}, so {@code bin/utpcat} runs the built jar. Under
 * CI a missing tool fails (and a kernel without BBR fails that case: .ci/run loads tcp_bbr); elsewhere
 * the test skips, for the reasons in its annotations. {@code -Djutp.kernel.it.flow=JUTP_CLASSIC} runs it against classic LEDBAT.
 */
@EnabledIf(value = "dev.jutp.kernel.Tools#loopbackHarnessOrCi", disabledReason = "needs unshare -rn with tc (iproute2), iperf3 and ping"
        + " (iputils-ping) in a network namespace, node with utp-native in src/test/interop/node_modules, and the"
        + " built jar behind bin/utpcat; skipped"
        + " without them (what is missing is printed on stderr), except under CI (CI=true), where .ci/run installs"
        + " them and runs as root, so a missing one fails")
class KernelCongestionIT {
    /*
     * Loose: these catch the starvation issue 12 measured (TCP at 1.4-3.1 % of the link next to a uTP
     * sender), not the 80 % target. On this harness TCP's share next to LEDBAT++ is bimodal
     * from run to run: ~90 % (TCP fills its ~100 ms queue, LEDBAT++ falls to its floor) or 25-35 % (the
     * local TCP sender keeps only ~16 segments in flight, well under its cwnd, so its rate falls with
     * every millisecond of queue LEDBAT++ holds below its target). Quiet 2-core machine, this test's
     * 10 s window: CUBIC 92.3 % and BBR 75.4 % in one run, 25-32 % in others. The bench
     * (bench/kernel-cc.sh) has medians and ranges.
     */
    static final double MIN_CUBIC_SHARE = 0.15;
    static final double MIN_BBR_SHARE = 0.15;
    /** And jutp alone still uses the link (a sender that yields by never sending must fail). */
    static final double MIN_ALONE_SHARE = 0.60;

    private static final ScenarioRunner RUNNER = ScenarioRunner.ofProject(Topology.LOOPBACK);
    private static final FlowKind JUTP = FlowKind.valueOf(System.getProperty("jutp.kernel.it.flow", "JUTP_LEDBAT_PLUS_PLUS"));

    @BeforeAll
    static void tools() {
        Tools.failUnderCiIfMissing(RUNNER);
    }

    @Test
    void tcpCubicGetsMostOfTheLink() throws Exception {
        assertTcpShare(FlowKind.TCP_CUBIC, MIN_CUBIC_SHARE);
    }

    @Test
    @KernelOffersBbr
    void tcpBbrGetsMostOfTheLink() throws Exception {
        Tools.failWithoutBbr();
        assertTcpShare(FlowKind.TCP_BBR, MIN_BBR_SHARE);
    }

    @Test
    void aloneJutpUsesTheLink() throws Exception {
        Trace t = RUNNER.run(new Scenario(JUTP.label + " alone", Shape.MBIT_20,
                List.of(new Scenario.Flow("jutp", JUTP, 0)), 10, 3, 10));
        System.out.println(t.summary());
        assertTrue(t.share("jutp") >= MIN_ALONE_SHARE, t.summary());
    }

    private static void assertTcpShare(FlowKind tcp, double min) throws Exception {
        Trace t = RUNNER.run(Scenario.tcpJoining(JUTP, tcp));
        System.out.println(t.summary());
        assertTrue(t.share("tcp") >= min, tcp.label + " got less than " + Math.round(100 * min)
                + " % of the link next to jutp: " + t.summary());
    }
}
