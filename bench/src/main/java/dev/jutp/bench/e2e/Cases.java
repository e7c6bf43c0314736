package dev.jutp.bench.e2e;

import dev.jutp.UtpEndpoint;
import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The rows of the end-to-end table, each a loopback transfer of one connection. jutp ends run in this
 * JVM (their CPU is this process's CPU over the run); libutp ends and the raw UDP blaster are
 * bench/libutp/utp_bench processes (their CPU is their own getrusage). Every uTP byte is checked.
 */
public final class Cases {
    /** Large socket buffers for the "tuned" rows: 4 MiB requested (Linux grants 8 MiB). */
    static final int BIG_BUFFERS = 4 << 20;

    /** A row: its id (for --cases), its label in the table, and whether it needs the C program. */
    public record Case(String id, String label, boolean needsC) {}

    public static final List<Case> ALL = List.of(
            new Case("jutp-linux", "jutp → jutp, Linux FFM transport", false),
            new Case("jutp-nio", "jutp → jutp, NIO transport", false),
            new Case("jutp-linux-defbuf", "jutp → jutp, Linux transport, default socket buffers", false),
            new Case("jutp-libutp", "jutp (Linux transport) → libutp", true),
            new Case("libutp-jutp", "libutp → jutp (Linux transport)", true),
            new Case("libutp", "libutp → libutp (C, reference)", true),
            new Case("libutp-defbuf", "libutp → libutp, default socket buffers", true),
            new Case("udp", "raw UDP, 1400 B, one sendto each (C)", true),
            new Case("udp-gso", "raw UDP, GSO 44 × 1400 B per send (C), unpaced", true),
            new Case("utpcat", "utpcat → utpcat, two bin/utpcat processes, sender start to exit", false),
            new Case("utpcat-jvmdefaults", "the same with the JVM's defaults (G1, C2, no class-data archive)", false),
            new Case("utpcat-baseline", "the same with the launcher of --utpcat-baseline (another build: before)", false));

    /** Rows run unless --cases says otherwise (libutp with default buffers can stall for seconds). */
    public static final List<String> DEFAULT_IDS = List.of("jutp-linux", "jutp-nio", "jutp-linux-defbuf",
            "jutp-libutp", "libutp-jutp", "libutp", "udp", "udp-gso");

    /**
     * The JVM options bin/utpcat had before issue 17 (G1, tiered C1+C2), for the row that shows what the
     * launcher's settings bring in the same run; the archive is switched off through its own variable.
     */
    static final Map<String, String> JVM_DEFAULTS = Map.of(
            "UTPCAT_JAVA_OPTS", "-XX:-UseSerialGC -XX:+UseG1GC -XX:TieredStopAtLevel=4 -XX:CICompilerCount=2 -XX:+UsePerfData",
            "JUTP_UTPCAT_ARCHIVE", "off");

    private final Path cBench;
    private final long bytes;
    private final Duration timeout;
    private final Path utpcat;
    private final Path utpcatBaseline;
    private Path utpcatInput;

    /** {@code cBench} may be null: rows that need it then fail with a note. */
    public Cases(Path cBench, long bytes, Duration timeout) {
        this(cBench, bytes, timeout, null);
    }

    /** {@code utpcat}: the launcher for the utpcat rows, or null (they then fail with a note). */
    public Cases(Path cBench, long bytes, Duration timeout, Path utpcat) {
        this(cBench, bytes, timeout, utpcat, null);
    }

    /**
     * {@code utpcatBaseline}: the launcher of another build for the {@code utpcat-baseline} row, so a
     * change is compared with what it changed in one run (rounds interleaved), or null.
     */
    public Cases(Path cBench, long bytes, Duration timeout, Path utpcat, Path utpcatBaseline) {
        this.cBench = cBench;
        this.bytes = bytes;
        this.timeout = timeout;
        this.utpcat = utpcat;
        this.utpcatBaseline = utpcatBaseline;
    }

    static Case byId(String id) {
        return ALL.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown case " + id + "; known: "
                        + ALL.stream().map(Case::id).toList()));
    }

    /** Runs one transfer; a failure is a result with ok=false and the reason, never an exception. */
    public RunResult run(String id, int round) {
        Machine.UdpDrops before = Machine.udpDrops();
        RunResult r = runOnce(id, round);
        Machine.UdpDrops after = Machine.udpDrops();
        return before == null || after == null ? r : r.withKernelDrops(after.minus(before));
    }

    private RunResult runOnce(String id, int round) {
        try {
            if (byId(id).needsC() && cBench == null) {
                return RunResult.failed(id, round, "no utp_bench binary (bench/libutp/build.sh failed)");
            }
            return switch (id) {
                case "jutp-linux" -> jutpToJutp(id, round, "linux", BIG_BUFFERS);
                case "jutp-nio" -> jutpToJutp(id, round, "nio", BIG_BUFFERS);
                case "jutp-linux-defbuf" -> jutpToJutp(id, round, "linux", 0);
                case "jutp-libutp" -> jutpToLibutp(id, round);
                case "libutp-jutp" -> libutpToJutp(id, round);
                case "libutp" -> libutpToLibutp(id, round, BIG_BUFFERS);
                case "libutp-defbuf" -> libutpToLibutp(id, round, 0);
                case "udp" -> rawUdp(id, round, false);
                case "udp-gso" -> rawUdp(id, round, true);
                case "utpcat" -> utpcatPair(id, round, utpcat, "--utpcat", Map.of());
                case "utpcat-jvmdefaults" -> utpcatPair(id, round, utpcat, "--utpcat", JVM_DEFAULTS);
                case "utpcat-baseline" -> utpcatPair(id, round, utpcatBaseline, "--utpcat-baseline", Map.of());
                default -> throw new IllegalArgumentException(id);
            };
        } catch (Exception e) {
            return RunResult.failed(id, round, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, timeout.toSeconds());
    }

    private RunResult jutpToJutp(String id, int round, String transport, int socketBuffer) throws Exception {
        UtpOptions o = JutpEnds.options(transport, socketBuffer, timeout);
        double cpu0 = Machine.processCpuSeconds();
        try (UtpEndpoint rx = UtpEndpoint.bind(JutpEnds.loopbackAnyPort(), o);
             UtpEndpoint tx = UtpEndpoint.bind(JutpEnds.loopbackAnyPort(), o);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             Watchdog w = new Watchdog(timeout, () -> closeAll(tx, rx))) {
            UtpListener listener = rx.listen();
            Future<JutpEnds.Received> received = pool.submit(() -> JutpEnds.receive(listener, timeout));
            JutpEnds.send(tx, rx.localAddress(), bytes, timeout);
            JutpEnds.Received r = received.get(timeout.toSeconds(), TimeUnit.SECONDS);
            double cpu = Machine.processCpuSeconds() - cpu0;
            return jutpReceived(id, round, r, cpu, tx.sendBufferFullDrops() + rx.sendBufferFullDrops());
        }
    }

    /** A transfer overran its deadline: closing the endpoints ends its streams with an error. */
    private static void closeAll(UtpEndpoint... endpoints) {
        for (UtpEndpoint e : endpoints) {
            e.close();
        }
    }

    private RunResult jutpReceived(String id, int round, JutpEnds.Received r, double cpu, long drops) {
        boolean ok = r.bytes() == bytes && r.mismatchAt() < 0;
        String note = r.mismatchAt() >= 0 ? "data mismatch at " + r.mismatchAt()
                : r.bytes() != bytes ? "received " + r.bytes() + " of " + bytes : "";
        return new RunResult(id, round, ok, ok ? r.bytes() : 0, r.bytes() / 1e6 / r.seconds(), cpu, drops, note);
    }

    private RunResult jutpToLibutp(String id, int round) throws Exception {
        UtpOptions o = JutpEnds.options("linux", BIG_BUFFERS, timeout);
        double cpu0 = Machine.processCpuSeconds();
        try (CBench rx = CBench.start(cBench, "recv", 0, bytes, BIG_BUFFERS, timeoutSeconds());
             UtpEndpoint tx = UtpEndpoint.bind(JutpEnds.loopbackAnyPort(), o);
             Watchdog w = new Watchdog(timeout, () -> closeAll(tx))) {
            int port = rx.listeningPort();
            JutpEnds.send(tx, new InetSocketAddress("127.0.0.1", port), bytes, timeout);
            String res = rx.result();
            double cpu = Machine.processCpuSeconds() - cpu0 + CBench.number(res, "cpu_s");
            long got = (long) CBench.number(res, "bytes");
            boolean ok = CBench.ok(res) && got == bytes;
            return new RunResult(id, round, ok, ok ? got : 0, CBench.number(res, "mb_per_s"), cpu,
                    tx.sendBufferFullDrops(), ok ? "" : "libutp receiver: " + res);
        }
    }

    private RunResult libutpToJutp(String id, int round) throws Exception {
        UtpOptions o = JutpEnds.options("linux", BIG_BUFFERS, timeout);
        double cpu0 = Machine.processCpuSeconds();
        try (UtpEndpoint rx = UtpEndpoint.bind(JutpEnds.loopbackAnyPort(), o);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             Watchdog w = new Watchdog(timeout, () -> closeAll(rx))) {
            UtpListener listener = rx.listen();
            Future<JutpEnds.Received> received = pool.submit(() -> JutpEnds.receive(listener, timeout));
            try (CBench tx = CBench.start(cBench, "send", rx.localAddress().getPort(), bytes, BIG_BUFFERS,
                    timeoutSeconds())) {
                JutpEnds.Received r = received.get(timeout.toSeconds(), TimeUnit.SECONDS);
                String res = tx.result();
                double cpu = Machine.processCpuSeconds() - cpu0 + CBench.number(res, "cpu_s");
                RunResult jr = jutpReceived(id, round, r, cpu, -1);
                if (!CBench.ok(res)) {
                    return new RunResult(id, round, false, 0, 0, cpu, -1, "libutp sender: " + res);
                }
                return jr;
            }
        }
    }

    private RunResult libutpToLibutp(String id, int round, int buf) throws Exception {
        try (CBench rx = CBench.start(cBench, "recv", 0, bytes, buf, timeoutSeconds())) {
            int port = rx.listeningPort();
            try (CBench tx = CBench.start(cBench, "send", port, bytes, buf, timeoutSeconds())) {
                String sres = tx.result();
                String rres = rx.result();
                long got = (long) CBench.number(rres, "bytes");
                boolean ok = CBench.ok(rres) && CBench.ok(sres) && got == bytes;
                double cpu = CBench.number(rres, "cpu_s") + CBench.number(sres, "cpu_s");
                return new RunResult(id, round, ok, ok ? got : 0, CBench.number(rres, "mb_per_s"), cpu, -1,
                        ok ? "" : "receiver " + rres + " sender " + sres);
            }
        }
    }

    private RunResult utpcatPair(String id, int round, Path launcher, String option, Map<String, String> env)
            throws Exception {
        if (launcher == null) {
            return RunResult.failed(id, round, "no " + option + " launcher given");
        }
        UtpcatPair pair = new UtpcatPair(launcher, env);
        double startToSyn = pair.startToFirstSyn(utpcatInput().getParent(), timeout);
        UtpcatPair.Outcome o = pair.transfer(utpcatInput(), timeout);
        boolean ok = o.error().isEmpty() && o.bytes() == bytes && o.mismatchAt() < 0;
        String note = !o.error().isEmpty() ? o.error()
                : o.mismatchAt() >= 0 ? "data mismatch at " + o.mismatchAt()
                : o.bytes() != bytes ? "received " + o.bytes() + " of " + bytes
                : String.format(Locale.ROOT, "receiver first byte to EOF %.0f MB/s", o.receiverMbPerSecond());
        return new RunResult(id, round, ok, ok ? o.bytes() : 0, bytes / 1e6 / Math.max(o.seconds(), 1e-9),
                o.cpuSeconds(), -1, note).withStartToSyn(startToSyn);
    }

    /** The sender's stdin: {@code bytes} of the pattern in a file, written once per run. */
    private synchronized Path utpcatInput() throws IOException {
        if (utpcatInput == null) {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            utpcatInput = UtpcatPair.patternFile(dir, bytes);
            utpcatInput.toFile().deleteOnExit();
        }
        return utpcatInput;
    }

    /** Deletes the utpcat input file, if one was written. */
    public synchronized void deleteInput() {
        if (utpcatInput != null) {
            utpcatInput.toFile().delete();
            utpcatInput = null;
        }
    }

    /** Unpaced, so it may lose datagrams: MB/s is what arrived; the note gives the delivered share. */
    private RunResult rawUdp(String id, int round, boolean gso) throws Exception {
        try (CBench rx = CBench.start(cBench, "udprecv", 0, bytes, BIG_BUFFERS, timeoutSeconds())) {
            int port = rx.listeningPort();
            try (CBench tx = CBench.start(cBench, "udpsend", port, bytes, BIG_BUFFERS, timeoutSeconds(),
                    "--gso", gso ? "1" : "0")) {
                String sres = tx.result();
                String rres = rx.result();
                long got = (long) CBench.number(rres, "bytes");
                boolean ok = CBench.ok(rres) && CBench.ok(sres) && got > 0 && (!gso || sres.contains("\"gso\":true"));
                double cpu = CBench.number(rres, "cpu_s") + CBench.number(sres, "cpu_s");
                String note = String.format(Locale.ROOT, "%.0f %% delivered", 100.0 * got / bytes);
                if (gso && !sres.contains("\"gso\":true")) {
                    note = "kernel refused UDP_SEGMENT";
                }
                return new RunResult(id, round, ok, got, CBench.number(rres, "mb_per_s"), cpu, -1, note);
            }
        }
    }
}
