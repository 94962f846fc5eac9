package org.tpsweep.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.cluster.SparkSessions;
import org.tpsweep.config.RunConfig;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.report.ReportOptions;
import org.tpsweep.report.SweepReport;
import org.tpsweep.store.Provenance;
import org.tpsweep.store.TrialOutcome;
import org.tpsweep.store.TrialStore;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.tables.Compactor;
import org.tpsweep.tables.OutputTables;
import org.tpsweep.train.EpochMetrics;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;

/**
 * The report's speed (issue 14: a 1000-trial sweep's report in under 30 s on 2 cores). Builds a synthetic output
 * folder of a sensitivity study like [F]'s Figure 3 — dtp and fw-dtp-bn, N/10 draws each × 5 seeds, 10 epochs, alignment
 * angles of 3 layers, fw-dtp-bn with Jacobian conditions, about 3 % diverged — through the real compaction
 * ({@link Compactor}), then times {@link SweepReport#write} on Spark local[2] (the fastest of {@code repeats},
 * after one warm-up report that pays Spark SQL's first use in the JVM, reported separately).
 * <pre>
 *   ReportBenchmark [trials=1000] [repeats=3]
 * </pre>
 */
public final class ReportBenchmark {
    private static final int EPOCHS = 10;
    private static final int SEEDS = 5;

    private ReportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int draws = Math.max(1, trials / (2 * SEEDS));
        String yaml = "name: bench-report\ndataset: mnist\nseeds: [1, 2, 3, 4, 5]\n"
                + "defaults: {epochs: " + EPOCHS + ", num_hidden: 2, angle_interval: 10}\nmethods:\n"
                + "  dtp: {sensitivity: {params: [lr, target_stepsize, lr_fb, sigma], samples: " + draws + "}}\n"
                + "  fw-dtp-bn: {jacobians: true, sensitivity: {params: [lr, target_stepsize], samples: " + draws + "}}\n";
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(yaml, "bench-report.yaml", "bench-report"));
        Path dir = Files.createTempDirectory("tp-report-bench");
        Configuration conf = new Configuration();
        SparkSession spark = SparkSessions.create("tp-sweep bench-report", "local[2]");
        try (OutputTables output = OutputTables.prepare(dir.resolve("out").toString(), conf, plan, false, false)) {
            output.begin("bench");
            TrialStore store = output.store(conf);
            Random random = new Random(42);
            for (RunConfig c : plan.trials()) {
                store.commit(new TrialOutcome(c, result(c, random), Provenance.unknown()), false);
            }
            long t0 = System.nanoTime();
            Compactor.compact(spark, output, store, Compactor.Scope.of(plan));
            double tables = (System.nanoTime() - t0) / 1e9;
            double warmUp = time(spark, output);
            double fastest = Double.MAX_VALUE;
            SweepReport.Written w = null;
            for (int r = 0; r < repeats; r++) {
                long s = System.nanoTime();
                w = SweepReport.write(spark, output.dir(), conf, ReportOptions.defaults());
                fastest = Math.min(fastest, (System.nanoTime() - s) / 1e9);
            }
            System.out.printf(Locale.ROOT, "report of a %d-trial sweep (%d configurations × %d seeds, %d epochs; "
                            + "tables built in %.1f s): %.1f s (fastest of %d; the first report in this JVM %.1f s), "
                            + "%d charts, on Spark local[2], %d cores available%n", plan.trials().size(),
                    plan.trials().size() / SEEDS, SEEDS, EPOCHS, tables, fastest, repeats, warmUp, w.charts(),
                    Runtime.getRuntime().availableProcessors());
        } finally {
            spark.stop();
            org.apache.commons.io.FileUtils.deleteQuietly(dir.toFile());
        }
    }

    private static double time(SparkSession spark, OutputTables output) {
        long s = System.nanoTime();
        SweepReport.write(spark, output.dir(), new Configuration(), ReportOptions.defaults());
        return (System.nanoTime() - s) / 1e9;
    }

    /** A plausible trial: errors falling over the epochs, angles per layer, 3 % diverged. */
    private static TrainResult result(RunConfig c, Random random) {
        boolean diverged = random.nextDouble() < 0.03;
        double level = 0.03 + 0.2 * random.nextDouble();
        List<EpochMetrics> epochs = new ArrayList<>();
        List<AngleStats> angles = new ArrayList<>();
        List<JacobianStats> jacobians = new ArrayList<>();
        int last = diverged ? 1 + random.nextInt(EPOCHS - 1) : EPOCHS;
        for (int e = 1; e <= last; e++) {
            double err = level + 0.5 / e + 0.01 * random.nextGaussian();
            epochs.add(new EpochMetrics(e, 2 * err, err, 2 * err, err, 2 * err, err, 1.5, 0.1, err, err));
            for (int layer = 1; layer <= 3; layer++) {
                angles.add(new AngleStats(e, layer, AngleStats.BP, 40 + 30 * random.nextDouble(), 5, 10));
            }
        }
        if (c.method().equals("fw-dtp-bn")) {
            for (int e = 0; e <= last; e++) {
                for (int layer = 2; layer <= 3; layer++) {
                    jacobians.add(new JacobianStats(e, layer, random.nextGaussian(), 1, random.nextDouble(), 0.1, 20));
                }
            }
        }
        EpochMetrics best = epochs.get(epochs.size() - 1);
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        return new TrainResult(diverged ? RunStatus.DIVERGED : RunStatus.OK, diverged ? "non-finite training loss" : "",
                epochs, best.epoch(), best.testError(), best.valError(), best.trainLoss(), 1.5, start,
                start.plusSeconds(15), angles, "", jacobians);
    }
}
