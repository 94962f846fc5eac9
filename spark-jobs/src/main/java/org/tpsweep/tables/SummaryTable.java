package org.tpsweep.tables;

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
 * per-configuration statistics are in {@code summary.parquet}, {@link Aggregates}). Only {@code ok} trials are
 * averaged; a line with others says how many it left out and why ("* over 4 ok of 5; 1 diverged"). The
 * standard deviation is the sample one (n − 1) and absent for a single value.
 */
public final class SummaryTable {

    /**
     * One line of the table; errors are fractions, {@code std} is null when {@code n < 2}. {@code mean} and
     * {@code std} are of the pooled test error; {@code batchAveragedMean} is the mean of [M]'s batch-averaged
     * test error (mean over evaluation minibatches of 128) over the same trials.
     */
    public record Line(String method, String dataset, long trials, long ok, long n, Double mean, Double std,
                       Double batchAveragedMean, long diverged, long stopped, long failed) {
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
                        count(ok("test_error")).as("n"),
                        avg(ok("test_error")).as("mean_test_error"),
                        stddev(ok("test_error")).as("std_test_error"),
                        avg(ok("test_error_batchavg")).as("mean_test_error_batchavg"),
                        sum(when(col("status").equalTo("diverged"), 1).otherwise(0)).as("diverged"),
                        sum(when(col("status").equalTo("stopped"), 1).otherwise(0)).as("stopped"),
                        sum(when(col("status").equalTo("failed"), 1).otherwise(0)).as("failed"))
                .collectAsList();
        List<Line> lines = new ArrayList<>();
        for (Row r : rows) {
            lines.add(new Line(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4),
                    r.isNullAt(5) ? null : r.getDouble(5), r.isNullAt(6) ? null : r.getDouble(6),
                    r.isNullAt(7) ? null : r.getDouble(7), r.getLong(8), r.getLong(9), r.getLong(10)));
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
        String others = nonOk(l);
        if (l.mean() == null) {
            return "n/a (no trial ended ok" + (others.isEmpty() ? "" : ": " + others) + ")";
        }
        String mean = String.format(Locale.ROOT, "%.2f", 100 * l.mean());
        String std = l.std() == null || l.std().isNaN() ? "n/a" : String.format(Locale.ROOT, "%.2f", 100 * l.std());
        String over = l.n() < l.trials() ? "  * over " + l.n() + " ok of " + l.trials()
                + (others.isEmpty() ? "" : "; " + others) : "";
        return mean + " ± " + std + over;
    }

    /** "1 diverged, 2 failed": the trials left out of the mean, by status (empty when none). */
    private static String nonOk(Line l) {
        List<String> parts = new ArrayList<>();
        if (l.diverged() > 0) {
            parts.add(l.diverged() + " diverged");
        }
        if (l.stopped() > 0) {
            parts.add(l.stopped() + " stopped");
        }
        if (l.failed() > 0) {
            parts.add(l.failed() + " failed");
        }
        return String.join(", ", parts);
    }

    private static org.apache.spark.sql.Column ok(String metric) {
        return when(col("status").equalTo("ok"), col(metric));
    }
}
