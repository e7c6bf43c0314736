package dev.jutp.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Scenario} in network namespaces of its own, then {@link InNamespace} in a child JVM
 * runs its flows and its report becomes a {@link Trace}. {@link Topology#LOOPBACK}: a new user and
 * network namespace ({@code unshare -rn}) whose loopback is shaped, the child JVM inside it.
 * {@link Topology#ROUTED}: three namespaces ({@link RoutedNet}), the child JVM outside starting each
 * process in its namespace. Traffic never leaves the namespaces, so its ports cannot collide.
 *
 * @param utpcat   the utpcat launcher (normally {@code bin/utpcat}, which runs the built jar)
 * @param interop  the directory of utp_peer.js and its node_modules
 * @param topology where the bottleneck sits
 */
public record ScenarioRunner(Path utpcat, Path interop, Topology topology) {
    private static final long SLACK_SECONDS = 90;

    /** The launcher ({@code -Djutp.kernel.utpcat}, default bin/utpcat) and peer of the project checkout the JVM runs in. */
    public static ScenarioRunner ofProject(Topology topology) {
        return new ScenarioRunner(Path.of(System.getProperty("jutp.kernel.utpcat", "bin/utpcat")).toAbsolutePath(),
                Path.of("src/test/interop").toAbsolutePath(), topology);
    }

    public Trace run(Scenario s) throws Exception {
        if (topology == Topology.LOOPBACK) {
            return run(s, List.of("unshare", "-rn", "sh", "-c", s.shape().setup() + " && exec \"$@\"", "sh"), List.of());
        }
        try (RoutedNet net = RoutedNet.create(s.shape())) {
            return run(s, List.of(), List.of("-Djutp.kernel.senderNs=" + net.sender, "-Djutp.kernel.receiverNs=" + net.receiver,
                    "-Djutp.kernel.senderAddress=" + RoutedNet.SENDER_ADDRESS,
                    "-Djutp.kernel.receiverAddress=" + RoutedNet.RECEIVER_ADDRESS));
        }
    }

    private Trace run(Scenario s, List<String> wrapper, List<String> properties) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-Djutp.kernel.utpcat=" + utpcat, "-Djutp.kernel.interop=" + interop));
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), InNamespace.class.getName(), Double.toString(s.seconds())));
        for (Scenario.Flow f : s.flows()) {
            cmd.add(f.argument());
        }
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = drain(p.getInputStream(), out);
        Thread errReader = drain(p.getErrorStream(), err);
        boolean exited = p.waitFor((long) s.seconds() + SLACK_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        outReader.join(5_000);
        errReader.join(5_000);
        String stderr = err.toString(StandardCharsets.UTF_8);
        if (!exited || p.exitValue() != 0) {
            throw new IOException("scenario " + s.name() + (exited ? " failed (exit " + p.exitValue() + ")" : " did not finish")
                    + "; its stderr:\n" + tail(stderr));
        }
        return parse(s, out.toString(StandardCharsets.UTF_8), stderr);
    }

    private static Trace parse(Scenario s, String report, String stderr) throws IOException {
        double baseline = Double.NaN;
        List<Trace.Point> pings = new ArrayList<>();
        Map<String, List<Trace.Point>> received = new HashMap<>();
        for (String line : report.split("\n")) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "baseline" -> baseline = Double.parseDouble(w[1]);
                case "ping" -> pings.add(new Trace.Point(Double.parseDouble(w[1]), Double.parseDouble(w[2])));
                case "bytes" -> received.computeIfAbsent(w[1], k -> new ArrayList<>())
                        .add(new Trace.Point(Double.parseDouble(w[2]), Double.parseDouble(w[3])));
                default -> { }
            }
        }
        if (Double.isNaN(baseline)) {
            throw new IOException("scenario " + s.name() + " reported nothing; its stderr:\n" + tail(stderr));
        }
        for (Scenario.Flow f : s.flows()) {
            List<Trace.Point> r = received.get(f.name());
            if (r == null || r.isEmpty() || r.getLast().value() == 0) {
                throw new IOException("flow " + f.name() + " (" + f.kind().label + ") of " + s.name()
                        + " moved no bytes; stderr:\n" + tail(stderr));
            }
        }
        return new Trace(s, baseline, pings, received);
    }

    private static String tail(String text) {
        return text.length() <= 6000 ? text : "…" + text.substring(text.length() - 6000);
    }

    private static Thread drain(java.io.InputStream in, ByteArrayOutputStream to) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // process gone
            }
        });
    }
}
