package dev.jutp.kernel;

import java.util.List;

/**
 * The bench's scenarios, each run for every uTP implementation: the measure it yields, issue 12's
 * target for it, and the scenario for one implementation.
 */
enum BenchScenario {
    ALONE_20("alone, 20 Mbit/s: share of the link", "≥ 90 %", Shape.MBIT_20, "alone"),
    ALONE_20_DELAY("alone, 20 Mbit/s: median queueing delay added", "≤ 75 ms", Shape.MBIT_20, "alone"),
    CUBIC_20("TCP CUBIC's share, joining after 5 s, 20 Mbit/s", "≥ 80 %", Shape.MBIT_20, "cubic"),
    BBR_20("TCP BBR's share, joining after 5 s, 20 Mbit/s", "≥ 80 %", Shape.MBIT_20, "bbr"),
    PAIR_20("two uTP flows, the second 10 s late: Jain fairness over 20 s", "≥ 0.9", Shape.MBIT_20, "pair"),
    ALONE_5("alone, 5 Mbit/s: share of the link", "—", Shape.MBIT_5, "alone-5"),
    ALONE_5_DELAY("alone, 5 Mbit/s: median queueing delay added", "—", Shape.MBIT_5, "alone-5"),
    CUBIC_5("TCP CUBIC's share, joining after 5 s, 5 Mbit/s", "—", Shape.MBIT_5, "cubic-5");

    final String measure;
    final String target;
    final Shape shape;
    /** Measures with the same run share it (the alone run gives share and delay). */
    final String run;

    BenchScenario(String measure, String target, Shape shape, String run) {
        this.measure = measure;
        this.target = target;
        this.shape = shape;
        this.run = run;
    }

    /** The scenario that yields this measure for {@code utp}; {@code scale} shortens every time (1: full). */
    Scenario scenario(FlowKind utp, double scale) {
        String name = run + " " + utp.label;
        Scenario.Flow first = new Scenario.Flow("utp", utp, 0);
        return switch (run) {
            case "alone", "alone-5" -> new Scenario(name, shape, List.of(first), 20 * scale, 5 * scale, 20 * scale);
            // TCP joins established uTP traffic; judged from 1 s after it joined (its connection set-up).
            case "cubic", "cubic-5", "bbr" -> new Scenario(name, shape, List.of(first, new Scenario.Flow("tcp",
                    run.startsWith("bbr") ? FlowKind.TCP_BBR : FlowKind.TCP_CUBIC, 5 * scale)),
                    25 * scale, 6 * scale, 25 * scale);
            // The latecomer is judged from 2 s after its launch (its sender's start-up) for 20 s.
            case "pair" -> new Scenario(name, shape, List.of(first, new Scenario.Flow("utp2", utp, 10 * scale)),
                    32 * scale, 12 * scale, 32 * scale);
            default -> throw new IllegalStateException(run);
        };
    }

    /** The figure this measure takes from a trace of its scenario. */
    double measure(Trace t) {
        return switch (this) {
            case ALONE_20, ALONE_5 -> 100 * t.share("utp");
            case ALONE_20_DELAY, ALONE_5_DELAY -> t.medianAddedDelayMs();
            case CUBIC_20, BBR_20, CUBIC_5 -> 100 * t.share("tcp");
            case PAIR_20 -> t.jain("utp", "utp2");
        };
    }

    /** How the figure is written: percentages and milliseconds whole, fairness with two decimals. */
    String format(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return switch (this) {
            case PAIR_20 -> String.format("%.2f", v);
            case ALONE_20_DELAY, ALONE_5_DELAY -> String.format("%.0f ms", v);
            default -> String.format("%.0f %%", v);
        };
    }
}
