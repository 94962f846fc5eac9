package org.tpsweep.tables;

import org.tpsweep.spark.SweepJobTest;

import org.tpsweep.spark.SweepJob;
import org.tpsweep.store.TrialOutcome;
import org.tpsweep.store.TrialStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.RunConfig;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.train.EpochMetrics;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;

/**
 * The compaction of per-trial files and the aggregate tables on a synthetic sweep whose statistics are
 * worked out by hand: bp with lr 0.1 (A), 0.2 (B), 0.3 (C, every seed failed), 0.4 (E), 0.5 (F, every seed
 * diverged after a pre-divergence test error of 0.05) and ddtp-linear (D) on mnist, seeds 1–3; C, E and F are
 * sensitivity draws. Every statistic is over ok trials only.
 *
 * <pre>
 * test error  seed 1  seed 2  seed 3
 * A           0.10    0.12    0.14
 * B           0.14    0.18    failed
 * C           failed  failed  failed
 * D           0.11    0.12    0.16 (diverged)
 * E           0.20    0.30    0.25
 * F           0.05 (diverged, all three)
 * </pre>
 */
@Tag("spark")
class AggregatesTest {
    static final double T_2 = 4.302652729749464;   // t_{0.975, 2}
    static final double T_1 = 12.706204736174698;  // t_{0.975, 1}
    static final double TOL = 1e-12;

    @TempDir
    static Path tmp;

    static Map<String, Row> summary = new HashMap<>();
    static List<Row> paired;
    static List<Row> histograms;
    static List<Row> trials;
    static List<Row> epochs;
    static List<Row> angles;
    static String a;
    static String b;
    static String c;
    static String d;
    static String e;
    static String f;
    static ConfigurationSummary.Result printed;
    static List<SweepJob.FailedTrial> failedTrials;
    static Compactor.Counts counts;

    static TrainResult result(RunStatus status, double testError) {
        if (status == RunStatus.FAILED) {
            return new TrainResult(status, "X: boom", List.of(), 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Instant.EPOCH, Instant.EPOCH, List.of(), "");
        }
        double trainLoss = status == RunStatus.DIVERGED ? Double.NaN : 2 * testError;
        return new TrainResult(status, status == RunStatus.OK ? "" : "loss is NaN",
                List.of(new EpochMetrics(1, trainLoss, 0.1, 0.3, 0.2, 0.4, testError, 1.5, 0.0, 0.21, testError + 0.001)), 1,
                testError,
                testError + 0.01, 2 * testError, 1.5, Instant.parse("2024-05-06T07:08:09.123456Z"),
                Instant.parse("2024-05-06T07:08:19Z"), List.of(new AngleStats(1, 1, "bp", 30.0, 2.0, 4)), "");
    }

