package org.tpsweep.bench;

import org.tpsweep.cluster.DataLocation;
import org.tpsweep.tables.OutputTables;
import org.tpsweep.cluster.SparkSessions;
import org.tpsweep.spark.SweepJob;
import org.tpsweep.cluster.ThreadPinning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.train.EpochListener;
import org.tpsweep.train.TrialRunner;

/**
 * The sweep engine's scale benchmark (issue 4). For an N-trial sweep of small bp trials it times the same trials
 * four ways: a plain loop without Spark on one thread and on two threads (the hardware's own scaling, the
 * reference for local[2]), and whole sweeps ({@link SweepJob}: tasks, per-trial commits, compaction, aggregate
 * tables) on Spark local[1] and local[2] with threads pinned to one per task. It prints trials per hour, the
 * Spark overhead against the loop of the same parallelism, split into the trial phase (scheduling, per-trial
 * files) and the fixed table phase, and the local[2] scaling efficiency. A warm-up sweep first pays the one-time
 * cost of Spark SQL's first use in the JVM (its classes and code generation), reported separately. The four
 * kinds run interleaved, {@code repeats} times, and the fastest of each counts (a shared machine drifts). Last, the
 * driver heap after sweeps of M and 20·M trivial trials (results stream to per-trial files: it should stay flat).
 * <pre>
 *   SweepBenchmark [trials=200] [heapTrials=100 (0: skip)] [samples=500] [width=32] [epochs=1] [repeats=3]
 * </pre>
 */
public final class SweepBenchmark {
    private SweepBenchmark() {
    }

    /** A timed sweep: its master, whole seconds and the phases. */
    private record Run(String master, double seconds, SweepJob.Timing timing) {
    }

    public static void main(String[] args) throws Exception {
        int trials = intArg(args, 0, 200);
        int heapTrials = intArg(args, 1, 100);
        int samples = intArg(args, 2, 500);
        int width = intArg(args, 3, 32);
        int epochs = intArg(args, 4, 1);
        int repeats = intArg(args, 5, 3);
        Path dataDir = DataDirectory.resolve();
        DatasetCache.get("mnist", dataDir);
        SweepPlan plan = plan(trials, samples, width, epochs);
        ThreadPinning.pin(1);
        for (RunConfig c : plan.trials().subList(0, Math.min(10, trials))) {     // warm-up: natives, JIT
            TrialRunner.run(c, dataDir, EpochListener.NONE);
        }
        Run warmUp = sweep("local[1]", plan(10, samples, width, epochs), dataDir);
        // Interleaved repeats, the fastest of each kind kept: this machine's speed drifts by several per cent.
        double loop1 = Double.MAX_VALUE;
        double loop2 = Double.MAX_VALUE;
        Run one = null;
        Run two = null;
        for (int r = 0; r < repeats; r++) {
            loop1 = Math.min(loop1, loop(plan, dataDir, 1));
            one = faster(one, sweep("local[1]", plan, dataDir));
            loop2 = Math.min(loop2, loop(plan, dataDir, 2));
            two = faster(two, sweep("local[2]", plan, dataDir));
        }

        System.out.printf("%d trials (bp, %d samples, 784-%d-10, %d epoch%s; %.2f s per trial in the loop; fastest of %d):%n",
                trials, samples, width, epochs, epochs == 1 ? "" : "s", loop1 / trials, repeats);
        System.out.printf("  plain loop, 1 thread  : %7.1f s  %8.0f trials/hour%n", loop1, 3600 * trials / loop1);
        System.out.printf("  plain loop, 2 threads : %7.1f s  %8.0f trials/hour  (hardware scaling %.0f %%)%n", loop2,
                3600 * trials / loop2, 100 * loop1 / (2 * loop2));
        print(one, loop1, trials);
        print(two, loop2, trials);
        System.out.printf("  local[2] scaling efficiency vs local[1]: %.0f %% (whole sweep), %.0f %% (trial phase)%n",
                100 * one.seconds() / (2 * two.seconds()), 100 * one.timing().trials() / (2 * two.timing().trials()));
        System.out.printf("  first sweep in a fresh JVM (10 trials): tables %.2f s (Spark SQL's one-time start)%n",
                warmUp.timing().tables());
        for (int n : heapTrials == 0 ? new int[0] : new int[] {heapTrials, 20 * heapTrials}) {
            sweep("local[2]", plan(n, 100, 8, 1), dataDir);
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("  driver heap after %5d trivial trials: %6.1f MiB used%n", n,
                    (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        }
    }

    private static Run faster(Run a, Run b) {
        return a == null || b.seconds() < a.seconds() ? b : a;
    }

    private static void print(Run r, double loop, int trials) {
        System.out.printf("  Spark %-16s: %7.1f s  %8.0f trials/hour  overhead vs the loop %+.1f %% "
                        + "(trial phase %+.1f %% = %.1f ms/trial; tables %.2f s = %+.1f %%)%n", r.master(), r.seconds(),
                3600 * trials / r.seconds(), 100 * (r.seconds() / loop - 1), 100 * (r.timing().trials() / loop - 1),
                1000 * (r.timing().trials() - loop) / trials * (r.master().equals("local[2]") ? 2 : 1),
                r.timing().tables(), 100 * r.timing().tables() / loop);
    }

    private static int intArg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    private static SweepPlan plan(int trials, int samples, int width, int epochs) {
        StringBuilder seeds = new StringBuilder();
        for (int s = 1; s <= trials; s++) {
            seeds.append(s == 1 ? "" : ", ").append(s);
        }
        String yaml = "name: bench\ndataset: mnist\nseeds: [" + seeds + "]\nmethods:\n  bp: {epochs: " + epochs
                + ", train_subset: " + samples + ", num_hidden: 1, size_hidden: " + width + "}\n";
        return SweepPlan.expand(SweepSpec.parse(yaml, "bench.yaml", "bench"));
    }

    /** Seconds to train every trial of {@code plan} without Spark, on {@code threads} threads. */
    private static double loop(SweepPlan plan, Path dataDir, int threads) throws InterruptedException,
            ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (RunConfig c : plan.trials()) {
                done.add(pool.submit(() -> TrialRunner.run(c, dataDir, EpochListener.NONE)));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdown();
        }
    }

    /** A whole sweep of {@code plan} on {@code master} into a fresh temporary folder, timed. */
    private static Run sweep(String master, SweepPlan plan, Path dataDir) throws IOException {
        Path out = Files.createTempDirectory("tp-bench-");
        SparkSession spark = SparkSessions.create("tp-sweep bench", master);
        try {
            Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            try (OutputTables output = OutputTables.prepare(out.resolve("out").toString(), hadoop, plan, false,
                    false)) {
                long t0 = System.nanoTime();
                SweepJob.Result r = SweepJob.run(spark, plan, output, DataLocation.local(dataDir),
                        SweepJob.Options.silent());
                return new Run(master, (System.nanoTime() - t0) / 1e9, r.timing());
            }
        } finally {
            spark.stop();
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
