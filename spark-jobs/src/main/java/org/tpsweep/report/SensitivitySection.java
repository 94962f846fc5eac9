package org.tpsweep.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.Aggregates;
import org.tpsweep.tables.OutputTables;

/**
 * Sensitivity studies (FW-DTP Fig. 3): per method one histogram of the draws' test accuracy from
 * histograms.parquet, with the same bins and axes for every method of a dataset and the draws without an ok seed as
 * bars of their own; the shares of draws within 1 and 5 percentage points of the best; and per sampled
 * hyperparameter the draws' accuracy (summary.parquet) against its value on a log axis.
 */
public final class SensitivitySection {
    private SensitivitySection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Sensitivity";
        if (!ctx.tables().has(OutputTables.HISTOGRAMS)) {
            return Section.omitted("sensitivity", title, "histograms.parquet is absent, so there is no sensitivity "
                    + "study to show.");
        }
        List<Row> bins = ctx.tables().table(OutputTables.HISTOGRAMS).orderBy("dataset", "method", "bin")
                .collectAsList();
        if (bins.isEmpty()) {
            return Section.omitted("sensitivity", title, "The sweep has no sensitivity study (histograms.parquet is "
                    + "empty), so there are no sensitivity histograms.");
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Each draw's test accuracy is 1 − its mean test error over the seeds that ended "
                + "ok. Shares are of all the study's draws (histograms.parquet: share_within_1pct, share_within_5pct: "
                + "accuracy at least the best − 1 resp. 5 percentage points); draws without an ok seed are counted as "
                + "diverged, stopped or failed, never binned."));
        blocks.add(shares(bins));
        Map<String, List<Row>> byDataset = new TreeMap<>();
        for (Row r : bins) {
            byDataset.computeIfAbsent(r.getAs("dataset"), k -> new ArrayList<>()).add(r);
        }
        byDataset.forEach((dataset, rows) -> histograms(ctx, dataset, rows, blocks));
        scatter(ctx, blocks);
        return Section.of("sensitivity", title, blocks);
    }

    private static Section.Table shares(List<Row> bins) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : bins) {
            if ((int) r.getAs("bin") != 0) {
                continue;   // the per-study columns repeat on every bin
            }
            cells.add(List.of(r.getAs("method"), r.getAs("dataset"), String.valueOf((long) r.getAs("n_configs")),
                    String.valueOf((long) r.getAs("n_with_result")), ReportContext.pct(r.getAs("best_accuracy")),
                    ReportContext.pct(r.getAs("share_within_1pct")), ReportContext.pct(r.getAs("share_within_5pct")),
                    r.getAs("n_diverged") + " / " + r.getAs("n_stopped") + " / " + r.getAs("n_failed")));
        }
        return Section.Table.plain(List.of("method", "dataset", "draws", "with a result", "best accuracy %",
                "% within 1 pp of best", "% within 5 pp of best", "diverged / stopped / failed"), cells);
    }

    /** One histogram per method of {@code dataset}, all on the bins and count axis that cover every method's. */
    private static void histograms(ReportContext ctx, String dataset, List<Row> rows, List<Section.Block> blocks) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        long yMax = 1;
        Map<String, List<Row>> byMethod = new LinkedHashMap<>();
        for (Row r : rows) {
            byMethod.computeIfAbsent(r.getAs("method"), k -> new ArrayList<>()).add(r);
            long count = r.getAs("count");
            if (count > 0) {
                lo = Math.min(lo, r.<Integer>getAs("bin"));
                hi = Math.max(hi, r.<Integer>getAs("bin"));
            }
            for (String c : List.of("count", "n_diverged", "n_stopped", "n_failed")) {
                yMax = Math.max(yMax, r.<Long>getAs(c));
            }
        }
        if (lo > hi) {      // no draw has a result: the failure bars only
            lo = 0;
            hi = -1;
        }
        for (Map.Entry<String, List<Row>> e : byMethod.entrySet()) {
            List<String> categories = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            for (Row r : e.getValue()) {
                int bin = r.getAs("bin");
                if (bin >= lo && bin <= hi) {
                    categories.add(String.format(Locale.ROOT, "%.0f–%.0f", 100 * r.<Double>getAs("bin_lo"),
                            100 * r.<Double>getAs("bin_hi")));
                    counts.add(r.getAs("count"));
                }
            }
            Row first = e.getValue().get(0);
            for (String kind : List.of("diverged", "stopped", "failed")) {
                categories.add(kind);
                counts.add(first.getAs("n_" + kind));
            }
            blocks.add(ctx.image("sensitivity-" + dataset + "-" + e.getKey(),
                    Charts.bars(e.getKey() + " on " + dataset + ": " + first.getAs("n_configs") + " draws",
                            "test accuracy (%)", "draws", categories, counts, Math.ceil(yMax * 1.1)),
                    e.getKey() + " on " + dataset + ": draws per test-accuracy bin (same bins and axes for every "
                            + "method of " + dataset + "), then the draws without an ok seed by kind"));
        }
    }

    /** Per method, dataset and sampled hyperparameter: the draws' accuracy against the value. */
    private static void scatter(ReportContext ctx, List<Section.Block> blocks) {
        List<String> params = ctx.tables().hyperparameters();
        List<Column> select = new ArrayList<>(List.of(col("method"), col("dataset"),
                lit(1).minus(col("test_error_mean")).multiply(100).as("accuracy")));
        params.forEach(p -> select.add(col(p)));
        List<Row> draws = ctx.tables().summary().where(col(Aggregates.SENSITIVITY_DRAW))
                .select(select.toArray(Column[]::new)).orderBy("dataset", "method").collectAsList();
        Map<String, List<Row>> groups = new TreeMap<>();
        for (Row r : draws) {
            groups.computeIfAbsent(r.getAs("dataset") + "|" + r.getAs("method"), k -> new ArrayList<>()).add(r);
        }
        groups.forEach((key, rows) -> {
            String[] k = key.split("\\|");
            for (String p : params) {
                TreeSet<String> values = new TreeSet<>();
                rows.forEach(r -> values.add(String.valueOf((Object) r.getAs(p))));
                if (values.size() < 2 || !(rows.get(0).getAs(p) instanceof Number)) {
                    continue;   // not sampled by the study
                }
                List<double[]> pts = new ArrayList<>();
                for (Row r : rows) {
                    if (r.getAs("accuracy") != null && r.getAs(p) != null) {
                        pts.add(new double[] {((Number) r.getAs(p)).doubleValue(), r.getAs("accuracy")});
                    }
                }
                if (pts.isEmpty()) {
                    continue;
                }
                boolean log = pts.stream().allMatch(v -> v[0] > 0);
                double[] x = pts.stream().mapToDouble(v -> v[0]).toArray();
                double[] y = pts.stream().mapToDouble(v -> v[1]).toArray();
                int without = rows.size() - pts.size();
                blocks.add(ctx.image("sensitivity-" + k[0] + "-" + k[1] + "-" + p,
                        Charts.scatter(k[1] + " on " + k[0] + ": accuracy against " + p, p + (log ? " (log)" : ""),
                                "test accuracy (%)", x, y, log),
                        k[1] + " on " + k[0] + ": each draw's test accuracy against its " + p
                                + (without > 0 ? " (" + without + " draws without an ok seed left out)" : "")));
            }
        });
    }
}
