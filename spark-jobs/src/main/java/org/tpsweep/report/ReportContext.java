package org.tpsweep.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;

/**
 * What every section is built from: the tables, the configurations shown ({@link ResultRows}), the chart size, and
 * the PNG files made so far (file name → bytes, written by {@link SweepReport}).
 */
public final class ReportContext {
    private final SweepTables tables;
    private final ResultRows.Picked picked;
    private final ReportOptions options;
    private final Map<String, byte[]> images = new LinkedHashMap<>();

    /** A context without charts yet. */
    public ReportContext(SweepTables tables, ResultRows.Picked picked, ReportOptions options) {
        this.tables = tables;
        this.picked = picked;
        this.options = options;
    }

    /** The tables. */
    public SweepTables tables() {
        return tables;
    }

    /** The configurations shown. */
    public ResultRows.Picked picked() {
        return picked;
    }

    /** Renders {@code chart} as the PNG {@code name}.png (made unique and file-safe) and returns its block. */
    public Section.Image image(String name, JFreeChart chart, String caption) {
        String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        String file = base + ".png";
        for (int k = 2; images.containsKey(file); k++) {
            file = base + "-" + k + ".png";
        }
        images.put(file, Charts.png(chart, options.width(), options.height()));
        return new Section.Image(file, options.width(), options.height(), caption);
    }

    /** The PNG files made, by file name. */
    public Map<String, byte[]> images() {
        return Collections.unmodifiableMap(images);
    }

    /** A fraction as percent with two decimals ("5.02"); "n/a" for null or NaN. */
    public static String pct(Double v) {
        return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }

    /** A number with four significant digits; "n/a" for null or NaN. */
    public static String num(Double v) {
        return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.4g", v);
    }
}
