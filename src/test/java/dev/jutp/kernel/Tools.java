package dev.jutp.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;

/** What the harness needs from the machine, checked before a run. */
public final class Tools {
    private static final String CONGESTION = "/proc/sys/net/ipv4/tcp_available_congestion_control";

    private Tools() {
    }

    /**
     * Why the harness cannot run here (a namespace with a tbf-shaped loopback, iperf3, ping, node with
     * utp-native, the built jar behind {@code bin/utpcat}), or null when it can.
     */
    public static String missing(ScenarioRunner runner) {
        String probe = Shape.MBIT_20.setup() + " && command -v iperf3 && ping -c 1 -W 2 127.0.0.1";
        String namespace = run(List.of("unshare", "-rn", "sh", "-c", probe));
        if (namespace != null) {
            return "needs unshare -rn, tc (iproute2), iperf3 and ping (iputils-ping) in a network namespace: " + namespace;
        }
        if (runner.topology() == Topology.ROUTED) {
            String routed = run(List.of("sh", "-c", "ns=jutp-probe-$$ && ip netns add $ns && ip netns del $ns"));
            if (routed != null) {
                return "the routed topology needs root for ip netns: " + routed;
            }
        }
        String node = run(List.of("node", "-e", "require(process.argv[1])",
                runner.interop().resolve("node_modules/utp-native").toString()));
        if (node != null) {
            return "needs node with utp-native in " + runner.interop() + "/node_modules (npm install there): " + node;
        }
        String cat = run(List.of(runner.utpcat().toString(), "--help"));
        if (cat != null) {
            return runner.utpcat() + " --help failed (build the jar first: mvn -B -DskipTests package): " + cat;
        }
        return null;
    }

    /** The kernel's TCP congestion controls (e.g. "reno bbr cubic"), as a namespace sees them. */
    public static String tcpCongestionControls() throws IOException {
        return Files.readString(java.nio.file.Path.of(CONGESTION), StandardCharsets.US_ASCII).trim();
    }

    /** Whether iperf3 can select {@code algorithm} ({@code -C}): the kernel has it built in or loaded. */
    public static boolean tcpHas(String algorithm) throws IOException {
        return List.of(tcpCongestionControls().split("\\s+")).contains(algorithm);
    }

    /** What {@link #missing} found per topology, so a condition and a {@code @BeforeAll} probe once. */
    private static final Map<Topology, Optional<String>> MISSING = new ConcurrentHashMap<>();

    private static boolean underCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** {@link #missing} for the project's runner on {@code topology}, probed once per JVM. */
    private static String missing(Topology topology) {
        return MISSING.computeIfAbsent(topology, t -> Optional.ofNullable(missing(ScenarioRunner.ofProject(t)))).orElse(null);
    }

    /**
     * The condition of a kernel IT ({@code @EnabledIf}): run under CI, where .ci/run runs as root and
     * installs the tools (so {@link #failUnderCiIfMissing} turns a missing one into a failure), or
     * where everything is present; elsewhere skip, printing what is missing.
     */
    private static boolean harnessOrCi(Topology topology) {
        String missing = missing(topology);
        if (missing != null && !underCi()) {
            System.err.println("skipped: " + missing);
        }
        return missing == null || underCi();
    }

    /** {@code @EnabledIf} of {@link KernelCongestionIT}. */
    public static boolean loopbackHarnessOrCi() {
        return harnessOrCi(Topology.LOOPBACK);
    }

    /** {@code @EnabledIf} of {@link RoutedCongestionIT}. */
    public static boolean routedHarnessOrCi() {
        return harnessOrCi(Topology.ROUTED);
    }

    /** Under CI a missing tool or privilege fails the kernel IT, naming it. */
    static void failUnderCiIfMissing(ScenarioRunner runner) {
        String missing = missing(runner.topology());
        if (missing != null) {
            Assertions.fail(missing + " (CI=true: .ci/run runs as root and installs them)");
        }
    }

    /** {@code @EnabledIf} of {@link KernelOffersBbr}: under CI, or where the kernel offers BBR. */
    public static boolean bbrOrCi() throws IOException {
        return tcpHas("bbr") || underCi();
    }

    /** Under CI a kernel without BBR fails the BBR case (.ci/run loads tcp_bbr as root). */
    static void failWithoutBbr() throws IOException {
        if (!tcpHas("bbr")) {
            Assertions.fail("this kernel offers no BBR (tcp_available_congestion_control: " + tcpCongestionControls()
                    + "); .ci/run loads it with modprobe tcp_bbr as root");
        }
    }

    /** Null when {@code command} exits 0 within 30 s, else what it printed. */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
