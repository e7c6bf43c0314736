package dev.jutp.bench.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The end-to-end benchmark (bench/harness.sh runs it): every case once per round, rounds interleaved,
 * then one table with medians, ranges and same-round ratios to libutp → libutp, and the targets of
 * issue 6 checked against it.
 *
 * <pre>
 * Harness [--size MB] [--reps N] [--cases id,id,...] [--utp-bench PATH] [--markdown] [--out FILE]
 *         [--timeout-s S] [--no-warmup]
 * </pre>
 * Progress goes to stderr, the machine line and the table to stdout (and to --out as Markdown).
 */
public final class Harness {
    /** Parsed command line. */
    public record Config(long bytes, int reps, List<String> ids, Path cBench, boolean markdown, Path out,
                         Duration timeout, boolean warmup, Path utpcat, int busy, Path utpcatBaseline) {
        static Config parse(String... args) {
            long bytes = 200_000_000L;
            int reps = 3;
            List<String> ids = Cases.DEFAULT_IDS;
            Path cBench = null;
            boolean markdown = false;
            Path out = null;
            Duration timeout = Duration.ofSeconds(180);
            boolean warmup = true;
            Path utpcat = null;
            Path utpcatBaseline = null;
            int busy = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--markdown" -> markdown = true;
                    case "--no-warmup" -> warmup = false;
                    case "--size" -> bytes = (long) (Double.parseDouble(value(args, ++i, a)) * 1e6);
                    case "--reps" -> reps = Integer.parseInt(value(args, ++i, a));
                    case "--cases" -> ids = List.of(value(args, ++i, a).split(","));
                    case "--utp-bench" -> cBench = Path.of(value(args, ++i, a));
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--timeout-s" -> timeout = Duration.ofSeconds(Long.parseLong(value(args, ++i, a)));
                    case "--utpcat" -> utpcat = Path.of(value(args, ++i, a));
                    case "--utpcat-baseline" -> utpcatBaseline = Path.of(value(args, ++i, a));
                    case "--busy" -> busy = Integer.parseInt(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (bytes <= 0 || reps <= 0 || busy < 0) {
                throw new IllegalArgumentException("--size and --reps must be positive, --busy not negative");
            }
            ids.forEach(Cases::byId); // fails early on a typo
            return new Config(bytes, reps, ids, cBench, markdown, out, timeout, warmup, utpcat, busy, utpcatBaseline);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

    /** What a run of the harness produced. */
    public record Outcome(String machine, Table table, List<RunResult> results, List<String> targets) {}

    public static void main(String[] args) throws IOException {
        Config c;
        try {
            c = Config.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: Harness [--size MB] [--reps N] [--cases " + String.join(",", Cases.ALL.stream()
                    .map(Cases.Case::id).toList()) + "] [--utp-bench PATH] [--markdown] [--out FILE] [--timeout-s S]"
                    + " [--no-warmup] [--utpcat bin/utpcat] [--utpcat-baseline other/bin/utpcat] [--busy N]");
            System.exit(2);
            return;
        }
        Outcome o = run(c, System.err);
        String table = c.markdown() ? o.table().markdown() : o.table().text();
        String report = o.machine() + "\n" + header(c) + "\n\n" + table + "\n" + String.join("\n", o.targets()) + "\n";
        System.out.print(report);
        if (c.out() != null) {
            Files.writeString(c.out(), o.machine() + "\n" + header(c) + "\n\n" + o.table().markdown() + "\n"
                    + String.join("\n", o.targets()) + "\n");
        }
        System.exit(o.results().stream().allMatch(RunResult::ok) ? 0 : 1);
    }

    static String header(Config c) {
        return String.format(Locale.ROOT, "%d round(s) × %.0f MB per case, one connection each, loopback; "
                + "MB = 10^6 B; CPU-s/GB = user+sys of both ends per 10^9 B; ratios are same-round medians%s",
                c.reps(), c.bytes() / 1e6, c.busy() > 0 ? "; " + c.busy() + " busy loop(s) running beside every case"
                        : "");
    }

    /** Runs every case of {@code c} once per round; {@code progress} gets one line per transfer. */
    public static Outcome run(Config c, PrintStream progress) {
        String machine = Machine.describe();
        progress.println(machine);
        Cases cases = new Cases(c.cBench(), c.bytes(), c.timeout(), c.utpcat(), c.utpcatBaseline());
        if (c.warmup()) {
            // Let the JIT compile the jutp path before anything is measured (results discarded).
            Cases warm = new Cases(c.cBench(), Math.min(c.bytes(), 50_000_000L), c.timeout());
            for (String id : List.of("jutp-linux", "jutp-nio")) {
                if (c.ids().contains(id)) {
                    progress.println("warm-up " + warm.run(id, 0));
                }
            }
        }
        List<RunResult> results = new ArrayList<>();
        try (BusyLoops busy = new BusyLoops(c.busy())) {
            for (int round = 1; round <= c.reps(); round++) {
                for (String id : c.ids()) {
                    RunResult r = cases.run(id, round);
                    progress.println(r);
                    results.add(r);
                }
            }
        } catch (java.io.IOException e) {
            progress.println("cannot start the busy loops: " + e.getMessage());
        } finally {
            cases.deleteInput();
        }
        Table t = new Table(c.ids(), results, c.bytes());
        // The load average at both ends says how busy the machine was while we measured.
        return new Outcome(machine + ", at end " + Machine.loadAverage(), t, results, targets(t, c.ids(), c.busy()));
    }

    /** Issue 6's targets, checked against this run's same-round medians (only where both rows ran). */
    static List<String> targets(Table t, List<String> ids, int busy) {
        List<String> lines = new ArrayList<>();
        if (ids.containsAll(Arrays.asList("utpcat", "libutp")) && (busy == 0 || busy == 2)) {
            // Issue 17: the user's path, quiet and beside two busy loops.
            double mb = t.ratio("utpcat", "libutp", RunResult::mbPerSecond);
            double want = busy == 0 ? 2.5 : 2.0;
            lines.add(String.format(Locale.ROOT, "target: utpcat → utpcat ≥ %.1f× libutp MB/s%s: %s× → %s", want,
                    busy == 0 ? "" : " beside two busy loops", Table.fmt(mb, 2), mb >= want ? "met" : "not met"));
        }
        if (ids.containsAll(Arrays.asList("utpcat", "utpcat-baseline"))) {
            lines.add(String.format(Locale.ROOT, "utpcat ÷ utpcat-baseline, same rounds: %s× MB/s, %s× CPU-s/GB",
                    Table.fmt(t.ratio("utpcat", "utpcat-baseline", RunResult::mbPerSecond), 2),
                    Table.fmt(t.ratio("utpcat", "utpcat-baseline", RunResult::cpuSecondsPerGb), 2)));
        }
        if (ids.contains("utpcat")) {
            double syn = t.startToSynMedian("utpcat");
            lines.add(String.format(Locale.ROOT, "target: utpcat start to first SYN ≤ 0.2 s%s: %s s → %s",
                    busy == 0 ? "" : " (" + busy + " busy loops)", Table.fmt(syn, 3), syn <= 0.2 ? "met" : "not met"));
        }
        if (ids.containsAll(Arrays.asList("jutp-linux", "libutp"))) {
            double mb = t.ratio("jutp-linux", "libutp", RunResult::mbPerSecond);
            double cpu = t.ratio("jutp-linux", "libutp", RunResult::cpuSecondsPerGb);
            lines.add(String.format(Locale.ROOT, "target: jutp Linux ≥ 2× libutp MB/s at ≤ 0.5× its CPU-s/GB: %s× and %s× → %s",
                    Table.fmt(mb, 2), Table.fmt(cpu, 3), mb >= 2 && cpu <= 0.5 ? "met" : "not met"));
        }
        if (ids.containsAll(Arrays.asList("jutp-nio", "libutp"))) {
            double mb = t.ratio("jutp-nio", "libutp", RunResult::mbPerSecond);
            lines.add(String.format(Locale.ROOT, "target: jutp NIO ≥ libutp MB/s: %s× → %s", Table.fmt(mb, 2),
                    mb >= 1 ? "met" : "not met"));
        }
        if (ids.containsAll(Arrays.asList("jutp-linux-defbuf", "jutp-linux"))) {
            double mb = t.ratio("jutp-linux-defbuf", "jutp-linux", RunResult::mbPerSecond);
            lines.add(String.format(Locale.ROOT, "target: default socket buffers within 80 %% of jutp's best: %s× → %s",
                    Table.fmt(mb, 2), mb >= 0.8 ? "met" : "not met"));
        }
        return lines;
    }
}
