package org.tpsweep.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.ConfigurationSummary;

/**
 * Which configurations the report shows: the rule of the table {@code run} prints, taken from
 * {@link ConfigurationSummary} (one row per configuration with its mean ± std over seeds; a sensitivity study, or a
 * method with more than {@link ConfigurationSummary#MAX_LISTED} configurations on a dataset, shows only its best
 * configuration by mean validation error, with beside it the spread over its configurations: median and
 * interquartile range of their mean test errors, labelled as such, never "over seeds"). Here the rows get their
 * report labels (the method and the hyperparameters that vary among its configurations) and their summary.parquet
 * rows, for the sections that read more columns.
 */
public final class ResultRows {
    /**
     * A configuration shown: its summary.parquet row, the label of its result-table row ({@code method} and its
     * varying hyperparameters, or "best configuration" for a summarised method) and, for a best configuration, its
     * varying hyperparameters as text.
     */
    public record Shown(String method, String dataset, String configId, String label, boolean best, String values,
                        Row summary) {
    }

    /**
     * A summarised method on a dataset: its configurations, those with a mean test error, and the median and
     * quartiles of those means (null when none has one).
     */
    public record Spread(String method, String dataset, long configurations, long withMean, Double q1, Double median,
                         Double q3) {
    }

    /** The rows to show, in dataset then method order, and the spreads of the summarised methods. */
    public record Picked(List<String> datasets, List<Shown> shown, List<Spread> spreads) {
        /** The shown configuration of {@code configId}, or null. */
        public Shown byConfig(String configId) {
            return shown.stream().filter(s -> s.configId().equals(configId)).findFirst().orElse(null);
        }

        /** The config_ids of the configurations shown (for {@code isin} filters of the other tables). */
        public Object[] configIds() {
            return shown.stream().map(Shown::configId).toArray();
        }

        /** The row labels of the result table, in order (a label shared by several datasets once). */
        public List<String> labels() {
            return shown.stream().sorted(Comparator.comparing(Shown::method)).map(Shown::label).distinct().toList();
        }
    }

    private ResultRows() {
    }

    /** Picks the rows of {@code tables}' summary by {@link ConfigurationSummary}'s rule. */
    public static Picked pick(SweepTables tables) {
        List<Row> rows = tables.summary().orderBy("dataset", "method", "config_id").collectAsList();
        Map<String, Row> byId = new LinkedHashMap<>();
        rows.forEach(r -> byId.put(r.getAs("config_id"), r));
        List<String> datasets = rows.stream().map(r -> r.<String>getAs("dataset")).distinct().sorted().toList();
        List<String> methods = rows.stream().map(r -> r.<String>getAs("method")).distinct().sorted().toList();
        ConfigurationSummary.Result chosen = ConfigurationSummary.of(tables.summary(), datasets, methods,
                ConfigurationSummary.MAX_LISTED);
        Map<String, List<String>> varying = varying(rows, tables.hyperparameters());
        List<Shown> shown = new ArrayList<>();
        Map<String, List<Row>> listed = new LinkedHashMap<>();
        for (ConfigurationSummary.Configuration c : chosen.listed()) {
            listed.computeIfAbsent(c.dataset() + "\u0000" + c.method(), k -> new ArrayList<>()).add(byId.get(c.configId()));
        }
        for (List<Row> g : listed.values()) {
            String method = g.get(0).getAs("method");
            List<String> keys = varying.getOrDefault(method, List.of());
            // Four significant digits, unless two configurations would then read the same: then exact values.
            boolean exact = g.stream().map(r -> values(r, keys, false)).distinct().count() < g.size();
            for (Row r : g) {
                String values = values(r, keys, exact);
                shown.add(new Shown(method, r.getAs("dataset"), r.getAs("config_id"),
                        values.isEmpty() ? method : method + " (" + values + ")", false, values, r));
            }
        }
        List<Spread> spreads = new ArrayList<>();
        for (ConfigurationSummary.Group g : chosen.summarised()) {
            spreads.add(new Spread(g.method(), g.dataset(), g.configurations(), g.withResult(), g.q1(), g.median(),
                    g.q3()));
            List<String> keys = varying.getOrDefault(g.method(), List.of());
            if (g.best() != null) {
                Row best = byId.get(g.best().configId());
                shown.add(new Shown(g.method(), g.dataset(), g.best().configId(),
                        g.method() + ": best configuration by mean validation error", true, values(best, keys, false),
                        best));
            } else {
                // No configuration has a validation error (no_val_set): none is best; the row shows the first one.
                Row first = rows.stream().filter(r -> g.method().equals(r.getAs("method"))
                        && g.dataset().equals(r.getAs("dataset"))).findFirst().orElseThrow();
                shown.add(new Shown(g.method(), g.dataset(), first.getAs("config_id"),
                        g.method() + ": no best configuration (none has a validation error), first by config_id",
                        true, values(first, keys, false), first));
            }
        }
        return new Picked(datasets, shown, spreads);
    }

    /** Per method, the hyperparameters whose values differ among its configurations (all datasets). */
    static Map<String, List<String>> varying(List<Row> rows, List<String> params) {
        Map<String, Map<String, TreeSet<String>>> seen = new TreeMap<>();
        for (Row r : rows) {
            Map<String, TreeSet<String>> m = seen.computeIfAbsent(r.getAs("method"), k -> new LinkedHashMap<>());
            for (String p : params) {
                m.computeIfAbsent(p, k -> new TreeSet<>()).add(String.valueOf((Object) r.getAs(p)));
            }
        }
        Map<String, List<String>> out = new TreeMap<>();
        seen.forEach((method, m) -> out.put(method, m.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey).toList()));
        return out;
    }

    /** "lr=0.0001, sigma=0.1": the values of {@code keys} in {@code r}, numbers to 4 significant digits unless exact. */
    static String values(Row r, List<String> keys, boolean exact) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            Object v = r.getAs(k);
            parts.add(k + "=" + (v instanceof Double d && !exact ? short4(d) : Objects.toString(v)));
        }
        return String.join(", ", parts);
    }

    /** {@code d} to 4 significant digits without trailing zeros: "0.0001", "1e-05", "0.3333". */
    static String short4(double d) {
        return String.format(Locale.ROOT, "%.4g", d).replaceAll("(\\.\\d*?)0+(?=e|$)", "$1")
                .replaceAll("\\.(?=e|$)", "");
    }
}
