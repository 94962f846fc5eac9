package org.tpsweep.tables;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the results at the end of a run from a {@link ConfigurationSummary.Result}, so that every number is a value
 * of {@code summary.parquet} or a Spark SQL aggregate over it; errors in percent.
 *
 * <p>The listed method × datasets as a table, one line per configuration: method, dataset, the hyperparameters that
 * vary (shortest name first), {@code seeds} (its trials), {@code n} (its ok trials, the ones averaged), the pooled
 * test error as mean ± sample std over those seeds, the mean of [M]'s batch-averaged test error over the same seeds,
 * and the trials left out by status ("1 diverged, 2 failed"), never averaged in.
 *
 * <p>Each summarised method × dataset (a sensitivity study, or more configurations than
 * {@link ConfigurationSummary.Result#maxListed}) as a
 * block: how many configurations it summarises and where every one of them is, its best configuration by mean
 * validation error with that configuration's mean ± std over seeds, the spread over configurations (median and
 * interquartile range of the configurations' mean test errors, labelled as such) and its non-ok trials.
 */
public final class SummaryTable {
    /** Header of the per-configuration statistic: a configuration's seeds, never several configurations. */
    static final String MEAN_HEADER = "test error % (mean ± std over seeds)";

    private SummaryTable() {
    }

    /** Prints {@code r}; {@code summaryPath} is where the full summary table is ({@code OUT/summary.parquet}). */
    public static void print(ConfigurationSummary.Result r, String summaryPath, PrintWriter out) {
        if (r.listed().isEmpty() && r.summarised().isEmpty()) {
            out.println("no trial results");
        }
        if (!r.listed().isEmpty()) {
            printListed(r, out);
        }
        for (ConfigurationSummary.Group g : r.summarised()) {
            if (!r.listed().isEmpty() || g != r.summarised().get(0)) {
                out.println();
            }
            printGroup(g, r.maxListed(), summaryPath, out);
        }
        out.flush();
    }

    private static void printListed(ConfigurationSummary.Result r, PrintWriter out) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("method", "dataset"));
        header.addAll(r.parameters());
        header.addAll(List.of("seeds", "n", MEAN_HEADER, "[M]'s batch-averaged (mean)", "not ok"));
        rows.add(header);
        for (ConfigurationSummary.Configuration c : r.listed()) {
            List<String> row = new ArrayList<>(List.of(c.method(), c.dataset()));
            for (Object v : c.parameters().values()) {
                row.add(ConfigurationSummary.valueText(v));
            }
            row.addAll(List.of(Long.toString(c.trials()), Long.toString(c.n()), meanStd(c), percent(c.batchAveragedMean()),
                    nonOk(c.diverged(), c.stopped(), c.failed())));
            rows.add(row);
        }
        int numbersFrom = 2 + r.parameters().size();     // seeds and n are right-aligned
        int[] width = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String pad = " ".repeat(width[i] - cell.length());
                line.append(i == 0 ? "" : "  ").append(i == numbersFrom || i == numbersFrom + 1 ? pad + cell : cell + pad);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static void printGroup(ConfigurationSummary.Group g, int maxListed, String summaryPath, PrintWriter out) {
        out.printf(Locale.ROOT, "%s on %s: %d configurations, summarised (%s); every configuration: %s%n",
                g.method(), g.dataset(), g.configurations(),
                g.study() ? "a sensitivity study" : "more than " + maxListed, summaryPath);
        ConfigurationSummary.Configuration b = g.best();
        if (b == null) {
            out.println("  best by mean validation error: none (no configuration has a validation error)");
        } else {
            StringBuilder params = new StringBuilder();
            for (Map.Entry<String, Object> e : b.parameters().entrySet()) {
                params.append(e.getKey()).append('=').append(ConfigurationSummary.valueText(e.getValue())).append(' ');
            }
            String seeds = (b.n() < b.trials() ? b.n() + " of " + b.trials() : Long.toString(b.n()))
                    + (b.trials() == 1 ? " seed" : " seeds");
            String test = b.std() == null ? percent(b.mean()) + " % (" + seeds + ")"
                    : meanStd(b) + " % (mean ± std over " + seeds + ")";
            out.printf(Locale.ROOT, "  best by mean validation error (%s %%): %s(config %s): test error %s, [M]'s "
                    + "batch-averaged %s %%%n", percent(b.validationMean()), params, b.configId(), test,
                    percent(b.batchAveragedMean()));
        }
        if (g.median() == null) {
            out.println("  over configurations: no configuration has an ok trial");
        } else {
            out.printf(Locale.ROOT, "  over configurations (the mean test errors of the %d with an ok trial): median %s %%, "
                    + "interquartile range %s–%s %%%n", g.withResult(), percent(g.median()), percent(g.q1()), percent(g.q3()));
        }
        String others = nonOk(g.diverged(), g.stopped(), g.failed());
        if (!others.isEmpty()) {
            out.printf(Locale.ROOT, "  not ok: %s of %d trials (left out of every mean)%s%n", others, g.trials(),
                    g.withResult() < g.configurations() ? "; " + (g.configurations() - g.withResult())
                            + (g.configurations() - g.withResult() == 1 ? " configuration" : " configurations")
                            + " without an ok trial" : "");
        }
    }

    /** "5.02 ± 0.05", "5.02 ± n/a" for one seed, "n/a" without an ok one. */
    private static String meanStd(ConfigurationSummary.Configuration c) {
        if (c.mean() == null) {
            return "n/a";
        }
        return percent(c.mean()) + " ± " + percent(c.std());
    }

    private static String percent(Double fraction) {
        return fraction == null || fraction.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    /** "1 diverged, 2 failed": the trials left out of the mean, by status (empty when none). */
    private static String nonOk(long diverged, long stopped, long failed) {
        List<String> parts = new ArrayList<>();
        if (diverged > 0) {
            parts.add(diverged + " diverged");
        }
        if (stopped > 0) {
            parts.add(stopped + " stopped");
        }
        if (failed > 0) {
            parts.add(failed + " failed");
        }
        return String.join(", ", parts);
    }
}
