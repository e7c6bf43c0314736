package dev.jutp.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of a {@link Scenario} measured: each flow's received-bytes total over time, the
 * ping RTTs over time and the unloaded RTT before any flow started; and the figures drawn from them.
 * Times are seconds from the first scheduled start.
 */
public final class Trace {
    /** A point of a time series. */
    public record Point(double t, double value) {}

    private final Scenario scenario;
    private final double baselineMs;
    private final List<Point> pings;
    private final Map<String, List<Point>> received;

    Trace(Scenario scenario, double baselineMs, List<Point> pings, Map<String, List<Point>> received) {
        this.scenario = scenario;
        this.baselineMs = baselineMs;
        this.pings = List.copyOf(pings);
        Map<String, List<Point>> copy = new LinkedHashMap<>();
        for (Scenario.Flow f : scenario.flows()) {
            List<Point> points = new ArrayList<>();
            points.add(new Point(0, 0));   // nothing was sent before the first start
            points.addAll(received.getOrDefault(f.name(), List.of()));
            copy.put(f.name(), List.copyOf(points));
        }
        this.received = copy;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Bytes {@code flow}'s receiver got in [a, b], the totals interpolated between samples. */
    public double bytes(String flow, double a, double b) {
        return totalAt(received.get(flow), b) - totalAt(received.get(flow), a);
    }

    /** {@code flow}'s share of the link's rate over the scenario's window (0–1). */
    public double share(String flow) {
        return share(flow, scenario.from(), scenario.to());
    }

    double share(String flow, double a, double b) {
        return bytes(flow, a, b) * 8 / (scenario.shape().bitsPerSecond() * (b - a));
    }

    /** Median ping RTT in the window minus the RTT measured before any flow started, in ms. */
    public double medianAddedDelayMs() {
        double[] rtts = pings.stream().filter(p -> p.t() >= scenario.from() && p.t() <= scenario.to())
                .mapToDouble(Point::value).sorted().toArray();
        if (rtts.length == 0) {
            return Double.NaN;
        }
        return Stats.median(rtts) - baselineMs;
    }

    /** Jain's fairness index of the named flows' throughputs over the window (1: equal, 1/n: one has all). */
    public double jain(String... flows) {
        double sum = 0;
        double squares = 0;
        for (String f : flows) {
            double x = bytes(f, scenario.from(), scenario.to());
            sum += x;
            squares += x * x;
        }
        return squares == 0 ? Double.NaN : sum * sum / (flows.length * squares);
    }

    /** {@code flow}'s throughput in Mbit/s per {@code bin} seconds, over the whole run. */
    public List<Point> throughputMbit(String flow, double bin) {
        List<Point> out = new ArrayList<>();
        List<Point> series = received.get(flow);
        for (double a = 0; a + bin <= scenario.seconds() + 1e-9; a += bin) {
            out.add(new Point(a + bin / 2, (totalAt(series, a + bin) - totalAt(series, a)) * 8 / bin / 1e6));
        }
        return out;
    }

    /** Ping RTT minus the unloaded RTT, in ms, over the run. */
    public List<Point> addedDelayMs() {
        return pings.stream().filter(p -> p.t() >= 0).map(p -> new Point(p.t(), p.value() - baselineMs)).toList();
    }

    /** One line of the figures, for logs and failure messages. */
    public String summary() {
        StringBuilder s = new StringBuilder(scenario.name()).append(" [").append(scenario.shape().name())
                .append(", window ").append(scenario.from()).append("-").append(scenario.to()).append(" s]:");
        for (Scenario.Flow f : scenario.flows()) {
            s.append(String.format(" %s %.1f%%", f.name(), 100 * share(f.name())));
        }
        s.append(String.format(", median added delay %.1f ms (unloaded RTT %.3f ms)", medianAddedDelayMs(), baselineMs));
        return s.toString();
    }

    private static double totalAt(List<Point> series, double t) {
        if (t <= series.getFirst().t()) {
            return series.getFirst().value();
        }
        for (int i = 1; i < series.size(); i++) {
            Point p = series.get(i);
            if (t <= p.t()) {
                Point q = series.get(i - 1);
                return q.value() + (p.value() - q.value()) * (t - q.t()) / (p.t() - q.t());
            }
        }
        return series.getLast().value();
    }

    /** Medians and ranges. */
    public static final class Stats {
        private Stats() {
        }

        public static double median(double[] values) {
            double[] v = values.clone();
            Arrays.sort(v);
            int n = v.length;
            return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }
    }
}
