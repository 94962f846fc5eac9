package org.tpsweep.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.spark.OutputTables;
import org.tpsweep.spark.SparkSessions;
import org.tpsweep.spark.SweepJob;
import org.tpsweep.spark.ThreadPinning;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.train.EpochListener;
import org.tpsweep.train.TrialRunner;

/**
 * The sweep engine's scale benchmark (issue 4): trials per hour of an N-trial small sweep run in one plain loop
 * without Spark, on local[1] and on local[2] (threads pinned to one per task), the Spark overhead against the loop
 * and the local[2] scaling efficiency; and the driver's heap after sweeps of M and 20·M trivial trials (results
 * stream to per-trial files, so it should stay flat). Times include the final compaction and aggregation.
 * <pre>
 *   SweepBenchmark [trials=200] [heapTrials=100 (0: skip)] [samples=500] [width=32]
 * </pre>
 */
public final class SweepBenchmark {
    private SweepBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int heapTrials = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        String dataDir = DataDirectory.resolve().toAbsolutePath().toString();
        DatasetCache.get("mnist", Path.of(dataDir));
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int width = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        SweepPlan plan = plan(trials, samples, width);
        ThreadPinning.pin(1);
        for (RunConfig c : plan.trials().subList(0, Math.min(10, trials))) {     // warm-up: natives, JIT
            TrialRunner.run(c, Path.of(dataDir), EpochListener.NONE);
        }
        long t0 = System.nanoTime();
        for (RunConfig c : plan.trials()) {
            TrialRunner.run(c, Path.of(dataDir), EpochListener.NONE);
        }
        double loop = (System.nanoTime() - t0) / 1e9;
        double one = sweep("local[1]", plan, dataDir);
        double two = sweep("local[2]", plan, dataDir);
        System.out.printf("%d trials (bp, %d samples, 784-%d-10, 1 epoch):%n", trials, samples, width);
        System.out.printf("  plain loop, 1 thread : %7.1f s  %8.0f trials/hour%n", loop, 3600 * trials / loop);
        System.out.printf("  Spark local[1]       : %7.1f s  %8.0f trials/hour  overhead vs loop %+.1f %%%n", one,
                3600 * trials / one, 100 * (one / loop - 1));
        System.out.printf("  Spark local[2]       : %7.1f s  %8.0f trials/hour  scaling efficiency vs local[1] %.0f %%%n",
                two, 3600 * trials / two, 100 * one / (2 * two));
        for (int n : heapTrials == 0 ? new int[0] : new int[] {heapTrials, 20 * heapTrials}) {
            SweepPlan trivial = plan(n, 100, 8);
            sweep("local[2]", trivial, dataDir);
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("  driver heap after %5d trivial trials: %6.1f MiB used%n", n,
                    (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        }
    }

    private static SweepPlan plan(int trials, int samples, int width) {
        StringBuilder seeds = new StringBuilder();
        for (int s = 1; s <= trials; s++) {
            seeds.append(s == 1 ? "" : ", ").append(s);
        }
        String yaml = "name: bench\ndataset: mnist\nseeds: [" + seeds + "]\nmethods:\n  bp: {epochs: 1, train_subset: "
                + samples + ", num_hidden: 1, size_hidden: " + width + "}\n";
        return SweepPlan.expand(SweepSpec.parse(yaml, "bench.yaml", "bench"));
    }

    /** Seconds for a whole sweep of {@code plan} on {@code master} into a fresh temporary folder. */
    private static double sweep(String master, SweepPlan plan, String dataDir) throws IOException {
        Path out = Files.createTempDirectory("tp-bench-");
        SparkSession spark = SparkSessions.create("tp-sweep bench", master);
        try {
            Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            OutputTables output = OutputTables.prepare(out.resolve("out").toString(), hadoop, plan, false, false);
            long t0 = System.nanoTime();
            SweepJob.run(spark, plan, output, dataDir, SweepJob.Options.silent());
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            spark.stop();
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
