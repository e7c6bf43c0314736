package dev.jutp.kernel;

import java.util.List;

/**
 * One measurement: flows that start at given times through one shaped loopback, run until
 * {@code seconds}, judged over the window [{@code from}, {@code to}]. Times are seconds from the first
 * byte a receiver got from the flows that start at 0.
 */
public record Scenario(String name, Shape shape, List<Flow> flows, double seconds, double from, double to) {

    /** One flow: a name unique in the scenario, what moves it, and when it starts. */
    public record Flow(String name, FlowKind kind, double start) {
        public Flow {
            if (!name.matches("[A-Za-z0-9_+.-]+")) {
                throw new IllegalArgumentException("flow name must be one word: " + name);
            }
        }

        /** The form {@link InNamespace} takes on its command line. */
        String argument() {
            return name + ":" + kind + ":" + start;
        }

        static Flow parse(String argument) {
            String[] p = argument.split(":");
            return new Flow(p[0], FlowKind.valueOf(p[1]), Double.parseDouble(p[2]));
        }
    }

    public Scenario {
        flows = List.copyOf(flows);
        if (!(0 <= from && from < to && to <= seconds)) {
            throw new IllegalArgumentException("window [" + from + ", " + to + "] outside [0, " + seconds + "]");
        }
    }

    /**
     * The integration tests' short form of "TCP joins": {@code utp} (flow "jutp") from 0, {@code tcp}
     * (flow "tcp") from 5 s, 16 s in all, judged over the 10 s from 1 s after TCP joined.
     */
    public static Scenario tcpJoining(FlowKind utp, FlowKind tcp) {
        return new Scenario(utp.label + " + " + tcp.label, Shape.MBIT_20, List.of(
                new Flow("jutp", utp, 0), new Flow("tcp", tcp, 5)), 16, 6, 16);
    }

    /** The flow called {@code name}. */
    public Flow flow(String name) {
        return flows.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no flow " + name + " in " + this.name));
    }
}
