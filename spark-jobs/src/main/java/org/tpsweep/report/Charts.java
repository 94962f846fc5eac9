package org.tpsweep.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The report's charts, drawn with JFreeChart on a headless AWT ({@code java.awt.headless=true}) into PNG bytes:
 * the same data gives the same pixels (fixed size, palette, fonts of the machine and rendering hints; no dates).
 */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** A fixed palette (colour-blind-safe, Okabe–Ito), so a series keeps its colour from chart to chart. */
    private static final Paint[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442)};

    /** One line with a band: {@code x}, the mean and, where known, mean ± spread (NaN spread: no band there). */
    public record Band(String label, double[] x, double[] mean, double[] spread) {
    }

    private Charts() {
    }

    /** Lines of means with bands of ± spread (e.g. the std over seeds). */
    public static JFreeChart bands(String title, String xLabel, String yLabel, List<Band> lines) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Band b : lines) {
            YIntervalSeries s = new YIntervalSeries(b.label(), false, true);
            for (int i = 0; i < b.x().length; i++) {
                double m = b.mean()[i];
                double d = Double.isNaN(b.spread()[i]) ? 0 : b.spread()[i];
                s.add(b.x()[i], m, m - d, m + d);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        DeviationRenderer r = new DeviationRenderer(true, true);
        r.setAlpha(0.2f);
        for (int i = 0; i < lines.size(); i++) {
            r.setSeriesPaint(i, colour(i));
            r.setSeriesFillPaint(i, colour(i));
            r.setSeriesStroke(i, stroke(i));
        }
        plot.setRenderer(r);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return style(chart);
    }

    /**
     * Bars over fixed categories (e.g. histogram bins, then failure kinds), the value axis from 0 to {@code yMax}
     * so that charts side by side share their axes.
     */
    public static JFreeChart bars(String title, String xLabel, String yLabel, List<String> categories,
                                  List<Long> counts, double yMax) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int i = 0; i < categories.size(); i++) {
            data.addValue(counts.get(i), "count", categories.get(i));
        }
        JFreeChart chart = ChartFactory.createBarChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, false,
                false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, colour(0));
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setRange(0, yMax);
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CategoryAxis x = plot.getDomainAxis();
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        return style(chart);
    }

    /** Points of {@code y} against {@code x}, the x axis logarithmic when {@code logX} (all x must be &gt; 0). */
    public static JFreeChart scatter(String title, String xLabel, String yLabel, double[] x, double[] y,
                                     boolean logX) {
        XYSeries s = new XYSeries("configurations", false, true);
        for (int i = 0; i < x.length; i++) {
            s.add(x[i], y[i]);
        }
        JFreeChart chart = ChartFactory.createScatterPlot(title, xLabel, yLabel, new XYSeriesCollection(s),
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        if (logX) {
            LogAxis axis = new LogAxis(xLabel);
            axis.setBase(10);
            axis.setSmallestValue(1e-300);
            plot.setDomainAxis(axis);
        }
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        r.setSeriesPaint(0, colour(0));
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return style(chart);
    }

    /** The chart as PNG bytes of {@code width} × {@code height} pixels. */
    public static byte[] png(JFreeChart chart, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHints(chart.getRenderingHints());
            chart.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a chart as PNG failed", e);
        }
        return out.toByteArray();
    }

    /**
     * The line of series {@code i}: solid for the palette's first round of colours, then dashed, then dotted, so
     * that two series sharing a colour (more lines than colours) still look different.
     */
    static BasicStroke stroke(int i) {
        float[][] dashes = {null, {8f, 5f}, {2f, 4f}};
        float[] dash = dashes[(i / PALETTE.length) % dashes.length];
        return dash == null ? new BasicStroke(2f)
                : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f);
    }

    /** The palette's colour {@code i} (cycling). */
    static Paint colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        if (chart.getPlot() instanceof XYPlot p) {
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (chart.getPlot() instanceof CategoryPlot p) {
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        return chart;
    }
}
