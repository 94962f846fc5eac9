package org.tpsweep.spark;

import org.tpsweep.tables.CompactionWarmUp;
import org.tpsweep.tables.Compactor;
import org.tpsweep.cluster.DataLocation;
import org.tpsweep.cluster.GpuBinding;
import org.tpsweep.cluster.SharedOutputCheck;
import org.tpsweep.cluster.SparkSessions;
import org.tpsweep.tables.OutputTables;
import org.tpsweep.store.Provenance;
import org.tpsweep.tables.ConfigurationSummary;
import org.tpsweep.cluster.ThreadPinning;
import org.tpsweep.store.TrialFiles;
import org.tpsweep.store.TrialOutcome;
import org.tpsweep.store.CheckpointFiles;
import org.tpsweep.store.TrialStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.RunConfig;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.train.Checkpointing;
import org.tpsweep.train.InfrastructureFailure;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;
import org.tpsweep.train.TrialRunner;

/**
 * Runs a {@link SweepPlan} on Spark into an output folder ({@link OutputTables}), resumably:
 *
 * <ol>
 * <li>writes {@code sweep.json} (after deleting earlier results with {@code --fresh});</li>
 * <li>reads the status of the trials already committed under {@code OUT/trials/} and schedules the others
 *     (with {@code retryFailed}, also those whose committed status is {@code failed}; a file that is not a
 *     readable trial document counts as not committed), one Spark task each;</li>
 * <li>each task pins ND4J/BLAS threads to {@code spark.task.cpus}, trains with {@link TrialRunner} (a
 *     failure of the trial itself becomes status {@code failed} at once; an infrastructure failure — out of
 *     memory, I/O, ND4J's native runtime — is thrown and Spark runs the task again, up to its attempts ({@code
 *     local[N,4]} in local mode), the last of which records {@code failed} saying so) and commits its result itself ({@link TrialStore}); a
 *     retried or speculative attempt of an already committed trial keeps the committed result;</li>
 * <li>the driver compacts all committed trials of the plan into the tables ({@link Compactor}).</li>
 * </ol>
 *
 * A run that stops half-way (Ctrl-C, a crash, a failed job) leaves every committed trial in place; the same
 * command resumes it. The driver never collects per-trial data, only a status per task.
 */
public final class SweepJob {
    /**
     * Faults injected into tasks before they train: none in production; tests of the failure classes set it
     * (local mode: the tasks run in this JVM).
     */
    static volatile FaultInjection faults = FaultInjection.NONE;

    private SweepJob() {
    }

    /** A fault thrown into a task before its trial trains. */
    @FunctionalInterface
    interface FaultInjection {
        /** No fault. */
        FaultInjection NONE = config -> { };

        /** Throws the fault for {@code config}, if any. */
        void inject(RunConfig config);

        /** Throws the fault for {@code config} after its epoch {@code epoch} (and its checkpoint), if any. */
        default void afterEpoch(RunConfig config, int epoch) {
        }
    }

    /**
     * How to run.
     *
     * @param out         where to print what the run does (resume, progress), or null for nothing
     * @param progress    print a line per finished trial (to {@code out})
     * @param retryFailed rerun the trials whose committed status is {@code failed}
     * @param allPairs    paired.parquet compares every pair of configurations on every dataset ({@link Compactor.Scope})
     * @param checkpointInterval the least time between two checkpoints of a trial (zero: after every epoch), or
     *                    null for none ({@link Checkpointing})
     */
    public record Options(PrintWriter out, boolean progress, boolean retryFailed, boolean allPairs,
                          Duration checkpointInterval) {
        /** The default least time between two checkpoints of a trial. */
        public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(10);

        /** Options with the default checkpoint interval. */
        public Options(PrintWriter out, boolean progress, boolean retryFailed, boolean allPairs) {
            this(out, progress, retryFailed, allPairs, DEFAULT_CHECKPOINT_INTERVAL);
        }

        /** Nothing printed, no retry of failed trials, the default checkpoint interval. */
        public static Options silent() {
            return new Options(null, false, false, false);
        }

        /** These options with checkpoints at least {@code interval} apart (null: none). */
        public Options withCheckpointInterval(Duration interval) {
            return new Options(out, progress, retryFailed, allPairs, interval);
        }
    }

