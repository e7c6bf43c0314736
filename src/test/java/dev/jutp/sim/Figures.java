package dev.jutp.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of docs/congestion.md, from the simulator: goodput against loss rate and against
 * RTT (median of 5 seeds, 1 MiB each, 10 Mbit/s links), and the LEDBAT bottleneck trace as CSV
 * and PNG (drawn by {@link Png}). Run through {@code FiguresTest}.
 */
final class Figures {
    static final double[] LOSS = {0, 0.01, 0.02, 0.05, 0.10, 0.20};
    static final int[] RTT = {1, 10, 50, 100, 300, 600};
    static final int SEEDS = 5;

    private Figures() {}

    /** Median goodput (kbit/s) of 1 MiB transfers with this loss (each way) and RTT. */
    static double goodputKbit(double loss, int rttMillis) {
        double[] g = new double[SEEDS];
        for (int i = 0; i < SEEDS; i++) {
            LinkConfig f = LinkConfig.of(0).latencyMicros(rttMillis * 500L).rate(10_000_000, 200).loss(loss);
            LinkConfig b = LinkConfig.of(0).latencyMicros(rttMillis * 500L).rate(10_000_000, 200).loss(loss);
            Scenario s = new Scenario(100 + i, 1 << 20, f, b).bound(3600);
            if (loss > 0.10) {
                s.giveUp(8);
            }
            s.run();
            if (s.failure() != null) {
                throw new AssertionError("figure run failed: loss " + loss + " rtt " + rttMillis + " seed " + (100 + i) + ": " + s.failure());
            }
            g[i] = s.transfer.goodputBitsPerSecond() / 1000;
            s.close();
        }
        Arrays.sort(g);
        return g[SEEDS / 2];
    }

    /** Writes goodput.csv and returns the markdown tables. */
    static String goodputTables(Path dir) throws IOException {
        StringBuilder csv = new StringBuilder("kind,loss,rtt_ms,goodput_kbit_s\n");
        StringBuilder md = new StringBuilder("| loss (each way) | goodput, RTT 50 ms |\n|---|---|\n");
        for (double loss : LOSS) {
            double g = goodputKbit(loss, 50);
            csv.append(String.format(Locale.ROOT, "loss,%.2f,50,%.0f%n", loss, g));
            md.append(String.format(Locale.ROOT, "| %.0f %% | %.0f kbit/s |%n", loss * 100, g));
        }
        md.append("\n| RTT | goodput, no loss |\n|---|---|\n");
        for (int rtt : RTT) {
            double g = goodputKbit(0, rtt);
            csv.append(String.format(Locale.ROOT, "rtt,0,%d,%.0f%n", rtt, g));
            md.append(String.format(Locale.ROOT, "| %d ms | %.0f kbit/s |%n", rtt, g));
        }
        Files.writeString(dir.resolve("goodput.csv"), csv);
        Files.writeString(dir.resolve("goodput.md"), md);
        return md.toString();
    }

    /** Writes ledbat-trace.csv and ledbat-trace.png from a bottleneck run. */
    static void ledbatTrace(Bottleneck b, Path dir) throws IOException {
        StringBuilder csv = new StringBuilder("seconds,queue_delay_ms,utp_delay_sample_ms,utp_cwnd_bytes,utp_mbit_s,reno_mbit_s\n");
        List<double[]> rows = new ArrayList<>();
        Bottleneck.Sample prev = null;
        for (Bottleneck.Sample s : b.samples) {
            double utp = prev == null ? 0 : (s.utpBytes() - prev.utpBytes()) * 8 / 0.1 / 1e6;
            double reno = prev == null ? 0 : (s.renoBytes() - prev.renoBytes()) * 8 / 0.1 / 1e6;
            rows.add(new double[] {s.seconds(), s.queueDelayMillis(), s.delaySampleMillis(), utp, reno});
            csv.append(String.format(Locale.ROOT, "%.1f,%.2f,%d,%d,%.3f,%.3f%n", s.seconds(), s.queueDelayMillis(),
                    s.delaySampleMillis(), s.cwndBytes(), utp, reno));
            prev = s;
        }
        Files.writeString(dir.resolve("ledbat-trace.csv"), csv);
        plot(rows).write(dir.resolve("ledbat-trace.png"));
    }

    static final int RED = 0xC82828, BLUE = 0x2828C8, ORANGE = 0xE68C00, GREEN = 0x009600, GREY = 0xE0E0E0, BLACK = 0;

    /**
     * Two panels over virtual time (10 s ticks): top, bottleneck queueing delay (red) and the
     * uTP sender's UTP_ON_DELAY_SAMPLE (blue) on 0–520 ms with the 100 ms target dashed green
     * and 125 ms dashed grey; bottom, throughput of uTP (blue) and Reno (orange) on 0–11 Mbit/s.
     */
    private static Png plot(List<double[]> rows) {
        int w = 1000, left = 60, right = 940, top = 20, mid = 300, low = 330, bottom = 580;
        Png p = new Png(w, 600, 0xFFFFFF);
        double maxT = rows.get(rows.size() - 1)[0];
        for (int ms : new int[] {100, 200, 300, 400, 500}) {
            p.dashedHorizontal(left, right, y(ms, 520, top, mid), ms == 100 ? GREEN : GREY);
        }
        p.dashedHorizontal(left, right, y(125, 520, top, mid), 0xA0A0A0);
        for (int mbit : new int[] {5, 10}) {
            p.dashedHorizontal(left, right, y(mbit, 11, low, bottom), GREY);
        }
        for (int s = 0; s <= maxT; s += 10) {
            int x = left + (int) ((right - left) * s / maxT);
            p.line(x, mid, x, mid + 6, BLACK, 1);
            p.line(x, bottom, x, bottom + 6, BLACK, 1);
        }
        p.rect(left, top, right, mid, BLACK);
        p.rect(left, low, right, bottom, BLACK);
        series(p, rows, 2, maxT, 520, left, right, top, mid, BLUE);
        series(p, rows, 1, maxT, 520, left, right, top, mid, RED);
        series(p, rows, 4, maxT, 11, left, right, low, bottom, ORANGE);
        series(p, rows, 3, maxT, 11, left, right, low, bottom, BLUE);
        return p;
    }

    private static void series(Png p, List<double[]> rows, int col, double maxT, double maxY,
                               int x0, int x1, int y0, int y1, int color) {
        int px = -1, py = -1;
        for (double[] r : rows) {
            int x = x0 + (int) ((x1 - x0) * r[0] / maxT);
            int y = y(Math.min(r[col], maxY), maxY, y0, y1);
            if (px >= 0) {
                p.line(px, py, x, y, color, 2);
            }
            px = x;
            py = y;
        }
    }

    private static int y(double v, double maxY, int y0, int y1) {
        return y1 - (int) ((y1 - y0) * v / maxY);
    }
}
