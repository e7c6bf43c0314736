package dev.jutp.interop;

import static dev.jutp.interop.LibutpInteropTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jutp.CongestionControl;
import dev.jutp.LossRecovery;
import dev.jutp.UtpListener;
import dev.jutp.UtpOptions;
import dev.jutp.UtpStream;
import dev.jutp.sim.LinkConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Issue 16's relay bench (not in {@code mvn verify}: it takes minutes of wall clock and measures
 * wall-clock times): 2 MB through {@link ImpairingRelay} with 10 ms each way and 2 % loss each
 * way, seeds 1..8, for libutp→libutp (utp_peer.js), and jutp→jutp with libutp's loss recovery and
 * with RACK-TLP (both on classic LEDBAT, so only loss recovery differs), and jutp's defaults
 * (RACK-TLP on LEDBAT++). Configurations interleave per seed. Completion is the receiver's accept
 * to its EOF. Prints a table and draws target/loss-recovery-relay.png (completion times per
 * configuration, JFreeChart). Run:
 * {@code mvn -B test -Djutp.shim.skip=true -Dtest=LossRecoveryRelayBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LossRecoveryRelayBench {
    static final int BYTES = 2_000_000;
    static final int SEEDS = Integer.getInteger("jutp.bench.seeds", 8);
    static final Duration BOUND = Duration.ofSeconds(180);

    enum Config {
        LIBUTP("libutp"),
        JUTP_LIBUTP_MODE("jutp libutp-mode (LEDBAT)"),
        JUTP_RACK_TLP("jutp RACK-TLP (LEDBAT)"),
        JUTP_DEFAULT("jutp default (RACK-TLP, LEDBAT++)");

        final String label;

        Config(String label) {
            this.label = label;
        }

        UtpOptions options() {
            return switch (this) {
                case JUTP_LIBUTP_MODE -> UtpOptions.defaults().withCongestionControl(CongestionControl.LEDBAT)
                        .withLossRecovery(LossRecovery.LIBUTP);
                case JUTP_RACK_TLP -> UtpOptions.defaults().withCongestionControl(CongestionControl.LEDBAT);
                default -> UtpOptions.defaults();
            };
        }
    }

    @Test
    void completionTimesThroughTheLossyRelay() throws Exception {
        Peer.requireNode();
        Map<Config, double[]> times = new LinkedHashMap<>();
        for (Config c : Config.values()) {
            times.put(c, new double[SEEDS]);
        }
        for (int seed = 1; seed <= SEEDS; seed++) {
            for (Config c : Config.values()) {
                double t = c == Config.LIBUTP ? libutpPair(seed) : jutpPair(seed, c.options());
                times.get(c)[seed - 1] = t;
                System.out.printf("seed %d %s: %.2f s%n", seed, c.label, t);
            }
        }
        StringBuilder table = new StringBuilder("| configuration | per seed (s) | median | worst | worst/median | median vs libutp |\n|---|---|---|---|---|---|\n");
        double libutpMedian = median(times.get(Config.LIBUTP));
        for (Map.Entry<Config, double[]> e : times.entrySet()) {
            double[] t = e.getValue();
            double m = median(t);
            double worst = Arrays.stream(t).max().orElseThrow();
            table.append("| %s | %s | %.2f | %.2f | %.2f | %.2f |%n".formatted(e.getKey().label,
                    String.join(" ", Arrays.stream(t).mapToObj(x -> "%.2f".formatted(x)).toList()), m, worst, worst / m, m / libutpMedian));
        }
        System.out.println("2 MB, 10 ms each way, 2 % loss each way, seeds 1.." + SEEDS + ", load " + Files.readString(Path.of("/proc/loadavg")).trim()
                + "\n" + table);
        Map<String, double[]> series = new LinkedHashMap<>();
        times.forEach((c, t) -> series.put(c.label, t));
        Path png = Path.of("target", "loss-recovery-relay.png");
        CompletionChart.write(png, "2 MB through the relay: 10 ms each way, 2 % loss each way (" + SEEDS + " seeds)", series);
        System.out.println("chart: " + png.toAbsolutePath());
    }

    static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static LinkConfig path() {
        return LinkConfig.of(10).loss(0.02);
    }

    /** utp_peer.js to utp_peer.js through the relay; accept-to-EOF seconds reported by the receiver. */
    static double libutpPair(long seed) throws Exception {
        List<String> common = List.of("--bytes", Integer.toString(BYTES), "--timeout-ms", Long.toString(BOUND.toMillis()), "--linger-ms", "1500");
        List<String> listen = new ArrayList<>(List.of(LibutpInteropTest.NODE, "utp_peer.js", "listen", "--host", "127.0.0.1", "--port", "0", "--mode", "sink"));
        listen.addAll(common);
        try (Peer receiver = Peer.start(listen)) {
            int port = Integer.parseInt(json(receiver.await(l -> l.contains("\"listening\""), Duration.ofSeconds(30)), "port"));
            try (ImpairingRelay relay = ImpairingRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), path(), path(), seed)) {
                List<String> connect = new ArrayList<>(List.of(LibutpInteropTest.NODE, "utp_peer.js", "connect", "--host", "127.0.0.1",
                        "--port", Integer.toString(relay.address().getPort()), "--mode", "send"));
                connect.addAll(common);
                try (Peer sender = Peer.start(connect)) {
                    String eof = receiver.await(l -> l.contains("\"eof\"") || l.contains("\"error\""), BOUND);
                    assertEquals(Integer.toString(BYTES), json(eof, "bytes"), eof);
                    String done = receiver.await(l -> l.contains("\"done\"") || l.contains("\"error\""), Duration.ofSeconds(30));
                    assertTrue(done.contains("\"ok\":true"), done);
                    return Double.parseDouble(json(eof, "ms")) / 1000;
                }
            }
        }
    }

    /** jutp stream to jutp stream through the relay, both ends with {@code options}; accept-to-EOF seconds. */
    static double jutpPair(long seed, UtpOptions options) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UtpListener listener = UtpListener.bind(loopback, options);
             ImpairingRelay relay = ImpairingRelay.start(listener.localAddress(), path(), path(), seed);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Double> received = pool.submit(() -> {
                try (UtpStream s = listener.accept(BOUND)) {
                    long accepted = System.nanoTime();
                    long total = LibutpInteropTest.drainPattern(s.getInputStream(), BYTES);
                    double seconds = (System.nanoTime() - accepted) / 1e9;
                    assertEquals(BYTES, total);
                    s.shutdownOutput();
                    return seconds;
                }
            });
            Future<Void> sent = pool.submit(() -> {
                try (UtpStream s = UtpStream.connect(relay.address(), options.withConnectTimeout(Duration.ofSeconds(30)))) {
                    LibutpInteropTest.sendPattern(s.getOutputStream(), BYTES);
                    s.shutdownOutput();
                    assertEquals(-1, s.getInputStream().read());
                }
                return null;
            });
            double t = received.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            sent.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            return t;
        }
    }
}
