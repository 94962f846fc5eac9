package org.tpsweep.tables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.RunConfig;
import org.tpsweep.store.Provenance;
import org.tpsweep.store.TrialOutcome;
import org.tpsweep.store.TrialStore;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.train.TrialRunner;

/**
 * The table phase's one-time costs, paid while the trials run: Spark SQL's first queries in a JVM spend seconds
 * loading classes, planning, generating and JIT-compiling code, whatever the data. While the driver waits for the
 * trials, this compacts one synthetic trial of the plan (status {@code failed}, no epochs) into a scratch folder
 * outside the output folder, through the same {@link Compactor} path, in its own job group (not counted as
 * progress). Once per JVM: after a compaction has run in this JVM (a warm-up or a real one) there is nothing left to
 * warm. {@link #close()} waits for it (the table phase would pay the rest anyway; a minute at most, then its jobs
 * are cancelled) and deletes the scratch folder. It never fails the run: whatever goes wrong in it is dropped.
 */
public final class CompactionWarmUp implements AutoCloseable {
    /** System property: {@code false} turns the warm-up off (to measure it). */
    public static final String ENABLED_PROPERTY = "tp.tables.warmUp";
    /** The Spark job group of the warm-up's jobs. */
    public static final String JOB_GROUP = "tp-sweep-tables-warm-up";

    private static volatile boolean warm;

    private final SparkSession spark;
    private final Path scratch;
    private final Thread thread;

    private CompactionWarmUp(SparkSession spark, Path scratch, Thread thread) {
        this.spark = spark;
        this.scratch = scratch;
        this.thread = thread;
    }

    /** Starts the warm-up of {@code plan}'s tables (scope {@code scope}) on a daemon thread. */
    public static CompactionWarmUp start(SparkSession spark, SweepPlan plan, Compactor.Scope scope) {
        Path scratch;
        if (warm || !Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
            return new CompactionWarmUp(spark, null, null);
        }
        try {
            scratch = Files.createTempDirectory("tp-sweep-tables-warm-up");
        } catch (IOException e) {
            return new CompactionWarmUp(spark, null, null);
        }
        Thread t = new Thread(() -> run(spark, plan, scope, scratch), "tp-sweep-tables-warm-up");
        t.setDaemon(true);
        t.start();
        return new CompactionWarmUp(spark, scratch, t);
    }

    private static void run(SparkSession spark, SweepPlan plan, Compactor.Scope scope, Path scratch) {
        try {
            spark.sparkContext().setJobGroup(JOB_GROUP, "tp-sweep: warming up the table phase", true);
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            RunConfig first = plan.trials().get(0);
            try (OutputTables out = OutputTables.prepare(scratch.resolve("out").toString(), conf, plan, false, false)) {
                out.begin(null);
                TrialStore store = out.store(conf);
                store.commit(new TrialOutcome(first, TrialRunner.failed("warm-up", Instant.now()),
                        Provenance.unknown()), false);
                Compactor.compact(spark, out, store, new Compactor.Scope(Set.of(first.trialId()), scope.params(),
                        scope.sensitivityConfigs(), scope.datasets(), scope.methods(), scope.pairedAgainstBest()));
            }
            markWarm();
        } catch (Throwable dropped) {
            // a warm-up only: the real table phase does the same work and reports its own failures
        }
    }

    /** Forgets that a compaction ran in this JVM (tests of the warm-up itself). */
    static void markCold() {
        warm = false;
    }

    /** Notes that a compaction ran in this JVM: later runs need no warm-up. */
    static void markWarm() {
        warm = true;
    }

    /**
     * Waits for the warm-up (a minute at most, then its Spark jobs are cancelled) and deletes the scratch folder.
     */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        try {
            thread.join(60_000);
            if (thread.isAlive()) {
                spark.sparkContext().cancelJobGroup(JOB_GROUP);
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary folder: the system cleans it up eventually
        }
    }

    /** Whether the warm-up thread has ended (for tests). */
    boolean finished() {
        return thread == null || !thread.isAlive();
    }

    /** The scratch folder (for tests). */
    Path scratch() {
        return scratch;
    }
}
