package dev.jutp.bench.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Summarises the runs of each row: median and range of MB/s and CPU-s/GB over the runs that
 * succeeded, and ratios to libutp → libutp taken round by round (same round = same machine load),
 * then their median. Prints as Markdown (pastes into README) or as aligned text.
 */
public final class Table {
    static final String REFERENCE = "libutp";
    static final String[] HEADER = {"case", "ok", "MB/s median (range)", "CPU-s/GB median (range)",
        "× libutp MB/s", "× libutp CPU-s/GB", "jutp send-buffer-full drops", "kernel UDP rcvbuf/sndbuf errors", "start → first SYN s median (range)",
        "note"};

    private final List<String> ids;
    private final List<RunResult> results;
    private final long bytes;

    public Table(List<String> ids, List<RunResult> results, long bytes) {
        this.ids = ids;
        this.results = results;
        this.bytes = bytes;
    }

    /** One row per case id, as cells in {@link #HEADER} order. */
    public List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        for (String id : ids) {
            List<RunResult> all = results.stream().filter(r -> r.caseName().equals(id)).toList();
            List<RunResult> ok = all.stream().filter(RunResult::ok).toList();
            String[] row = new String[HEADER.length];
            row[0] = Cases.byId(id).label();
            row[1] = ok.size() + "/" + all.size();
            row[2] = fmt(median(ok, RunResult::mbPerSecond), 1) + " (" + range(ok, RunResult::mbPerSecond, 1) + ")";
            row[3] = fmt(median(ok, RunResult::cpuSecondsPerGb), 2) + " (" + range(ok, RunResult::cpuSecondsPerGb, 2) + ")";
            row[4] = id.equals(REFERENCE) ? "1.00" : fmt(sameRoundRatio(ok, RunResult::mbPerSecond), 2);
            row[5] = id.equals(REFERENCE) ? "1.00" : fmt(sameRoundRatio(ok, RunResult::cpuSecondsPerGb), 2);
            row[6] = drops(ok);
            row[7] = kernelDrops(ok);
            row[8] = startToSyn(all);
            row[9] = note(id, all, ok);
            rows.add(row);
        }
        return rows;
    }

    /** Median over rounds of (this row / libutp row) for rounds where both succeeded. */
    double sameRoundRatio(List<RunResult> ok, ToDoubleFunction<RunResult> f) {
        List<Double> ratios = new ArrayList<>();
        for (RunResult r : ok) {
            results.stream().filter(x -> x.ok() && x.caseName().equals(REFERENCE) && x.round() == r.round())
                    .findFirst().ifPresent(ref -> ratios.add(f.applyAsDouble(r) / f.applyAsDouble(ref)));
        }
        return median(ratios);
    }

    /** Median over rounds of (row a / row b) in the same round, NaN if none. */
    public double ratio(String a, String b, ToDoubleFunction<RunResult> f) {
        List<Double> ratios = new ArrayList<>();
        for (RunResult ra : results) {
            if (!ra.ok() || !ra.caseName().equals(a)) {
                continue;
            }
            results.stream().filter(x -> x.ok() && x.caseName().equals(b) && x.round() == ra.round()).findFirst()
                    .ifPresent(rb -> ratios.add(f.applyAsDouble(ra) / f.applyAsDouble(rb)));
        }
        return median(ratios);
    }

    private String note(String id, List<RunResult> all, List<RunResult> ok) {
        if (id.startsWith("udp") && !ok.isEmpty()) {
            return "delivered " + range(ok, r -> 100.0 * r.bytesVerified() / bytes, 0) + " %";
        }
        return all.stream().filter(r -> !r.ok()).map(RunResult::note).findFirst()
                .map(n -> "failed: " + (n.length() > 80 ? n.substring(0, 80) + "…" : n)).orElse("");
    }

    private static String drops(List<RunResult> ok) {
        List<RunResult> withDrops = ok.stream().filter(r -> r.sendBufferFullDrops() >= 0).toList();
        if (withDrops.isEmpty()) {
            return "–";
        }
        long max = withDrops.stream().mapToLong(RunResult::sendBufferFullDrops).max().orElse(0);
        long min = withDrops.stream().mapToLong(RunResult::sendBufferFullDrops).min().orElse(0);
        return min == max ? Long.toString(max) : min + "–" + max;
    }

    /** utpcat rows: launch to first SYN over every round (measured beside the transfer, so failures count too). */
    private static String startToSyn(List<RunResult> all) {
        List<RunResult> m = all.stream().filter(r -> !Double.isNaN(r.startToSynSeconds())).toList();
        if (m.isEmpty()) {
            return all.stream().anyMatch(r -> r.caseName().startsWith("utpcat")) ? "no SYN" : "–";
        }
        return fmt(median(m, RunResult::startToSynSeconds), 3) + " (" + range(m, RunResult::startToSynSeconds, 3) + ")";
    }

    /** Median launch-to-first-SYN seconds of row {@code id} over its rounds, NaN if none. */
    public double startToSynMedian(String id) {
        return median(results.stream().filter(r -> r.caseName().equals(id) && !Double.isNaN(r.startToSynSeconds()))
                .toList(), RunResult::startToSynSeconds);
    }

    /** Medians of the machine-wide kernel counters over the runs (other processes' drops count too). */
    private static String kernelDrops(List<RunResult> ok) {
        List<RunResult> m = ok.stream().filter(r -> r.kernelDrops() != null).toList();
        if (m.isEmpty()) {
            return "–";
        }
        return fmt(median(m, r -> r.kernelDrops().rcvbufErrors()), 0) + "/" + fmt(median(m, r -> r.kernelDrops().sndbufErrors()), 0);
    }

    static double median(List<RunResult> rs, ToDoubleFunction<RunResult> f) {
        return median(rs.stream().map(f::applyAsDouble).toList());
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = values.stream().sorted(Comparator.naturalOrder()).toList();
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static String range(List<RunResult> rs, ToDoubleFunction<RunResult> f, int decimals) {
        if (rs.isEmpty()) {
            return "–";
        }
        double lo = rs.stream().mapToDouble(f).min().orElse(Double.NaN);
        double hi = rs.stream().mapToDouble(f).max().orElse(Double.NaN);
        return fmt(lo, decimals) + "–" + fmt(hi, decimals);
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        sb.append("|").append("---|".repeat(HEADER.length)).append("\n");
        for (String[] row : rows()) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    public String text() {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        rows.addAll(rows());
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(i == 0 ? String.format("%-" + width[i] + "s", r[i]) : String.format("  %" + width[i] + "s", r[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
