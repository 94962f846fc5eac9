package org.tpsweep.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.Aggregates;

/**
 * Which configurations the report shows, by the rule of the table {@code run} prints: one row per configuration
 * (method and the hyperparameters that vary among the method's configurations in the sweep) with its mean ± std
 * over seeds; where a method has many configurations on a dataset (a sensitivity study, or more than
 * {@value #MAX_LISTED} configurations: a random search, a large grid) only its best configuration by mean
 * validation error, with beside it the spread over its configurations (median and interquartile range of their
 * mean test errors, labelled as such, never "over seeds"). Every number is a summary.parquet value or a Spark SQL
 * percentile over its rows. The one place the rule lives in the report, so that it can follow the printed table's
 * class.
 */
public final class ResultRows {
    /** The most configurations of a method on a dataset listed one by one. */
    public static final int MAX_LISTED = 12;

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

        /** The row labels of the result table, in order (a label shared by several datasets once). */
        public List<String> labels() {
            return shown.stream().sorted(Comparator.comparing(Shown::method)).map(Shown::label).distinct().toList();
        }
    }

    private ResultRows() {
    }

    /** Picks the rows of {@code tables}' summary. */
    public static Picked pick(SweepTables tables) {
        List<Row> rows = tables.summary().orderBy("dataset", "method", "config_id").collectAsList();
        List<String> params = tables.hyperparameters();
        Map<String, List<String>> varying = varying(rows, params);
        Map<String, List<Row>> groups = new TreeMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(r.<String>getAs("dataset") + "\u0000" + r.<String>getAs("method"),
                    k -> new ArrayList<>()).add(r);
        }
        List<Shown> shown = new ArrayList<>();
        List<String[]> summarised = new ArrayList<>();
        for (List<Row> g : groups.values()) {
            String method = g.get(0).getAs("method");
            String dataset = g.get(0).getAs("dataset");
            List<String> keys = varying.getOrDefault(method, List.of());
            boolean many = g.size() > MAX_LISTED || g.stream().anyMatch(r -> r.<Boolean>getAs(Aggregates.SENSITIVITY_DRAW));
            if (!many) {
                // Four significant digits, unless two configurations would then read the same: then exact values.
                boolean exact = g.stream().map(r -> values(r, keys, false)).distinct().count() < g.size();
                for (Row r : g) {
                    String values = values(r, keys, exact);
                    shown.add(new Shown(method, dataset, r.getAs("config_id"),
                            values.isEmpty() ? method : method + " (" + values + ")", false, values, r));
                }
                continue;
            }
            summarised.add(new String[] {method, dataset});
            Row best = g.stream().filter(r -> r.getAs("best_val_error_mean") != null)
                    .min(Comparator.<Row>comparingDouble(r -> r.getAs("best_val_error_mean"))
                            .thenComparing(r -> r.<String>getAs("config_id")))
                    .orElse(g.get(0));
            shown.add(new Shown(method, dataset, best.getAs("config_id"),
                    method + ": best configuration by mean validation error", true, values(best, keys, false), best));
        }
        return new Picked(rows.stream().map(r -> r.<String>getAs("dataset")).distinct().sorted().toList(), shown,
                spreads(tables.summary(), summarised));
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

    /** The spread over configurations of each summarised method × dataset, with Spark SQL's exact percentile. */
    private static List<Spread> spreads(Dataset<Row> summary, List<String[]> summarised) {
        if (summarised.isEmpty()) {
            return List.of();
        }
        List<Spread> out = new ArrayList<>();
        for (Row r : summary.groupBy("method", "dataset")
                .agg(count(lit(1)).as("configurations"), count(col("test_error_mean")).as("with_mean"),
                        expr("percentile(test_error_mean, array(0.25, 0.5, 0.75))").as("q"))
                .orderBy("dataset", "method").collectAsList()) {
            String method = r.getAs("method");
            String dataset = r.getAs("dataset");
            if (summarised.stream().noneMatch(s -> s[0].equals(method) && s[1].equals(dataset))) {
                continue;
            }
            List<Double> q = r.isNullAt(r.fieldIndex("q")) ? null : r.getList(r.fieldIndex("q"));
            out.add(new Spread(method, dataset, r.getAs("configurations"), r.getAs("with_mean"),
                    q == null ? null : q.get(0), q == null ? null : q.get(1), q == null ? null : q.get(2)));
        }
        return out;
    }
}
