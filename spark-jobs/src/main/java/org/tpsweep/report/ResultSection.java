package org.tpsweep.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * The result tables (FW-DTP Table 2 style): configurations × datasets, the test error in percent and the final
 * training loss as mean ± std over seeds with n, the best (lowest mean) of each column marked, the trials that did
 * not end ok counted beside, never averaged in; for summarised methods ({@link ResultRows}) the best configuration
 * and a row with the spread over configurations. Every number is a summary.parquet value.
 */
public final class ResultSection {
    private ResultSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        ResultRows.Picked p = ctx.picked();
        if (p.shown().isEmpty()) {
            return Section.omitted("results", "Results", "summary.parquet has no configuration, so there is no result "
                    + "to tabulate.");
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Test error in % at each trial's best-validation epoch: mean ± std over seeds, "
                + "n = trials that ended ok with a test error (summary.parquet: test_error_mean, test_error_std, "
                + "n_test_error); the lowest mean of each column is marked. Trials that diverged, stopped or failed are "
                + "counted beside the cell, never averaged in. Rows labelled 'spread over configurations' give the "
                + "median and interquartile range of the configurations' mean test errors, not a spread over seeds."));
        blocks.add(table(p, true));
        blocks.add(new Section.Text("Final training loss (mean over the last epoch's minibatches): mean ± std over the "
                + "seeds that ended ok (summary.parquet: final_train_loss_mean, final_train_loss_std, n_ok)."));
        blocks.add(table(p, false));
        List<String> best = new ArrayList<>();
        for (ResultRows.Shown s : p.shown()) {
            if (s.best()) {
                ResultRows.Spread sp = spread(p, s.method(), s.dataset());
                best.add(s.method() + " on " + s.dataset() + ": " + (s.values().isEmpty() ? "(no varying hyperparameter)"
                        : s.values()) + (sp == null ? "" : " (of " + sp.configurations() + " configurations)"));
            }
        }
        if (!best.isEmpty()) {
            blocks.add(new Section.Text("Best configurations by mean validation error (summary.parquet: "
                    + "best_val_error_mean; every configuration is in summary.parquet): " + String.join("; ", best)
                    + "."));
        }
        return Section.of("results", "Results", blocks);
    }

    private static Section.Table table(ResultRows.Picked p, boolean testError) {
        List<String> header = new ArrayList<>(List.of("configuration"));
        header.addAll(p.datasets());
        List<List<String>> rows = new ArrayList<>();
        List<List<Boolean>> bold = new ArrayList<>();
        List<List<Double>> means = new ArrayList<>();
        for (String label : p.labels()) {
            List<String> row = new ArrayList<>(List.of(label));
            List<Double> m = new ArrayList<>();
            String spreadOf = null;
            for (String dataset : p.datasets()) {
                ResultRows.Shown s = p.shown().stream().filter(x -> x.label().equals(label) && x.dataset().equals(dataset))
                        .findFirst().orElse(null);
                row.add(s == null ? "" : cell(s.summary(), testError));
                m.add(s == null ? null : mean(s.summary(), testError));
                spreadOf = s != null && s.best() ? s.method() : spreadOf;
            }
            rows.add(row);
            means.add(m);
            if (spreadOf != null) {
                // The summarised method's spread over its configurations, right below its best configuration.
                List<String> spreadRow = new ArrayList<>(List.of(spreadOf + ": spread over configurations"));
                List<Double> none = new ArrayList<>();
                for (String dataset : p.datasets()) {
                    ResultRows.Spread sp = spread(p, spreadOf, dataset);
                    spreadRow.add(sp == null ? "" : testError ? spreadCell(sp) : "(per configuration in summary.parquet)");
                    none.add(null);
                }
                rows.add(spreadRow);
                means.add(none);
            }
        }
        for (List<Double> m : means) {
            List<Boolean> b = new ArrayList<>(List.of(false));
            for (int c = 0; c < p.datasets().size(); c++) {
                Double v = m.get(c);
                double lowest = Double.POSITIVE_INFINITY;
                for (List<Double> other : means) {
                    if (other.get(c) != null && !other.get(c).isNaN()) {
                        lowest = Math.min(lowest, other.get(c));
                    }
                }
                b.add(v != null && v == lowest);
            }
            bold.add(b);
        }
        return new Section.Table(header, rows, bold);
    }

    private static Double mean(Row r, boolean testError) {
        return r.getAs(testError ? "test_error_mean" : "final_train_loss_mean");
    }

    /** "5.02 ± 0.05 (n = 3) · 1 diverged". */
    static String cell(Row r, boolean testError) {
        Double mean = mean(r, testError);
        Double std = r.getAs(testError ? "test_error_std" : "final_train_loss_std");
        long n = testError ? r.<Long>getAs("n_test_error") : r.<Long>getAs("n_ok");
        String others = others(r);
        if (mean == null || mean.isNaN()) {
            return "n/a (no trial ended ok" + (others.isEmpty() ? "" : ": " + others) + ")";
        }
        String v = testError ? ReportContext.pct(mean) + " ± " + ReportContext.pct(std)
                : String.format(Locale.ROOT, "%.4f", mean) + " ± "
                + (std == null || std.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.4f", std));
        return v + " (n = " + n + ")" + (others.isEmpty() ? "" : " · " + others);
    }

    /** "1 diverged, 2 failed" (empty when every trial ended ok). */
    static String others(Row r) {
        List<String> parts = new ArrayList<>();
        for (String s : List.of("diverged", "stopped", "failed")) {
            long k = r.<Long>getAs("n_" + s);
            if (k > 0) {
                parts.add(k + " " + s);
            }
        }
        return String.join(", ", parts);
    }

    private static String spreadCell(ResultRows.Spread sp) {
        String without = sp.withMean() < sp.configurations()
                ? "; " + (sp.configurations() - sp.withMean()) + " without an ok trial" : "";
        if (sp.median() == null) {
            return "n/a (no configuration has an ok trial" + without + ")";
        }
        return "median " + ReportContext.pct(sp.median()) + " [IQR " + ReportContext.pct(sp.q1()) + "–"
                + ReportContext.pct(sp.q3()) + "] of " + sp.withMean() + " configurations' means" + without;
    }

    private static ResultRows.Spread spread(ResultRows.Picked p, String method, String dataset) {
        return p.spreads().stream().filter(s -> s.method().equals(method) && s.dataset().equals(dataset)).findFirst()
                .orElse(null);
    }
}
