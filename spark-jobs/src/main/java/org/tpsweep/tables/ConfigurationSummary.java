package org.tpsweep.tables;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.StructType;

/**
 * The per-configuration reading of a sweep's results, shared by the table {@code run} prints ({@link SummaryTable})
 * and the report: computed from a summary table ({@link Aggregates#summary}, i.e. {@code summary.parquet} read back
 * or the same Dataset before it is written). Every number is a value of that table or a Spark SQL aggregate over its
 * rows; nothing is recomputed from the trials, so what is shown equals {@code summary.parquet}.
 *
 * <ul>
 * <li>A hyperparameter <em>varies</em> on a method × dataset when its configurations there do not all have the same
 *   value; the varying ones name a configuration, in {@link #byName} order (shortest name first, then
 *   alphabetical).</li>
 * <li>A method × dataset with at most {@code maxListed} configurations ({@link #MAX_LISTED} in {@code run}'s table)
 *   that is not a sensitivity study is <em>listed</em>: one {@link Configuration} each, with its statistics over
 *   seeds (its ok trials).</li>
 * <li>One with more (a random search, a large grid), and every sensitivity study (a method × dataset whose
 *   configurations are all draws, {@code sensitivity_draw}, whatever their number), is <em>summarised</em> as a
 *   {@link Group}:
 *   how many configurations, the best one by mean validation error (lowest {@code best_val_error_mean}; ties: the
 *   smaller {@code config_id}; a configuration without a finite mean validation error is never best, so there is no
 *   best when none has one, e.g. {@code no_val_set}), and the spread <em>over configurations</em>: median and
 *   quartiles (Spark SQL {@code percentile}, linear interpolation) of the configurations' mean test errors, over the
 *   configurations with an ok trial. These are never statistics over seeds.</li>
 * </ul>
 * Errors are fractions; standard deviations are the summary's sample ones (null for one value).
 */
public final class ConfigurationSummary {
    /**
     * The most configurations of one method on one dataset that {@code run} lists line by line (about what fits on
     * a terminal screen with the rest of its output); above, they are summarised.
     */
    public static final int MAX_LISTED = 10;

    /**
     * One configuration (a summary row).
     *
     * @param parameters        the hyperparameters that vary (of the listed table, or of the configuration's group)
     *                          → this configuration's value (null where its method lacks the hyperparameter)
     * @param trials            its trials ({@code n_trials}: one per seed)
     * @param n                 its ok trials with a test error ({@code n_test_error}): the seeds averaged
     * @param mean              {@code test_error_mean} (null without an ok trial)
     * @param std               {@code test_error_std} (null for n &lt; 2)
     * @param batchAveragedMean {@code test_error_batchavg_mean}, [M]'s batch-averaged test error
     * @param validationMean    {@code best_val_error_mean}, by which the best configuration is chosen
     */
    public record Configuration(String method, String dataset, String configId, Map<String, Object> parameters,
                                long trials, long n, Double mean, Double std, Double batchAveragedMean,
                                Double validationMean, long diverged, long stopped, long failed) {
    }

    /**
     * A summarised method × dataset.
     *
     * @param study          true when its configurations are all draws of a sensitivity study
     * @param varying        the hyperparameters that vary among its configurations
     * @param configurations how many configurations it summarises
     * @param withResult     those with an ok trial (with a mean test error): the spread is over these
     * @param best           the best configuration by mean validation error; null when none has one
     * @param q1             first quartile of the configurations' mean test errors (null when none has one)
     * @param median         their median
     * @param q3             their third quartile
     * @param trials         its trials; {@code diverged}, {@code stopped}, {@code failed}: those that ended so
     */
    public record Group(String method, String dataset, boolean study, List<String> varying, long configurations,
                        long withResult,
                        Configuration best, Double q1, Double median, Double q3, long trials, long diverged,
                        long stopped, long failed) {
    }

