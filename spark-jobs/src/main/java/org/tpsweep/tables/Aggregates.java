package org.tpsweep.tables;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.tpsweep.config.ParamDef;
import org.tpsweep.train.RunStatus;

/**
 * The aggregate tables of a sweep, computed with Spark SQL from the trials table. Statistics are over the
 * trials that have the value: a failed trial has no errors; a diverged one has the errors of its best
 * epoch before the divergence (null when none finished). Standard deviations are sample ones (n − 1), null
 * for a single value; a 95 % confidence interval of a mean is mean ± t<sub>0.975, n−1</sub>·std/√n (Student
 * t quantile from Commons Math), null for n &lt; 2.
 *
 * <p>{@code summary}: one row per configuration: {@code method, dataset, config_id, sensitivity_draw} (true
 * for the draws of a sensitivity study), the hyperparameter columns, {@code n_trials, n_ok, n_diverged, n_stopped, n_failed, n_test_error} (ok trials with a test error,
 * the CI's n), then for each of {@code test_error, test_error_batchavg, best_val_error, final_train_loss}, over the
 * configuration's {@code ok} trials only (diverged, stopped and failed ones are counted, never averaged):
 * {@code <metric>_mean, _std, _min, _median, _max}, then {@code test_error_ci95_low, test_error_ci95_high}.
 *
 * <p>{@code paired}: one row per compared pair of configurations on the same dataset that are not sensitivity
 * draws (the configurations of result tables and grids: a study's draws would make the table quadratic in its
 * size and are summarised by the histograms; its base configuration is compared): every unordered pair on a
 * dataset with at most {@value #ALL_PAIRS_MAX_CONFIGS} such configurations in the plan; on a larger one (a random
 * search) each configuration against the best configuration of every method on the dataset (lowest mean test
 * error over its ok seeds, ties to the smaller config_id), so that the table grows linearly, never
 * quadratically. Each pair is oriented so that (method_a, config_a) sorts before (method_b, config_b), over
 * the seeds on which both ended ok: {@code dataset, method_a, config_a, method_b, config_b, n_pairs, mean_diff} (test error a − b),
 * {@code std_diff, ci95_low, ci95_high, wins} (a has the lower error), {@code losses} (a the higher) and
 * {@code ties}.
 *
 * <p>{@code histograms}: per method × dataset with a sensitivity study, the sensitivity histogram over the
 * study's draws (not its base configuration, nor configurations of grids or random axes) of each draw's mean
 * test accuracy (1 − test error, mean over its ok seeds): {@value #BINS} fixed bins
 * over [0, 1] ({@code bin} 0…{@value #BINS}−1, {@code bin_lo, bin_hi}; the last bin includes 1), {@code count}
 * (empty bins are rows with 0); repeated on every row of the method × dataset: {@code n_configs} (all its
 * configurations), {@code n_with_result} (those with a test accuracy), {@code best_accuracy} (the highest
 * mean accuracy), {@code share_within_1pct} and {@code share_within_5pct} (the share of all its
 * configurations whose mean accuracy is at least best_accuracy − 0.01, resp. − 0.05: percentage points), and
 * the draws without an ok seed by kind, never binned: {@code n_diverged} (a seed diverged), {@code n_stopped}
 * (else a seed stopped), {@code n_failed} (else).
 * A sweep without a sensitivity study has an empty histograms table.
 *
 * <p>{@code jacobians_summary}: [F]'s Jacobian conditions over seeds ([F] Fig. 2: mean ± std over seeds), one row
 * per configuration × epoch × layer of the jacobians table: {@code method, dataset, config_id, epoch, layer, n}
 * (the configuration's trials with a finite value there), {@code trace_mean, trace_std} (mean and sample std over
 * those trials of their {@code trace_mean}, itself a mean over evaluation minibatches) and likewise
 * {@code positive_share_mean, positive_share_std}. Empty when no trial measured the conditions.
 */
public final class Aggregates {
    /** Number of histogram bins over [0, 1]. */
    public static final int BINS = 20;
    /** The metrics summarised per configuration. */
    public static final List<String> METRICS = List.of("test_error", "test_error_batchavg", "best_val_error",
            "final_train_loss");

    /**
     * The most comparable configurations of a dataset that {@code paired} compares pairwise (2,016 pairs); above,
     * each is compared with the best configuration of every method only.
     */
    public static final int ALL_PAIRS_MAX_CONFIGS = 64;

