package dev.jutp.kernel;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inside of one {@link Scenario}, run in a child JVM by {@link ScenarioRunner}: in the network
 * namespace whose loopback it shaped, or (properties {@code jutp.kernel.senderNs}, {@code receiverNs},
 * {@code senderAddress}, {@code receiverAddress}) outside the routed namespaces, starting senders and
 * ping in the sender's namespace and receivers in the receiver's. Starts ping and every flow's receiver, measures the unloaded RTT,
 * then starts each flow's sender at its time and samples the bytes each receiver got; time 0 is the
 * first byte a receiver got from the flows that start at 0. Arguments:
 * seconds, then one {@code name:KIND:start} per flow; system properties {@code jutp.kernel.utpcat}
 * (the utpcat launcher) and {@code jutp.kernel.interop} (the directory of utp_peer.js). Prints, once
 * the run is over, {@code baseline <ms>}, {@code ping <t> <ms>} and {@code bytes <flow> <t> <total>}
 * lines, times in seconds from time 0; diagnostics go to stderr.
 */
public final class InNamespace {
    private static final Pattern PING = Pattern.compile("time=([0-9.]+) ms");
    private static final Pattern UTPCAT_PORT = Pattern.compile("listening on .*:(\\d+)");
    private static final Pattern PEER_PORT = Pattern.compile("\"event\":\"listening\".*\"port\":(\\d+)");
    private static final Pattern IPERF_INTERVAL = Pattern.compile(
            "\\[\\s*\\d+\\]\\s+([0-9.]+)-([0-9.]+)\\s+sec\\s+[0-9.]+ \\w?Bytes\\s+([0-9.]+) Kbits/sec");
    private static final long READY_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int BASELINE_PINGS = 5;

    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final List<double[]> pings = new CopyOnWriteArrayList<>();   // {nanoTime, ms}
    private final Path scratch;
    private final String utpcat;
    private final Path interop;
    /** Namespaces to start senders and receivers in (null: this one), and their addresses. */
    private final String senderNs = System.getProperty("jutp.kernel.senderNs");
    private final String receiverNs = System.getProperty("jutp.kernel.receiverNs");
    private final String senderAddress = System.getProperty("jutp.kernel.senderAddress", "127.0.0.1");
    private final String receiverAddress = System.getProperty("jutp.kernel.receiverAddress", "127.0.0.1");

    private InNamespace() throws IOException {
        scratch = Files.createTempDirectory("jutp-kernel-");
        utpcat = System.getProperty("jutp.kernel.utpcat");
        interop = Path.of(System.getProperty("jutp.kernel.interop"));
    }

    /** {@code command} run in the sender's namespace. */
    private List<String> atSender(List<String> command) {
        return in(senderNs, command);
    }

    /** {@code command} run in the receiver's namespace. */
    private List<String> atReceiver(List<String> command) {
        return in(receiverNs, command);
    }

