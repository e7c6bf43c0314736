package dev.jutp.kernel;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One PNG per scenario: a column per uTP implementation, throughput of each flow over time above,
 * the queueing delay ping saw below, on shared axes so the columns compare at a glance.
 */
final class Plots {
    private static final int COLUMN = 560;
    private static final int ROW = 300;
    private static final int TITLE = 40;
    private static final Color[] FLOW_COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

    private Plots() {
    }

    /** Draws {@code traces} (one per implementation, same scenario shape) into {@code png}. */
    static void draw(String title, List<Trace> traces, Path png) throws IOException {
        double maxMbit = traces.getFirst().scenario().shape().bitsPerSecond() / 1e6 * 1.15;
        double maxDelay = 50;
        for (Trace t : traces) {
            for (Trace.Point p : t.addedDelayMs()) {
                maxDelay = Math.max(maxDelay, p.value() * 1.05);
            }
        }
        BufferedImage image = new BufferedImage(COLUMN * traces.size(), TITLE + 2 * ROW, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 12, 27);
        for (int i = 0; i < traces.size(); i++) {
            Trace t = traces.get(i);
            throughput(t, maxMbit).draw(g, new Rectangle2D.Double(i * COLUMN, TITLE, COLUMN, ROW));
            delay(t, maxDelay).draw(g, new Rectangle2D.Double(i * COLUMN, TITLE + ROW, COLUMN, ROW));
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static JFreeChart throughput(Trace t, double maxMbit) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Scenario.Flow f : t.scenario().flows()) {
            XYSeries s = new XYSeries(f.kind().label + (f.start() > 0 ? String.format(" (from %.0f s)", f.start()) : ""));
            for (Trace.Point p : t.throughputMbit(f.name(), 0.5)) {
                s.add(p.t(), p.value());
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(t.scenario().name(), "time (s)", "throughput (Mbit/s)",
                data, PlotOrientation.VERTICAL, true, false, false);
        style(chart, maxMbit, t.scenario().seconds());
        return chart;
    }

    private static JFreeChart delay(Trace t, double maxDelay) {
        XYSeries s = new XYSeries("ping RTT − unloaded RTT");
        for (Trace.Point p : t.addedDelayMs()) {
            s.add(p.t(), p.value());
        }
        JFreeChart chart = ChartFactory.createXYLineChart("queueing delay, " + t.scenario().shape().name(), "time (s)",
                "queueing delay added (ms)", new XYSeriesCollection(s), PlotOrientation.VERTICAL, true, false, false);
        style(chart, maxDelay, t.scenario().seconds());
        ((XYPlot) chart.getPlot()).getRenderer().setSeriesPaint(0, Color.DARK_GRAY);
        return chart;
    }

    private static void style(JFreeChart chart, double maxY, double seconds) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        XYPlot plot = (XYPlot) chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getRangeAxis().setRange(0, maxY);
        plot.getDomainAxis().setRange(0, seconds);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            r.setSeriesShapesVisible(i, false);
            r.setSeriesStroke(i, new BasicStroke(1.6f));
            r.setSeriesPaint(i, FLOW_COLORS[i % FLOW_COLORS.length]);
        }
    }
}
