package dev.jutp.interop;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** The completion-time distribution of several configurations as empirical CDFs, one line each (JFreeChart, PNG). */
public final class CompletionChart {
    private CompletionChart() {}

    public static void write(Path png, String title, Map<String, double[]> secondsByConfiguration) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        secondsByConfiguration.forEach((name, values) -> {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            XYSeries s = new XYSeries(name, false);
            for (int i = 0; i < sorted.length; i++) {
                s.add(sorted[i], (double) i / sorted.length);              // a step: before and after each point
                s.add(sorted[i], (double) (i + 1) / sorted.length);
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, "completion time (s)", "fraction of runs done",
                data, PlotOrientation.VERTICAL, true, false, false);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 520);
    }
}