    /**
     * The reading of a summary table.
     *
     * @param parameters the hyperparameters that vary on some listed method × dataset: the listed table's columns
     * @param listed     the configurations of the listed method × datasets, ordered by dataset, method (as given),
     *                   then by the values of {@code parameters}
     * @param summarised the method × datasets with more than {@code maxListed} configurations, in the same order
     * @param maxListed  the threshold used
     */
    public record Result(List<String> parameters, List<Configuration> listed, List<Group> summarised, int maxListed) {
    }

    private ConfigurationSummary() {
    }

    /**
     * Reads {@code summary} (a summary table: {@code summary.parquet} or {@link Aggregates#summary}'s Dataset) with
     * two small Spark jobs; method × datasets are ordered as {@code datasets}, then {@code methods} (names missing
     * from these lists come after, alphabetically).
     */
    public static Result of(Dataset<Row> summary, List<String> datasets, List<String> methods, int maxListed) {
        if (maxListed < 1) {
            throw new IllegalArgumentException("maxListed " + maxListed + ": allowed: 1 or more");
        }
        List<String> params = parameterColumns(summary.schema());
        Comparator<Key> order = Comparator.<Key>comparingInt(k -> rank(datasets, k.dataset()))
                .thenComparing(Key::dataset).thenComparingInt(k -> rank(methods, k.method())).thenComparing(Key::method);

        // Job 1: per method × dataset, the configuration count, the spread over configurations, the non-ok trials
        // and which hyperparameters vary.
        List<Column> aggs = new ArrayList<>(List.of(min(col(Aggregates.SENSITIVITY_DRAW)).as("study"),
                count(col("test_error_mean")).as("with_result"),
                expr("percentile(test_error_mean, array(0.25, 0.5, 0.75))").as("quartiles"),
                sum("n_trials").as("trials"), sum("n_diverged").as("diverged"), sum("n_stopped").as("stopped"),
                sum("n_failed").as("failed")));
        for (int i = 0; i < params.size(); i++) {
            Column p = col(params.get(i));
            aggs.add(not(min(p).eqNullSafe(max(p))).as("varies_" + i));
        }
        Map<Key, Row> groups = new java.util.TreeMap<>(order);
        for (Row r : summary.groupBy("method", "dataset")
                .agg(count(lit(1)).as("configurations"), aggs.toArray(Column[]::new)).collectAsList()) {
            groups.put(Key.of(r), r);
        }
        TreeSet<String> listedParams = new TreeSet<>(byName());
        Map<Key, List<String>> varying = new LinkedHashMap<>();
        for (Map.Entry<Key, Row> g : groups.entrySet()) {
            List<String> v = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                if (g.getValue().<Boolean>getAs("varies_" + i)) {
                    v.add(params.get(i));
                }
            }
            v.sort(byName());
            varying.put(g.getKey(), v);
            if (listed(g.getValue(), maxListed)) {
                listedParams.addAll(v);
            }
        }
        List<String> columns = List.copyOf(listedParams);

        // Job 2: the configurations of the listed method × datasets and the best of every summarised one.
        WindowSpec byGroup = Window.partitionBy("method", "dataset");
        List<Column> sort = new ArrayList<>();
        for (String p : columns) {
            sort.add(col(p).asc_nulls_first());
        }
        sort.add(col("config_id"));
        Dataset<Row> picked = summary
                .withColumn("configurations", count(lit(1)).over(byGroup))
                .withColumn("study", min(col(Aggregates.SENSITIVITY_DRAW)).over(byGroup))
                .withColumn("rank", row_number().over(byGroup.orderBy(col("best_val_error_mean").asc_nulls_last(),
                        col("config_id"))))
                .where(col("configurations").leq(maxListed).and(not(col("study"))).or(col("rank").equalTo(1)))
                .orderBy(sort.toArray(Column[]::new));
        List<Configuration> listed = new ArrayList<>();
        Map<Key, Configuration> best = new LinkedHashMap<>();
        for (Row r : picked.collectAsList()) {
            Key key = Key.of(r);
            if (listed(r, maxListed)) {
                listed.add(configuration(r, columns));
            } else {
                Configuration c = configuration(r, varying.get(key));
                Double v = c.validationMean();
                best.put(key, v == null || v.isNaN() ? null : c);
            }
        }
        listed.sort(Comparator.comparing(c -> new Key(c.method(), c.dataset()), order));   // stable