    /** A committed trial whose status is {@code failed}. */
    public record FailedTrial(String trialId, String method, String dataset, long seed, String message) {
    }

    /**
     * What a finished run did and produced.
     *
     * @param planned   trials in the plan
     * @param reused    trials of the plan whose committed result was kept without running them
     * @param scheduled trials this run ran as Spark tasks
     * @param trained   tasks that actually trained (a scheduled trial found committed by then is not trained)
     * @param statuses  per status label, the trials this run ran
     * @param failed    every committed trial of the plan with status {@code failed}
     * @param rerun     trials found missing or unreadable after the first compaction and run again
     * @param missing   planned trials still without a readable committed result after that rerun (a gap: the
     *                  run must not end as a success)
     * @param timing    seconds spent in each phase of the run
     */
    public record Result(int planned, int reused, int scheduled, int trained, Map<String, Long> statuses,
                         OutputTables output, ConfigurationSummary.Result summary, List<FailedTrial> failed,
                         Compactor.Counts rows, List<String> rerun, List<RunConfig> missing, Timing timing) {
    }

    /**
     * Wall-clock seconds of the phases of a run: finding what is committed and planning the tasks, running the
     * trials, compacting and aggregating the tables (including the summary and failures read back for printing).
     */
    public record Timing(double planning, double trials, double tables) {
    }

    /**
     * One task's work: a trial, whether a committed {@code failed} result of it is to be replaced, and how many
     * attempts Spark gives the task (the last records an infrastructure failure instead of throwing it).
     */
    record TrialTask(RunConfig config, boolean replaceFailed, int attempts) implements Serializable {
    }

    /** What a task reports to the driver: the trial, the status now committed, whether it trained. */
    record TaskReport(String trialId, String status, boolean trained) implements Serializable {
    }