    @BeforeAll
    static void compactSyntheticSweep() {
        SparkSession spark = SweepJobTest.reader();
        SweepPlan plan = TrialRowsTest.PLAN; // bp and ddtp-linear: the hyperparameter columns
        OutputTables output = OutputTables.prepare(tmp.resolve("out").toString(), new Configuration(), plan, false,
                false);
        output.begin("test-version");
        TrialStore store = output.store(new Configuration());
        Set<String> ids = new HashSet<>();
        double[][] errors = {{0.10, 0.12, 0.14}, {0.14, 0.18, Double.NaN}, {Double.NaN, Double.NaN, Double.NaN},
                {0.11, 0.12, 0.16}, {0.20, 0.30, 0.25}, {0.05, 0.05, 0.05}};
        String[] methods = {"bp", "bp", "bp", "ddtp-linear", "bp", "bp"};
        List<Map<String, Object>> params = List.of(Map.of("lr", 0.1), Map.of("lr", 0.2), Map.of("lr", 0.3), Map.of(),
                Map.of("lr", 0.4), Map.of("lr", 0.5));
        String[] configIds = new String[6];
        for (int k = 0; k < 6; k++) {
            for (int s = 0; s < 3; s++) {
                RunConfig config = RunConfig.of(methods[k], "mnist", s + 1, params.get(k));
                configIds[k] = SweepPlan.configId(config);
                double e = errors[k][s];
                RunStatus status = Double.isNaN(e) ? RunStatus.FAILED
                        : k == 3 && s == 2 || k == 5 ? RunStatus.DIVERGED : RunStatus.OK;
                try {
                    store.commit(new TrialOutcome(config, result(status, e)), false);
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
                ids.add(config.trialId());
            }
        }
        a = configIds[0];
        b = configIds[1];
        c = configIds[2];
        d = configIds[3];
        e = configIds[4];
        f = configIds[5];
        // A trial of another plan in the same folder (as after --force) is left out of the tables.
        try {
            store.commit(new TrialOutcome(RunConfig.of("bp", "mnist", 99, Map.of()), result(RunStatus.OK, 0.5)), false);
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        // C, E and F are the draws of a sensitivity study: in the histograms, not in the paired comparisons.
        Compactor.Compacted compacted = Compactor.compact(spark, output, store, new Compactor.Scope(ids,
                plan.parameterColumns(), Set.of(c, e, f), List.of("mnist"), List.of("bp", "ddtp-linear")));
        counts = compacted.rows();
        printed = compacted.summary();
        failedTrials = compacted.failed();
        for (Row r : spark.read().parquet(output.tablePath(OutputTables.SUMMARY).toString()).collectAsList()) {
            summary.put(r.getAs("config_id"), r);
        }
        paired = spark.read().parquet(output.tablePath(OutputTables.PAIRED).toString()).collectAsList();
        histograms = spark.read().parquet(output.tablePath(OutputTables.HISTOGRAMS).toString()).collectAsList();
        trials = spark.read().parquet(output.trialsPath().toString()).collectAsList();
        epochs = spark.read().parquet(output.epochsPath().toString()).collectAsList();
        angles = spark.read().parquet(output.anglesPath().toString()).collectAsList();
    }

    static double d(Row r, String column) {
        return r.<Double>getAs(column);
    }

    static long l(Row r, String column) {
        return r.<Long>getAs(column);
    }

    @Test
    void studentTQuantiles() {
        assertEquals(T_1, Aggregates.t975(1), 1e-9);
        assertEquals(T_2, Aggregates.t975(2), 1e-9);
        assertEquals(1.959963984540054, Aggregates.t975(1_000_000), 1e-5);
    }

    @Test
    void compactionKeepsEachPlannedTrialOnceWithItsEpochsAndAngles() {
        assertEquals(18, trials.size());
        assertEquals(new Compactor.Counts(18, 14, 14, 0), counts);
        assertEquals(18, trials.stream().map(r -> r.<String>getAs("trial_id")).distinct().count());
        Row diverged = trials.stream().filter(r -> "diverged".equals(r.getAs("status"))
                && r.getAs("config_id").equals(d)).findFirst().orElseThrow();
        assertEquals(0.16, d(diverged, "test_error"), TOL);
        assertEquals(Timestamp.from(Instant.parse("2024-05-06T07:08:09.123456Z")), diverged.getAs("started_at"));
        Row failed = trials.stream().filter(r -> "failed".equals(r.getAs("status"))).findFirst().orElseThrow();
        assertNull(failed.getAs("test_error"));
        assertEquals("X: boom", failed.getAs("message"));
        Row divergedEpoch = epochs.stream().filter(r -> r.getAs("trial_id").equals(diverged.getAs("trial_id")))
                .findFirst().orElseThrow();
        assertTrue(Double.isNaN(d(divergedEpoch, "train_loss")), "NaN survives the JSON round trip");
        assertEquals(0.16, d(divergedEpoch, "test_error"), TOL);
        assertEquals(14, angles.size());
        for (Row r : trials) {
            String config = r.getAs("config_id");
            assertEquals(config.equals(c) || config.equals(e) || config.equals(f), r.getAs("sensitivity_draw"), config);
        }
        assertEquals(30.0, d(angles.get(0), "mean_deg"), TOL);
    }

    @Test
    void summaryPerConfiguration() {
        assertEquals(Set.of(a, b, c, d, e, f), summary.keySet());
        Row ra = summary.get(a);
        assertEquals(false, ra.getAs("sensitivity_draw"));
        assertEquals(true, summary.get(e).getAs("sensitivity_draw"));
        assertEquals("bp", ra.getAs("method"));
        assertEquals(0.1, d(ra, "lr"), TOL);
        assertEquals(3, l(ra, "n_trials"));
        assertEquals(3, l(ra, "n_ok"));
        assertEquals(0, l(ra, "n_failed"));
        assertEquals(0.12, d(ra, "test_error_mean"), TOL);
        assertEquals(0.02, d(ra, "test_error_std"), TOL);
        assertEquals(0.10, d(ra, "test_error_min"), TOL);
        assertEquals(0.12, d(ra, "test_error_median"), TOL);
        assertEquals(0.14, d(ra, "test_error_max"), TOL);
        assertEquals(0.121, d(ra, "test_error_batchavg_mean"), TOL);     // the best epoch's batch-averaged error
        assertEquals(0.13, d(ra, "best_val_error_mean"), TOL);
        assertEquals(0.24, d(ra, "final_train_loss_mean"), TOL);
        double half = T_2 * 0.02 / Math.sqrt(3);
        assertEquals(0.12 - half, d(ra, "test_error_ci95_low"), 1e-9);
        assertEquals(0.12 + half, d(ra, "test_error_ci95_high"), 1e-9);

        Row rb = summary.get(b);
        assertEquals(2, l(rb, "n_ok"));
        assertEquals(1, l(rb, "n_failed"));
        assertEquals(2, l(rb, "n_test_error"));
        assertEquals(0.16, d(rb, "test_error_mean"), TOL);
        assertEquals(0.02 * Math.sqrt(2), d(rb, "test_error_std"), TOL);
        assertEquals(0.16, d(rb, "test_error_median"), TOL);
        assertEquals(0.16 + T_1 * 0.02, d(rb, "test_error_ci95_high"), 1e-9);

        Row rc = summary.get(c);
        assertEquals(3, l(rc, "n_failed"));
        assertEquals(0, l(rc, "n_test_error"));
        assertNull(rc.getAs("test_error_mean"));
        assertNull(rc.getAs("test_error_ci95_low"));

        Row rd = summary.get(d);
        assertEquals("ddtp-linear", rd.getAs("method"));
        assertEquals(2, l(rd, "n_ok"));
        assertEquals(1, l(rd, "n_diverged"));
        assertEquals(0, l(rd, "n_stopped"));
        // Over the two ok seeds only; the diverged seed's 0.16 is counted in n_diverged, never averaged.
        assertEquals(2, l(rd, "n_test_error"));
        assertEquals(0.115, d(rd, "test_error_mean"), TOL);
        assertEquals(Math.sqrt(0.00005), d(rd, "test_error_std"), TOL);
        assertEquals(0.115, d(rd, "test_error_median"), TOL);
        assertEquals(0.12, d(rd, "test_error_max"), TOL);
        assertEquals(0.115 + T_1 * Math.sqrt(0.00005) / Math.sqrt(2), d(rd, "test_error_ci95_high"), 1e-9);

        Row rf = summary.get(f);
        assertEquals(3, l(rf, "n_diverged"));
        assertEquals(0, l(rf, "n_test_error"));
        assertNull(rf.getAs("test_error_mean"), "pre-divergence errors are never averaged");
    }

    Row pair(String x, String y) {
        return paired.stream().filter(r -> r.getAs("config_a").equals(x) && r.getAs("config_b").equals(y))
                .findFirst().orElse(null);
    }

    @Test
    void pairedComparisonsOverSharedSeeds() {
        assertEquals(3, paired.size(), "A–B, A–D, B–D; C, E and F are sensitivity draws");
        Row ad = pair(a, d);
        assertEquals("bp", ad.getAs("method_a"));
        assertEquals("ddtp-linear", ad.getAs("method_b"));
        // Seeds 1 and 2 only: D's seed 3 diverged. Differences −0.01 and 0.
        assertEquals(2, l(ad, "n_pairs"));
        assertEquals(-0.005, d(ad, "mean_diff"), TOL);
        assertEquals(Math.sqrt(0.00005), d(ad, "std_diff"), TOL);
        assertEquals(-0.005 - T_1 * Math.sqrt(0.00005) / Math.sqrt(2), d(ad, "ci95_low"), 1e-9);
        assertEquals(-0.005 + T_1 * Math.sqrt(0.00005) / Math.sqrt(2), d(ad, "ci95_high"), 1e-9);
        assertEquals(List.of(1L, 0L, 1L), List.of(l(ad, "wins"), l(ad, "losses"), l(ad, "ties")));

        Row bd = pair(b, d);
        assertEquals(2, l(bd, "n_pairs"));
        assertEquals(0.045, d(bd, "mean_diff"), TOL);
        assertEquals(0.015 * Math.sqrt(2), d(bd, "std_diff"), TOL);
        assertEquals(List.of(0L, 2L, 0L), List.of(l(bd, "wins"), l(bd, "losses"), l(bd, "ties")));

        // Same method: oriented by config_id.
        boolean aFirst = a.compareTo(b) < 0;
        Row ab = aFirst ? pair(a, b) : pair(b, a);
        double sign = aFirst ? 1 : -1;
        assertEquals(2, l(ab, "n_pairs"));
        assertEquals(sign * -0.05, d(ab, "mean_diff"), TOL);
        assertEquals(0.01 * Math.sqrt(2), d(ab, "std_diff"), TOL);
        assertEquals(aFirst ? 2L : 0L, l(ab, "wins"));
        assertEquals(aFirst ? 0L : 2L, l(ab, "losses"));
    }

    @Test
    void histogramsOfMeanAccuracyPerMethod() {
        assertEquals(Aggregates.BINS, histograms.size(), "bp's study only: ddtp-linear has no draws");
        Map<String, Map<Integer, Long>> counts = new HashMap<>();
        for (Row r : histograms) {
            int bin = r.getAs("bin");
            assertEquals(bin / 20.0, d(r, "bin_lo"), TOL);
            assertEquals((bin + 1) / 20.0, d(r, "bin_hi"), TOL);
            counts.computeIfAbsent(r.getAs("method"), k -> new HashMap<>()).put(bin, r.getAs("count"));
            if ("bp".equals(r.getAs("method"))) {
                // The draws only: C (failed), E (accuracy 0.75, bin 15) and F (diverged: counted apart, never as
                // its pre-divergence accuracy 0.95, which would be the best); not A or B.
                assertEquals(3, l(r, "n_configs"));
                assertEquals(1, l(r, "n_with_result"));
                assertEquals(0.75, d(r, "best_accuracy"), TOL);
                assertEquals(1.0 / 3, d(r, "share_within_1pct"), TOL);
                assertEquals(1.0 / 3, d(r, "share_within_5pct"), TOL);
                assertEquals(List.of(1L, 0L, 1L), List.of(l(r, "n_diverged"), l(r, "n_stopped"), l(r, "n_failed")));
            }
        }
        assertEquals(1L, counts.get("bp").get(15));
        assertEquals(1L, counts.get("bp").values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void printedSummaryAndFailedTrialsComeFromTheCompactedTrials() {
        // One line per configuration (5 of bp, 1 of ddtp-linear: at most MAX_LISTED each), in plan order, then lr.
        assertEquals(List.of("lr"), printed.parameters());
        assertEquals(List.of(), printed.summarised());
        assertEquals(List.of(a, b, c, e, f, d),
                printed.listed().stream().map(ConfigurationSummary.Configuration::configId).toList());
        for (ConfigurationSummary.Configuration line : printed.listed()) {
            Row r = summary.get(line.configId());     // the numbers are summary.parquet's
            assertEquals(l(r, "n_trials"), line.trials());
            assertEquals(l(r, "n_test_error"), line.n());
            assertEquals((Double) r.getAs("test_error_mean"), line.mean());
            assertEquals((Double) r.getAs("test_error_std"), line.std());
            assertEquals((Double) r.getAs("test_error_batchavg_mean"), line.batchAveragedMean());
            assertEquals(List.of(l(r, "n_diverged"), l(r, "n_stopped"), l(r, "n_failed")),
                    List.of(line.diverged(), line.stopped(), line.failed()));
        }
        java.io.StringWriter text = new java.io.StringWriter();
        SummaryTable.print(printed, "OUT/summary.parquet", new java.io.PrintWriter(text));
        List<String> lines = text.toString().lines().toList();
        assertEquals(7, lines.size(), text.toString());
        assertEquals(List.of("method", "dataset", "lr", "seeds", "n", "test error % (mean ± std over seeds)",
                "[M]'s batch-averaged (mean)", "not ok"), List.of(lines.get(0).split("  +")));
        assertEquals(List.of("bp", "mnist", "0.2", "3", "2", "16.00 ± 2.83", "16.10", "1 failed"),
                List.of(lines.get(2).trim().split("  +")));
        assertEquals(List.of("bp", "mnist", "0.3", "3", "0", "n/a", "n/a", "3 failed"),
                List.of(lines.get(3).trim().split("  +")));
        assertTrue(lines.get(5).matches("bp +mnist +0\\.5 +3 +0 +n/a +n/a +3 diverged"), lines.get(5));
        assertTrue(lines.get(6).matches("ddtp-linear +mnist +[0-9.e-]+ +3 +2 +11\\.50 ± 0\\.71 +11\\.60 +1 diverged"),
                lines.get(6));
        assertEquals(4, failedTrials.size(), "B's third seed and C's three");
        assertTrue(failedTrials.stream().allMatch(f -> f.message().equals("X: boom")));
    }
}