        List<Group> summarised = new ArrayList<>();
        groups.forEach((key, r) -> {
            long configurations = r.<Long>getAs("configurations");
            if (listed(r, maxListed)) {
                return;
            }
            List<Double> q = r.isNullAt(r.fieldIndex("quartiles")) ? null : r.getList(r.fieldIndex("quartiles"));
            summarised.add(new Group(key.method(), key.dataset(), r.<Boolean>getAs("study"), varying.get(key),
                    configurations,
                    r.<Long>getAs("with_result"), best.get(key), q == null ? null : q.get(0),
                    q == null ? null : q.get(1), q == null ? null : q.get(2), r.<Long>getAs("trials"),
                    r.<Long>getAs("diverged"), r.<Long>getAs("stopped"), r.<Long>getAs("failed")));
        });
        return new Result(columns, List.copyOf(listed), List.copyOf(summarised), maxListed);
    }

    /**
     * The hyperparameter columns of a summary table: those between {@code sensitivity_draw} and {@code n_trials}
     * ({@link Aggregates#summary}'s layout).
     */
    public static List<String> parameterColumns(StructType summary) {
        List<String> names = List.of(summary.fieldNames());
        int from = names.indexOf(Aggregates.SENSITIVITY_DRAW);
        int to = names.indexOf("n_trials");
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("not a summary table (columns " + Aggregates.SENSITIVITY_DRAW
                    + " … n_trials expected): " + names);
        }
        return names.subList(from + 1, to);
    }

    /** Hyperparameter names shortest first, then alphabetically. */
    public static Comparator<String> byName() {
        return Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());
    }

    /**
     * A hyperparameter value as shown, short: a number rounded to 4 significant digits, plain from 0.001 to 99999
     * ({@code 0.1}, {@code 100}), else in scientific form ({@code 1e-4}, {@code 3.2e-5}); other values as text; null
     * (the method lacks it) as "–".
     */
    public static String valueText(Object value) {
        if (value == null) {
            return "–";
        }
        if (!(value instanceof Double d)) {
            return value.toString();
        }
        if (d.isNaN() || d.isInfinite()) {
            return d.toString();
        }
        if (d == 0) {
            return "0";
        }
        BigDecimal b = BigDecimal.valueOf(d).round(new MathContext(4)).stripTrailingZeros();
        String plain = b.toPlainString();
        String digits = b.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - b.scale();
        String sci = (b.signum() < 0 ? "-" : "") + digits.charAt(0)
                + (digits.length() > 1 ? "." + digits.substring(1) : "") + "e" + exponent;
        return exponent >= -3 && exponent <= 4 ? plain : sci;
    }

    private static Configuration configuration(Row r, List<String> parameters) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String p : parameters) {
            values.put(p, r.getAs(p));
        }
        return new Configuration(r.getAs("method"), r.getAs("dataset"), r.getAs("config_id"),
                java.util.Collections.unmodifiableMap(values), r.<Long>getAs("n_trials"),
                r.<Long>getAs("n_test_error"), r.getAs("test_error_mean"), r.getAs("test_error_std"),
                r.getAs("test_error_batchavg_mean"), r.getAs("best_val_error_mean"), r.<Long>getAs("n_diverged"),
                r.<Long>getAs("n_stopped"), r.<Long>getAs("n_failed"));
    }

    /** True when the method × dataset of {@code r} (its "configurations" and "study" columns) is listed. */
    private static boolean listed(Row r, int maxListed) {
        return r.<Long>getAs("configurations") <= maxListed && !r.<Boolean>getAs("study");
    }

    /** A method × dataset. */
    private record Key(String method, String dataset) {
        static Key of(Row r) {
            return new Key(r.getAs("method"), r.getAs("dataset"));
        }
    }

    private static int rank(List<String> order, String name) {
        int i = order.indexOf(name);
        return i < 0 ? Integer.MAX_VALUE : i;
    }
}
