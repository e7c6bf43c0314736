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
 * Runs a {@link Scenario} in a new user and network namespace of its own ({@code unshare -rn}):
 * the namespace's loopback is shaped, then {@link InNamespace} runs in a child JVM inside it and its
 * report becomes a {@link Trace}. Traffic never leaves the namespace, so its ports cannot collide.
 *
 * @param utpcat  the utpcat launcher (normally {@code bin/utpcat}, which runs the built jar)
 * @param interop the directory of utp_peer.js and its node_modules
 */
public record ScenarioRunner(Path utpcat, Path interop) {
    private static final long SLACK_SECONDS = 90;

    /** The launcher ({@code -Djutp.kernel.utpcat}, default bin/utpcat) and peer of the project checkout the JVM runs in. */
    public static ScenarioRunner ofProject() {
        return new ScenarioRunner(Path.of(System.getProperty("jutp.kernel.utpcat", "bin/utpcat")).toAbsolutePath(),
                Path.of("src/test/interop").toAbsolutePath());
    }

    public Trace run(Scenario s) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c",
                s.shape().setup() + " && exec \"$@\"", "sh", java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-Djutp.kernel.utpcat=" + utpcat, "-Djutp.kernel.interop=" + interop,
                "-cp", System.getProperty("java.class.path"), InNamespace.class.getName(), Double.toString(s.seconds())));
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
