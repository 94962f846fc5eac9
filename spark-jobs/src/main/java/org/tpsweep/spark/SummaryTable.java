package org.tpsweep.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The table printed at the end of a run: mean ± standard deviation of the pooled test error (misclassified /
 * all test samples, ALGORITHMS.md §4) per method and dataset over all its trials, and beside it the mean of
 * [M]'s batch-averaged test error, the metric of the authors' code and tables (every seed and configuration), computed with Spark SQL from the trials table (the
 * per-configuration statistics are in {@code summary.parquet}, {@link Aggregates}). Trials without a test error (failed) are counted but not averaged; the
 * standard deviation is the sample one (n − 1) and absent for a single value.
 */
public final class SummaryTable {

    /**
     * One line of the table; errors are fractions, {@code std} is null when {@code n < 2}. {@code mean} and
     * {@code std} are of the pooled test error; {@code batchAveragedMean} is the mean of [M]'s batch-averaged
     * test error (mean over evaluation minibatches of 128) over the same trials.
     */
    public record Line(String method, String dataset, long trials, long ok, long n, Double mean, Double std,
                       Double batchAveragedMean) {
    }

    private SummaryTable() {
    }

    /**
     * Aggregates {@code trials} (the trials table) per method and dataset, ordered as {@code datasets}, then as
     * {@code methods}.
     */
    public static List<Line> compute(Dataset<Row> trials, List<String> datasets, List<String> methods) {
        List<Row> rows = trials.groupBy("method", "dataset")
                .agg(count(lit(1)).as("trials"),
                        sum(when(col("status").equalTo("ok"), 1).otherwise(0)).as("ok"),
                        count(col("test_error")).as("n"),
                        avg("test_error").as("mean_test_error"),
                        stddev("test_error").as("std_test_error"),
                        avg("test_error_batchavg").as("mean_test_error_batchavg"))
                .collectAsList();
        List<Line> lines = new ArrayList<>();
        for (Row r : rows) {
            lines.add(new Line(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4),
                    r.isNullAt(5) ? null : r.getDouble(5), r.isNullAt(6) ? null : r.getDouble(6),
                    r.isNullAt(7) ? null : r.getDouble(7)));
        }
        lines.sort(Comparator.<Line>comparingInt(l -> datasets.indexOf(l.dataset()))
                .thenComparingInt(l -> methods.indexOf(l.method())));
        return lines;
    }

    /** Prints the table with errors in percent. */
    public static void print(List<Line> lines, PrintWriter out) {
        int mw = Math.max("method".length(), lines.stream().mapToInt(l -> l.method().length()).max().orElse(0));
        int dw = Math.max("dataset".length(), lines.stream().mapToInt(l -> l.dataset().length()).max().orElse(0));
        String fmt = "%-" + mw + "s  %-" + dw + "s  %6s  %4s  %-36s  %s%n";
        out.printf(Locale.ROOT, fmt, "method", "dataset", "trials", "ok", "test error % (mean ± std over seeds)",
                "[M]'s batch-averaged (mean)");
        for (Line l : lines) {
            out.printf(Locale.ROOT, fmt, l.method(), l.dataset(), l.trials(), l.ok(), cell(l),
                    l.batchAveragedMean() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", 100 * l.batchAveragedMean()));
        }
        out.flush();
    }

    private static String cell(Line l) {
        if (l.mean() == null) {
            return "n/a (no trial finished)";
        }
        String mean = String.format(Locale.ROOT, "%.2f", 100 * l.mean());
        String std = l.std() == null || l.std().isNaN() ? "n/a" : String.format(Locale.ROOT, "%.2f", 100 * l.std());
        String over = l.n() < l.trials() ? "  (over " + l.n() + " of " + l.trials() + " trials)" : "";
        return mean + " ± " + std + over;
    }
}