    /**
     * Runs the trials of {@code plan} not yet committed in {@code output} and compacts the tables.
     *
     * @param data    where the tasks find the dataset files ({@link DataLocation#ship}ped at the start)
     */
    public static Result run(SparkSession spark, SweepPlan plan, OutputTables output, DataLocation data,
                             Options options) {
        PrintWriter out = options.out();
        try {
            long t0 = System.nanoTime();
            String codeVersion = Provenance.currentCodeVersion();
            DataLocation dataDir = data.ship(spark.sparkContext());
            output.begin(codeVersion);
            TrialStore store = output.store(spark.sparkContext().hadoopConfiguration());
            SharedOutputCheck.check(spark, output.dir(), spark.sparkContext().hadoopConfiguration());
            store.removeTemporaryFiles();
            CheckpointFiles checkpoints = store.checkpoints();
            checkpoints.removeTemporaryFiles();
            Compactor.Scope scope = options.allPairs() ? Compactor.Scope.of(plan).withAllPairs() : Compactor.Scope.of(plan);
            Map<String, String> committedStatus = committedStatuses(spark, store, scope.trialIds());
            Set<String> committed = committedStatus.keySet();
            Set<String> replace = new HashSet<>();
            if (options.retryFailed()) {
                committedStatus.forEach((id, s) -> {
                    if (RunStatus.FAILED.label().equals(s)) {
                        replace.add(id);
                    }
                });
            }
            int attempts = SparkSessions.taskAttempts(spark.sparkContext());
            List<TrialTask> tasks = new ArrayList<>();
            for (RunConfig t : plan.trials()) {
                if (!committed.contains(t.trialId()) || replace.contains(t.trialId())) {
                    tasks.add(new TrialTask(t, replace.contains(t.trialId()), attempts));
                }
            }
            if (out != null && !committed.isEmpty()) {
                out.printf("resuming: %d of %d trials already committed in %s%s; running %d%n", committed.size(),
                        plan.trials().size(), OutputTables.display(store.dir()),
                        options.retryFailed() ? " (" + replace.size() + " failed, rerun)" : "", tasks.size());
                out.flush();
            }
            if (out != null && options.checkpointInterval() != null) {
                Set<String> saved = checkpoints.trialIds();
                long resumable = tasks.stream().filter(t -> saved.contains(t.config().trialId())).count();
                if (resumable > 0) {
                    out.printf("resuming: %d of the %d trials to run continue from their checkpoints in %s%n",
                            resumable, tasks.size(), OutputTables.display(checkpoints.dir()));
                    out.flush();
                }
            }
            StatusCounters counters = StatusCounters.register(spark.sparkContext());
            long t1 = System.nanoTime();
            List<TaskReport> reports = List.of();
            if (!tasks.isEmpty()) {
                try (CompactionWarmUp warmUp = CompactionWarmUp.start(spark, plan, scope)) {
                    reports = runTasks(spark, plan, tasks, dataDir, store, codeVersion, counters,
                            options.progress() ? out : null, options.checkpointInterval());
                }
            }
            long t2 = System.nanoTime();

            Compactor.Compacted tables = Compactor.compact(spark, output, store, scope);
            List<String> rerun = tables.missing();
            if (!rerun.isEmpty()) {           // no silent gaps: rerun once what has no readable result, recompact
                List<TrialTask> again = new ArrayList<>();
                Set<String> gapIds = new HashSet<>(rerun);
                for (RunConfig t : plan.trials()) {
                    if (gapIds.contains(t.trialId())) {
                        try {
                            store.reject(t.trialId());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        again.add(new TrialTask(t, false, attempts));
                    }
                }
                if (out != null) {
                    out.printf("%d of %d planned trials have no readable result in %s (missing, malformed, or a "
                            + "document of another trial): running them again%n", rerun.size(),
                            plan.trials().size(), OutputTables.display(store.dir()));
                    out.flush();
                }
                List<TaskReport> more = runTasks(spark, plan, again, dataDir, store, codeVersion, counters,
                        options.progress() ? out : null, options.checkpointInterval());
                reports = new ArrayList<>(reports);
                reports.addAll(more);
                t2 = System.nanoTime();
                tables = Compactor.compact(spark, output, store, scope);
            }
            Set<String> gaps = Set.copyOf(tables.missing());
            List<RunConfig> missing = plan.trials().stream().filter(t -> gaps.contains(t.trialId())).toList();
            Map<String, Long> statuses = new LinkedHashMap<>();
            counters.totals().keySet().forEach(s -> statuses.put(s, 0L));
            reports.forEach(r -> statuses.merge(r.status(), 1L, Long::sum));
            int trained = (int) reports.stream().filter(TaskReport::trained).count();
            Timing timing = new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
            return new Result(plan.trials().size(), plan.trials().size() - tasks.size(), tasks.size(), trained,
                    statuses, output, tables.summary(), tables.failed(), tables.rows(), rerun, missing, timing);
        } catch (RuntimeException | Error e) {
            output.abort();
            throw e;
        }
    }

    /**
     * The status of each committed trial among {@code planIds}, read with Spark from the files' {@code status}
     * fields. A file that is not a readable trial document counts as not committed: its trial runs again and
     * replaces it.
     */
    static Map<String, String> committedStatuses(SparkSession spark, TrialStore store, Set<String> planIds) {
        Map<String, String> statuses = new LinkedHashMap<>();
        Set<String> listed = store.committedIds();
        listed.retainAll(planIds);
        if (listed.isEmpty()) {
            return statuses;
        }
        for (Row r : TrialFiles.statuses(spark, store).collectAsList()) {
            String id = r.getString(0);
            if (!r.isNullAt(1) && listed.contains(id)) {
                statuses.put(id, r.getString(1));
            }
        }
        return statuses;
    }

    private static List<TaskReport> runTasks(SparkSession spark, SweepPlan plan, List<TrialTask> tasks,
                                             DataLocation dataDir, TrialStore store, String codeVersion,
                                             StatusCounters counters, PrintWriter progress,
                                             Duration checkpointInterval) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ProgressListener listener = progress == null ? null
                : new ProgressListener(progress, tasks.size(), counters.statusByAccumulatorId());
        if (listener != null) {
            spark.sparkContext().addSparkListener(listener);
        }
        jsc.setJobGroup(ProgressListener.JOB_GROUP, "tp-sweep " + plan.name() + ": " + tasks.size() + " trials",
                false);
        try {
            // Broadcast: each executor deserializes the store (with its Hadoop configuration) once, not per task.
            Broadcast<TrialStore> sharedStore = jsc.broadcast(store);
            List<TaskReport> reports = jsc.parallelize(tasks, tasks.size())
                    .map(t -> runOne(t, dataDir, sharedStore.value(), codeVersion, counters, checkpointInterval))
                    .collect();
            if (listener != null) {
                listener.awaitAll(5_000);
            }
            return reports;
        } finally {
            jsc.clearJobGroup();
            if (listener != null) {
                spark.sparkContext().removeSparkListener(listener);
            }
        }
    }

