package dev.jutp.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The full real-kernel congestion bench ({@code bench/kernel-cc.sh}): every {@link BenchScenario}
 * for jutp's default controller, jutp with classic LEDBAT and libutp, interleaved in each round so
 * the machine's load falls on all alike; a markdown table of medians and ranges, and one PNG per
 * scenario drawn from the first round, named after the topology ({@code kernel-cc*} for the shaped
 * loopback, {@code routed-cc*} for the router namespaces).
 * <pre>
 *   KernelCcBench [--rounds 3] [--scale 1.0] [--out docs/figures] [--topology loopback|routed]
 *                 [--only alone,cubic,bbr,pair,alone-5,cubic-5] [--utp ledbat++,ledbat,libutp]
 * </pre>
 */
public final class KernelCcBench {
    private static final Map<String, FlowKind> BY_NAME = Map.of("ledbat++", FlowKind.JUTP_LEDBAT_PLUS_PLUS,
            "ledbat", FlowKind.JUTP_CLASSIC, "libutp", FlowKind.LIBUTP);

    private KernelCcBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        double scale = 1.0;
        Path out = Path.of("docs/figures");
        List<String> only = null;
        Topology topology = Topology.LOOPBACK;
        List<FlowKind> implementations = List.of(FlowKind.JUTP_LEDBAT_PLUS_PLUS, FlowKind.JUTP_CLASSIC, FlowKind.LIBUTP);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--topology" -> topology = Topology.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                case "--utp" -> implementations = Arrays.stream(args[++i].split(",")).map(n -> {
                    FlowKind k = BY_NAME.get(n);
                    if (k == null) {
                        throw new IllegalArgumentException("--utp takes ledbat++, ledbat and libutp, not " + n);
                    }
                    return k;
                }).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: KernelCcBench"
                        + " [--rounds N] [--scale F] [--out DIR] [--topology loopback|routed] [--only alone,cubic,bbr,pair,alone-5,cubic-5]"
                        + " [--utp ledbat++,ledbat,libutp]");
            }
        }
        ScenarioRunner runner = ScenarioRunner.ofProject(topology);
        String name = topology == Topology.ROUTED ? "routed-cc" : "kernel-cc";
        String missing = Tools.missing(runner);
        if (missing != null) {
            System.err.println("kernel-cc: " + missing);
            System.exit(2);
        }
        Files.createDirectories(out);
        String load = uptime();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        System.err.println(name + ": " + rounds + " rounds, " + topology.description + ", load " + load
                + ", TCP congestion controls: " + Tools.tcpCongestionControls());

        List<String> runs = new ArrayList<>();
        for (BenchScenario b : BenchScenario.values()) {
            if (!runs.contains(b.run) && (only == null || only.contains(b.run))) {
                runs.add(b.run);
            }
        }
        // run -> implementation -> one trace per round (null: that round failed)
        Map<String, Map<FlowKind, List<Trace>>> traces = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String run : runs) {
                BenchScenario any = Arrays.stream(BenchScenario.values()).filter(b -> b.run.equals(run)).findFirst().orElseThrow();
                for (FlowKind utp : implementations) {
                    Scenario s = any.scenario(utp, scale);
                    Trace t = null;
                    try {
                        t = runner.run(s);
                        System.err.println("round " + round + ": " + t.summary());
                    } catch (Exception e) {
                        System.err.println("round " + round + ": " + s.name() + " FAILED: " + e.getMessage());
                    }
                    traces.computeIfAbsent(run, k -> new EnumMap<>(FlowKind.class))
                            .computeIfAbsent(utp, k -> new ArrayList<>()).add(t);
                }
            }
        }
        String table = table(traces, implementations, rounds, scale, load, started, topology);
        Files.writeString(out.resolve(name + ".md"), table, StandardCharsets.UTF_8);
        System.out.print(table);
        for (String run : runs) {
            List<Trace> firstGood = new ArrayList<>();
            for (FlowKind utp : implementations) {
                traces.get(run).get(utp).stream().filter(t -> t != null).findFirst().ifPresent(firstGood::add);
            }
            if (!firstGood.isEmpty()) {
                Path png = out.resolve(name + "-" + run + ".png");
                Plots.draw(title(run, firstGood.getFirst(), topology), firstGood, png);
                System.err.println(name + ": wrote " + png);
            }
        }
    }

    private static String title(String run, Trace t, Topology topology) {
        String what = switch (run) {
            case "alone", "alone-5" -> "one uTP flow alone";
            case "cubic", "cubic-5" -> "uTP, then TCP CUBIC from 5 s";
            case "bbr" -> "uTP, then TCP BBR from 5 s";
            case "pair" -> "two uTP flows of one implementation, the second from 10 s";
            default -> run;
        };
        return what + " — " + t.scenario().shape().name() + " (real kernel, " + topology.description + ")";
    }

    private static String table(Map<String, Map<FlowKind, List<Trace>>> traces, List<FlowKind> implementations, int rounds,
            double scale, String load, Instant started, Topology topology) {
        StringBuilder s = new StringBuilder();
        s.append("| measure | issue 12 target |");
        implementations.forEach(k -> s.append(' ').append(k.label).append(" |"));
        s.append("\n|---|---|");
        implementations.forEach(k -> s.append("---|"));
        s.append('\n');
        for (BenchScenario b : BenchScenario.values()) {
            Map<FlowKind, List<Trace>> byImpl = traces.get(b.run);
            if (byImpl == null) {
                continue;
            }
            s.append("| ").append(b.measure).append(" | ").append(b.target).append(" |");
            for (FlowKind k : implementations) {
                double[] v = byImpl.get(k).stream().filter(t -> t != null).mapToDouble(b::measure).toArray();
                s.append(' ').append(cell(b, v, rounds)).append(" |");
            }
            s.append('\n');
        }
        s.append("\nMedian (min–max) of ").append(rounds).append(" rounds").append(scale == 1.0 ? "" : ", times scaled by " + scale)
                .append("; started ").append(started).append(", load before the run: ").append(load)
                .append("; ").append(topology.description).append(". Made by `bench/kernel-cc.sh")
                .append(topology == Topology.ROUTED ? " --topology routed" : "").append("`.\n");
        return s.toString();
    }

    private static String cell(BenchScenario b, double[] v, int rounds) {
        if (v.length == 0) {
            return "failed";
        }
        double min = Arrays.stream(v).min().orElseThrow();
        double max = Arrays.stream(v).max().orElseThrow();
        String c = b.format(Trace.Stats.median(v));
        if (v.length > 1) {
            c += " (" + b.format(min).replace(" %", "").replace(" ms", "") + "–" + b.format(max) + ")";
        }
        return v.length < rounds ? c + " [" + v.length + " of " + rounds + " rounds]" : c;
    }

    private static String uptime() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