    private static List<String> in(String namespace, List<String> command) {
        if (namespace == null) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        c.addAll(command);
        return c;
    }

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        List<Scenario.Flow> flows = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            flows.add(Scenario.Flow.parse(args[i]));
        }
        InNamespace run = new InNamespace();
        int code = 0;
        try {
            run.run(seconds, flows);
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        } finally {
            run.stopAll();
        }
        System.out.flush();
        System.exit(code);
    }

    private void run(double seconds, List<Scenario.Flow> flows) throws Exception {
        startPing();
        List<Meter> meters = new ArrayList<>();
        // Fixed ports: the namespace is this run's own, nothing else can hold them (utpcat -l needs one).
        int tcpPort = 5201;
        int utpPort = 6881;
        for (Scenario.Flow f : flows) {
            Meter m = switch (f.kind()) {
                case JUTP_LEDBAT_PLUS_PLUS, JUTP_CLASSIC -> new JutpMeter(f, utpPort++);
                case LIBUTP -> new LibutpMeter(f);
                case TCP_CUBIC, TCP_BBR -> new TcpMeter(f, tcpPort++);
            };
            m.prepare();
            meters.add(m);
        }
        long waitUntil = System.nanoTime() + READY_NANOS;
        while (pings.size() < BASELINE_PINGS && System.nanoTime() < waitUntil) {
            Thread.sleep(50);
        }
        if (pings.size() < BASELINE_PINGS) {
            throw new IOException("ping gave " + pings.size() + " replies in 30 s");
        }
        double baseline = pings.stream().mapToDouble(p -> p[1]).min().orElseThrow();
        List<Meter> waiting = new ArrayList<>(meters);
        waiting.sort(Comparator.comparingDouble(m -> m.flow.start()));
        // Time 0 is the first byte at a receiver, not the launch: utpcat's JVM takes 0.5-2 s to start on a
        // busy machine, and a flow that joins "after 5 s" must meet 5 s of established traffic.
        while (!waiting.isEmpty() && waiting.getFirst().flow.start() == 0) {
            waiting.removeFirst().start();
        }
        long firstByteBy = System.nanoTime() + READY_NANOS;
        while (meters.stream().noneMatch(Meter::delivering)) {
            if (System.nanoTime() > firstByteBy) {
                throw new IOException("no flow delivered a byte within 30 s of its launch");
            }
            if (processes.stream().anyMatch(p -> !p.isAlive())) {
                throw new IOException("a process exited before any flow delivered a byte");
            }
            Thread.sleep(10);
        }
        long t0 = System.nanoTime();
        for (Meter m : meters) {
            m.samples.clear();
            m.sample();
        }
        long end = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            double now = (System.nanoTime() - t0) / 1e9;
            while (!waiting.isEmpty() && waiting.getFirst().flow.start() <= now) {
                waiting.removeFirst().start();
            }
            for (Meter m : meters) {
                m.sample();
            }
            Thread.sleep(100);
        }
        StringBuilder out = new StringBuilder("baseline ").append(baseline).append('\n');
        for (double[] p : pings) {
            if (p[0] < t0) {
                continue;
            }
            out.append("ping ").append((p[0] - t0) / 1e9).append(' ').append(p[1]).append('\n');
        }
        for (Meter m : meters) {
            for (long[] s : m.samples) {
                out.append("bytes ").append(m.flow.name()).append(' ').append((s[0] - t0) / 1e9)
                        .append(' ').append(s[1]).append('\n');
            }
        }
        System.out.print(out);
    }

    private void startPing() throws IOException {
        Process p = launch(new ProcessBuilder(atSender(List.of("ping", "-n", "-i", "0.2", receiverAddress))));
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = p.inputReader()) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = PING.matcher(line);
                    if (m.find()) {
                        pings.add(new double[] {System.nanoTime(), Double.parseDouble(m.group(1))});
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
    }

    private Process launch(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Stops every process this run started, senders first, each by its own pid. */
    private void stopAll() {
        List<Process> reversed = new ArrayList<>(processes).reversed();
        for (Process p : reversed) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : reversed) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits (at most 30 s) until {@code cell[0]} is set by a reader thread, failing early if {@code p} exits. */
    private static String await(String[] cell, String what, Process p) throws Exception {
        long deadline = System.nanoTime() + READY_NANOS;
        synchronized (cell) {
            while (cell[0] == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.isAlive()) {
                    throw new IOException(what + (p.isAlive() ? " not ready within 30 s" : " exited"));
                }
                cell.wait(Math.min(200, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            }
            return cell[0];
        }
    }

    /** Copies lines to stderr under {@code tag} and stores the first group of the first {@code p} match. */
    private static String[] watch(InputStream in, String tag, Pattern p) {
        String[] cell = new String[1];
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.err.println(tag + ": " + line);
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        synchronized (cell) {
                            if (cell[0] == null) {
                                cell[0] = m.group(1);
                                cell.notifyAll();
                            }
                        }
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        return cell;
    }

    /** Counts the bytes of {@code in} into {@code total} on a daemon thread. */
    private static void count(ThrowingSupplier in, AtomicLong total) {
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[1 << 16];
            try (InputStream s = in.get()) {
                for (int n; (n = s.read(buf)) >= 0; ) {
                    total.addAndGet(n);
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
    }

    private interface ThrowingSupplier {
        InputStream get() throws IOException;
    }

    /** One flow: its receiver is started by {@link #prepare}, its sender by {@link #start}. */
    private abstract static class Meter {
        final Scenario.Flow flow;
        /** The receiver's port, when the harness picks it (0: the receiver picks and reports it). */
        final int port;
        final List<long[]> samples = new CopyOnWriteArrayList<>();   // {nanoTime, bytes received so far}

        Meter(Scenario.Flow flow, int port) {
            this.flow = flow;
            this.port = port;
        }

        abstract void prepare() throws Exception;

        abstract void start() throws Exception;

        /** Records the receiver's total now (meters that read a receiver's own reports record as they come). */
        void sample() {
        }

        /** Whether the receiver has got a byte. */
        abstract boolean delivering();
    }

    /** A receiver whose bytes arrive through a stream this JVM reads and counts. */
    private abstract static class CountingMeter extends Meter {
        final AtomicLong received = new AtomicLong();

        CountingMeter(Scenario.Flow flow, int port) {
            super(flow, port);
        }

        @Override
        void sample() {
            samples.add(new long[] {System.nanoTime(), received.get()});
        }

        @Override
        boolean delivering() {
            return received.get() > 0;
        }
    }

    /** jutp through two {@code bin/utpcat} processes; the receiver's standard output is counted. */
    private final class JutpMeter extends CountingMeter {
        JutpMeter(Scenario.Flow flow, int port) {
            super(flow, port);
        }

        @Override
        void prepare() throws Exception {
            Process sink = launch(new ProcessBuilder(atReceiver(List.of(utpcat, "-d", "-l", "-p", Integer.toString(port)))));
            count(sink::getInputStream, received);
            await(watch(sink.getErrorStream(), flow.name() + " receiver", UTPCAT_PORT), flow.name() + " receiver", sink);
        }

        @Override
        void start() throws Exception {
            List<String> cmd = new ArrayList<>(List.of(utpcat));
            cmd.addAll(List.of("--congestion", flow.kind() == FlowKind.JUTP_CLASSIC ? "ledbat" : "ledbat++"));
            cmd.addAll(List.of(receiverAddress, Integer.toString(port)));
            Process sender = launch(new ProcessBuilder(atSender(cmd))
                    .redirectInput(Path.of("/dev/zero").toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            watch(sender.getErrorStream(), flow.name() + " sender", UTPCAT_PORT);
        }
    }

    /** libutp (utp-native) on both ends; the receiver writes what arrives to a FIFO this JVM counts. */
    private final class LibutpMeter extends CountingMeter {
        private String peerPort;

        LibutpMeter(Scenario.Flow flow) {
            super(flow, 0);
        }

        @Override
        void prepare() throws Exception {
            Path fifo = scratch.resolve(flow.name() + ".fifo");
            Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            if (!mk.waitFor(10, TimeUnit.SECONDS) || mk.exitValue() != 0) {
                throw new IOException("mkfifo " + fifo + " failed");
            }
            count(() -> new FileInputStream(fifo.toFile()), received);
            Process sink = launch(peer(atReceiver(List.of()), "listen", "--host", receiverAddress, "--port", "0",
                    "--mode", "sink", "--out", fifo.toString()));
            peerPort = await(watch(sink.getInputStream(), flow.name() + " receiver", PEER_PORT), flow.name() + " receiver", sink);
            watch(sink.getErrorStream(), flow.name() + " receiver", PEER_PORT);
        }

        @Override
        void start() throws Exception {
            Process sender = launch(peer(atSender(List.of()), "connect", "--host", receiverAddress, "--bind", senderAddress,
                    "--port", peerPort, "--mode", "send", "--bytes", "1000000000000"));
            watch(sender.getInputStream(), flow.name() + " sender", PEER_PORT);
            watch(sender.getErrorStream(), flow.name() + " sender", PEER_PORT);
        }

        /** utp_peer.js after {@code namespace} (empty, or the {@code ip netns exec} words of one). */
        private ProcessBuilder peer(List<String> namespace, String... args) {
            List<String> cmd = new ArrayList<>(namespace);
            cmd.addAll(List.of("node", interop.resolve("utp_peer.js").toString()));
            cmd.addAll(List.of(args));
            cmd.addAll(List.of("--timeout-ms", "3600000"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(interop.toFile());
            pb.environment().put("NODE_PATH", interop.resolve("node_modules").toString());
            return pb;
        }
    }

    /** Kernel TCP: an iperf3 server reports what it received every 0.5 s; the client picks the algorithm. */
    private final class TcpMeter extends Meter {
        private volatile double total;

        TcpMeter(Scenario.Flow flow, int port) {
            super(flow, port);
        }

        @Override
        void prepare() throws Exception {
            Process server = launch(new ProcessBuilder(atReceiver(List.of("iperf3", "-s", "-1", "-p", Integer.toString(port),
                    "-i", "0.5", "-f", "k", "--forceflush"))).redirectErrorStream(true));
            String[] ready = new String[1];
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = server.inputReader()) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.contains("listening")) {
                            synchronized (ready) {
                                ready[0] = line;
                                ready.notifyAll();
                            }
                        }
                        Matcher m = IPERF_INTERVAL.matcher(line);
                        if (!m.find()) {
                            System.err.println(flow.name() + " server: " + line);
                            continue;
                        }
                        double from = Double.parseDouble(m.group(1));
                        double to = Double.parseDouble(m.group(2));
                        if (to - from < 0.75) {   // not the summary, which spans the whole test
                            total += Double.parseDouble(m.group(3)) * 1000 / 8 * (to - from);
                            samples.add(new long[] {System.nanoTime(), (long) total});
                        }
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            });
            await(ready, flow.name() + " iperf3 server", server);
        }

        @Override
        boolean delivering() {
            return total > 0;
        }

        @Override
        void start() throws Exception {
            samples.add(new long[] {System.nanoTime(), 0});   // nothing arrived before the client started
            Process client = launch(new ProcessBuilder(atSender(List.of("iperf3", "-c", receiverAddress,
                    "-p", Integer.toString(port), "-t", "3600", "-C", flow.kind().tcpAlgorithm())))
                    .redirectErrorStream(true));
            watch(client.getInputStream(), flow.name() + " client", Pattern.compile("(error.*)"));
        }
    }
}