    /** Column of the trials table: true for a sensitivity study's draws. */
    public static final String SENSITIVITY_DRAW = "sensitivity_draw";

    private static final double EPS = 1e-12;

    private Aggregates() {
    }

    /** The summary table of {@code trials} (the trials table with hyperparameter columns {@code params}). */
    public static Dataset<Row> summary(Dataset<Row> trials, Map<String, ParamDef> params) {
        // sensitivity_draw and the hyperparameters are the same for every trial of a configuration: grouping keys,
        // not aggregates (a smaller aggregation to plan and run).
        List<Column> keys = new ArrayList<>(List.of(col("method"), col("dataset"), col("config_id"),
                col(SENSITIVITY_DRAW)));
        for (String p : params.keySet()) {
            keys.add(col(p));
        }
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(lit(1)).as("n_trials"));
        for (RunStatus s : RunStatus.values()) {
            aggs.add(sum(when(col("status").equalTo(s.label()), 1L).otherwise(0L)).as("n_" + s.label()));
        }
        aggs.add(count(ok("test_error")).as("n_test_error"));
        for (String m : METRICS) {
            aggs.add(avg(ok(m)).as(m + "_mean"));
            aggs.add(stddev_samp(ok(m)).as(m + "_std"));
            aggs.add(min(ok(m)).as(m + "_min"));
            aggs.add(expr("percentile(CASE WHEN status = '" + RunStatus.OK.label() + "' THEN " + m + " END, 0.5)")
                    .as(m + "_median"));
            aggs.add(max(ok(m)).as(m + "_max"));
        }
        Dataset<Row> s = trials.groupBy(keys.toArray(Column[]::new))
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
        Column half = tQuantile().apply(col("n_test_error")).multiply(col("test_error_std"))
                .divide(sqrt(col("n_test_error")));
        return s.withColumn("test_error_ci95_low", col("test_error_mean").minus(half))
                .withColumn("test_error_ci95_high", col("test_error_mean").plus(half));
    }

    /** The paired-comparison table of {@code trials}, every pair on every dataset. */
    public static Dataset<Row> paired(Dataset<Row> trials) {
        return paired(trials, Set.of());
    }

    /**
     * The paired-comparison table of {@code trials}: every pair of configurations on a dataset, except on the
     * datasets {@code againstBest} (those with more than {@link #ALL_PAIRS_MAX_CONFIGS} configurations,
     * {@link #againstBest}), where each configuration is compared with the best configuration of every method.
     */
    public static Dataset<Row> paired(Dataset<Row> trials, Set<String> againstBest) {
        Dataset<Row> t = trials.where(col("test_error").isNotNull().and(not(col(SENSITIVITY_DRAW)))
                        .and(col("status").equalTo(RunStatus.OK.label())))
                .select(col("dataset"), col("seed"), col("method"), col("config_id"), col("test_error"));
        Dataset<Row> a = t.toDF("dataset", "seed", "method_a", "config_a", "error_a");
        Dataset<Row> b = t.toDF("dataset_b", "seed_b", "method_b", "config_b", "error_b");
        Column sameSeed = col("dataset").equalTo(col("dataset_b")).and(col("seed").equalTo(col("seed_b")));
        Column ordered = col("method_a").lt(col("method_b"))
                .or(col("method_a").equalTo(col("method_b")).and(col("config_a").lt(col("config_b"))));
        Dataset<Row> d;
        if (againstBest.isEmpty()) {
            d = a.join(b, sameSeed.and(ordered));
        } else {
            Column small = not(col("dataset").isin(againstBest.toArray()));
            Column small_b = not(col("dataset_b").isin(againstBest.toArray()));
            Dataset<Row> pairs = bestPairs(t.where(not(small)));
            d = a.where(small).join(b.where(small_b), sameSeed.and(ordered))
                    .unionByName(pairs.join(a, seq("dataset", "method_a", "config_a"))
                            .join(b, sameSeed.and(col("method_b").equalTo(col("method_b_")))
                                    .and(col("config_b").equalTo(col("config_b_"))))
                            .drop("method_b_", "config_b_"));
        }
        Dataset<Row> p = d.withColumn("diff", col("error_a").minus(col("error_b")))
                .groupBy("dataset", "method_a", "config_a", "method_b", "config_b")
                .agg(count(lit(1)).as("n_pairs"), avg("diff").as("mean_diff"), stddev_samp("diff").as("std_diff"),
                        sum(when(col("diff").lt(0), 1L).otherwise(0L)).as("wins"),
                        sum(when(col("diff").gt(0), 1L).otherwise(0L)).as("losses"),
                        sum(when(col("diff").equalTo(0), 1L).otherwise(0L)).as("ties"));
        Column half = tQuantile().apply(col("n_pairs")).multiply(col("std_diff")).divide(sqrt(col("n_pairs")));
        return p.select(col("dataset"), col("method_a"), col("config_a"), col("method_b"), col("config_b"),
                        col("n_pairs"), col("mean_diff"), col("std_diff"),
                        col("mean_diff").minus(half).as("ci95_low"), col("mean_diff").plus(half).as("ci95_high"),
                        col("wins"), col("losses"), col("ties"));
    }

    /**
     * The datasets on which {@code paired} compares each configuration with every method's best only: those
     * with more than {@link #ALL_PAIRS_MAX_CONFIGS} comparable configurations (not sensitivity draws) in
     * {@code configurations} (dataset → its comparable configuration ids, e.g. of a plan).
     */
    public static Set<String> againstBest(Map<String, ? extends java.util.Collection<String>> configurations) {
        Set<String> large = new java.util.TreeSet<>();
        configurations.forEach((dataset, ids) -> {
            if (ids.size() > ALL_PAIRS_MAX_CONFIGS) {
                large.add(dataset);
            }
        });
        return large;
    }

    /**
     * Each configuration of {@code t} (ok trials with a test error) with the best configuration of every method
     * on its dataset (lowest mean test error over its ok seeds; ties: the smaller config_id), as
     * {@code dataset, method_a, config_a, method_b_, config_b_} oriented so that (method_a, config_a) sorts
     * first; a pair of two bests once. Linear in the configurations.
     */
    private static Dataset<Row> bestPairs(Dataset<Row> t) {
        Dataset<Row> configs = t.groupBy("dataset", "method", "config_id").agg(avg("test_error").as("mean_error"))
                .withColumn("rank", row_number().over(Window.partitionBy("dataset", "method")
                        .orderBy(col("mean_error"), col("config_id"))));
        Dataset<Row> x = configs.select(col("dataset"), col("method").as("m1"), col("config_id").as("c1"));
        Dataset<Row> best = configs.where(col("rank").equalTo(1))
                .select(col("dataset").as("dataset_y"), col("method").as("m2"), col("config_id").as("c2"));
        Column before = col("m1").lt(col("m2")).or(col("m1").equalTo(col("m2")).and(col("c1").lt(col("c2"))));
        return x.join(best, col("dataset").equalTo(col("dataset_y"))
                        .and(not(col("m1").equalTo(col("m2")).and(col("c1").equalTo(col("c2"))))))
                .select(col("dataset"),
                        when(before, col("m1")).otherwise(col("m2")).as("method_a"),
                        when(before, col("c1")).otherwise(col("c2")).as("config_a"),
                        when(before, col("m2")).otherwise(col("m1")).as("method_b_"),
                        when(before, col("c2")).otherwise(col("c1")).as("config_b_"))
                .distinct();
    }

    /** The sensitivity-histogram table of {@code trials}. */
    public static Dataset<Row> histograms(Dataset<Row> trials) {
        Dataset<Row> configs = trials.where(col(SENSITIVITY_DRAW)).groupBy("method", "dataset", "config_id")
                .agg(lit(1).minus(avg(ok("test_error"))).as("accuracy"),
                        max(when(col("status").equalTo(RunStatus.DIVERGED.label()), 1).otherwise(0)).as("any_diverged"),
                        max(when(col("status").equalTo(RunStatus.STOPPED.label()), 1).otherwise(0)).as("any_stopped"));
        // A draw without an ok seed is a failure of its own kind, never its pre-divergence accuracy.
        Column noResult = col("accuracy").isNull();
        Column divergedDraw = noResult.and(col("any_diverged").equalTo(1));
        Column stoppedDraw = noResult.and(col("any_diverged").equalTo(0)).and(col("any_stopped").equalTo(1));
        Dataset<Row> groups = configs.groupBy("method", "dataset")
                .agg(count(lit(1)).as("n_configs"), count(col("accuracy")).as("n_with_result"),
                        max("accuracy").as("best_accuracy"),
                        sum(when(divergedDraw, 1L).otherwise(0L)).as("n_diverged"),
                        sum(when(stoppedDraw, 1L).otherwise(0L)).as("n_stopped"),
                        sum(when(noResult.and(not(divergedDraw)).and(not(stoppedDraw)), 1L).otherwise(0L))
                                .as("n_failed"));
        Column best = col("best_accuracy");
        Dataset<Row> shares = configs.join(groups.drop("n_diverged", "n_stopped", "n_failed"), seq("method", "dataset"))
                .groupBy("method", "dataset", "n_configs", "n_with_result", "best_accuracy")
                .agg(sum(when(col("accuracy").geq(best.minus(0.01 + EPS)), 1L).otherwise(0L)).as("within_1"),
                        sum(when(col("accuracy").geq(best.minus(0.05 + EPS)), 1L).otherwise(0L)).as("within_5"))
                .select(col("method"), col("dataset"), col("n_configs"), col("n_with_result"), best,
                        col("within_1").divide(col("n_configs")).as("share_within_1pct"),
                        col("within_5").divide(col("n_configs")).as("share_within_5pct"));
        Dataset<Row> counts = configs.where(col("accuracy").isNotNull())
                .withColumn("bin", least(floor(col("accuracy").multiply(BINS)), lit(BINS - 1L)).cast("int"))
                .groupBy("method", "dataset", "bin").agg(count(lit(1)).as("count"));
        Dataset<Row> grid = groups.select("method", "dataset")
                .crossJoin(broadcast(trials.sparkSession().range(BINS).select(col("id").cast("int").as("bin"))));
        return grid.join(counts, seq("method", "dataset", "bin"), "left")
                .join(shares, seq("method", "dataset"))
                .join(groups.select("method", "dataset", "n_diverged", "n_stopped", "n_failed"), seq("method", "dataset"))
                .select(col("method"), col("dataset"), col("bin"), col("bin").divide(BINS).as("bin_lo"),
                        col("bin").plus(1).divide(BINS).as("bin_hi"), coalesce(col("count"), lit(0L)).as("count"),
                        col("n_configs"), col("n_with_result"), col("best_accuracy"), col("share_within_1pct"),
                        col("share_within_5pct"), col("n_diverged"), col("n_stopped"), col("n_failed"));
    }

    /**
     * The jacobians_summary table from the jacobians rows of the trials with their configuration: columns
     * {@code method, dataset, config_id, epoch, layer, trace_mean, positive_share_mean} (per trial).
     */
    public static Dataset<Row> jacobianSummary(Dataset<Row> rows) {
        Column trace = finiteOrNull(col("trace_mean"));
        Column share = finiteOrNull(col("positive_share_mean"));
        return rows.withColumn("t", trace).withColumn("s", share)
                .groupBy("method", "dataset", "config_id", "epoch", "layer")
                .agg(count(col("t")).as("n"), avg("t").as("trace_mean"), stddev_samp("t").as("trace_std"),
                        avg("s").as("positive_share_mean"), stddev_samp("s").as("positive_share_std"));
    }

    /** The column's value for an {@code ok} trial, null for any other: every statistic is over ok trials only. */
    private static Column ok(String metric) {
        return when(col("status").equalTo(RunStatus.OK.label()), col(metric));
    }

    /** The value, or null where it is NaN (a non-finite M): statistics are over the trials that have a value. */
    private static Column finiteOrNull(Column c) {
        return when(isnan(c), lit(null).cast("double")).otherwise(c);
    }

    private static scala.collection.immutable.Seq<String> seq(String... columns) {
        return scala.collection.JavaConverters.asScalaBuffer(List.of(columns)).toList();
    }

    /** t_{0.975, n−1} as a column function of n; null for n &lt; 2. */
    static UserDefinedFunction tQuantile() {
        return udf((UDF1<Long, Double>) n -> n == null || n < 2 ? null : t975(n - 1), DataTypes.DoubleType);
    }

    /** The 0.975 quantile of Student's t distribution with {@code df} degrees of freedom. */
    public static double t975(long df) {
        return new TDistribution(null, df).inverseCumulativeProbability(0.975);
    }
}