    /**
     * The body of one Spark task: skip a trial whose result is settled, else pin threads, train (resuming from the
     * trial's checkpoint if it has one, saving checkpoints at least {@code checkpointInterval} apart; null: none),
     * commit the result, delete the checkpoint, count its status.
     */
    static TaskReport runOne(TrialTask task, DataLocation dataDir, TrialStore store, String codeVersion,
                             StatusCounters counters, Duration checkpointInterval) throws IOException {
        RunConfig config = task.config();
        String id = config.trialId();
        CheckpointFiles checkpoints = store.checkpoints();
        if (store.isSettled(id, task.replaceFailed())) {
            String status = store.status(id);
            counters.add(status);
            deleteCheckpoint(checkpoints, id);
            return new TaskReport(id, status, false);
        }
        Checkpointing checkpointing = checkpointInterval == null ? Checkpointing.NONE
                : new Checkpointing(checkpoints.of(id), checkpointInterval, codeVersion);
        TrialOutcome outcome;
        try {
            outcome = train(config, dataDir, codeVersion, checkpointing);
        } catch (RuntimeException | OutOfMemoryError e) {    // the trainer's own errors are a failed result already
            outcome = lastAttemptRecords(task, e, codeVersion, dataDir);
        }
        TrialStore.Commit c = store.commit(outcome, task.replaceFailed());
        deleteCheckpoint(checkpoints, id);
        String status = c == TrialStore.Commit.KEPT_EXISTING ? store.status(id) : outcome.result().status().label();
        counters.add(status);
        return new TaskReport(id, status, true);
    }

    /** Deletes a committed trial's checkpoint; a failure leaves a stale file (deleted at the next run), not an error. */
    private static void deleteCheckpoint(CheckpointFiles checkpoints, String trialId) {
        try {
            checkpoints.delete(trialId);
        } catch (IOException e) {
            System.err.println("tp-sweep: warning: could not delete the checkpoint of committed trial " + trialId
                    + ": " + e);
        }
    }

    /**
     * An infrastructure failure ({@link InfrastructureFailure}: out of memory, I/O, ND4J's native runtime, also
     * while shipping the data): rethrown, so that Spark runs the task again, except on its last attempt, which
     * records the trial {@code failed} saying so (a failure on every attempt is the trial's own).
     */
    private static TrialOutcome lastAttemptRecords(TrialTask task, Throwable e, String codeVersion,
                                                   DataLocation dataDir) {
        org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
        int attempt = tc == null ? 0 : tc.attemptNumber();
        InfrastructureFailure failure = e instanceof InfrastructureFailure f ? f : new InfrastructureFailure(e);
        if (attempt + 1 < task.attempts()) {
            throw failure;
        }
        String message = "infrastructure failure on " + (task.attempts() == 1 ? "its only attempt"
                : "every one of its " + task.attempts() + " attempts") + ": " + failure.getMessage();
        return new TrialOutcome(task.config(), TrialRunner.failed(message, java.time.Instant.now()),
                Provenance.ofTask(codeVersion, dataDir.digest(task.config().dataset()), task.config(), 0,
                        null));
    }

    /**
     * Trains one trial in this JVM (threads pinned to the task's CPUs, ND4J bound to its GPU if any) and records
     * where it ran.
     */
    static TrialOutcome train(RunConfig config, DataLocation dataDir, String codeVersion,
                              Checkpointing checkpointing) {
        String device = GpuBinding.bindFromTaskContext();   // first: ND4J's device is per thread ("cpu" without a GPU)
        int threads = ThreadPinning.pinToTask();
        TrainResult result = TrialRunner.guarded(() -> {
            faults.inject(config);
            return TrialRunner.run(config, dataDir.localDirectory(config.dataset()),
                    m -> faults.afterEpoch(config, m.epoch()), checkpointing);
        });
        return new TrialOutcome(config, result, Provenance.ofTask(codeVersion, dataDir.digest(config.dataset()), config,
                threads, device));
    }
}
