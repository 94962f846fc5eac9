package org.tpsweep.tables;

import org.tpsweep.spark.SweepJob;
import org.tpsweep.store.TrialDocument;
import org.tpsweep.store.TrialFiles;
import org.tpsweep.store.TrialStore;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.RunConfig;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.train.RunStatus;

/**
 * Rebuilds the tables of an output folder from its per-trial results: Spark reads {@code OUT/trials/*.json}
 * ({@link TrialDocument}, {@link TrialFiles}) once (cached for every table made from it), keeps the trials of the plan, and
 * writes {@code trials}, {@code epochs}, {@code angles}, {@code jacobians}, {@code diagnostics} and the {@link Aggregates} tables
 * ({@code jacobians_summary}, {@code summary}, {@code paired}, {@code histograms}), each staged and then committed by {@link OutputTables}, trials last.
 * The tables after the trials table are written by concurrent Spark jobs. Row counts come from an observation of
 * the trials table's write, not from extra passes; a table it finds empty is written without computing it. The
 * driver handles no per-trial
 * data, only the printed summary ({@link ConfigurationSummary}, read from the same Dataset as {@code summary}) and
 * the list of failed trials.
 */
public final class Compactor {
    /** Spark jobs the compaction runs at once (the tables after the trials table, and the printed summary). */
    private static final int CONCURRENT_JOBS = 4;

    private Compactor() {
    }

    /** Row counts of the committed tables. */
    public record Counts(long trials, long epochs, long angles, long jacobians) {
    }

    /**
     * What is compacted.
     *
     * @param trialIds           the trials of the plan (other files in {@code trials/}, e.g. of an earlier plan
     *                           written with {@code --force}, are left out)
     * @param params             the plan's hyperparameter columns
     * @param sensitivityConfigs the {@code config_id}s of sensitivity draws (column {@code sensitivity_draw})
     * @param datasets           the plan's datasets, in the order of the printed summary
     * @param methods            the plan's methods, in the order of the printed summary
     * @param pairedAgainstBest  the datasets on which paired.parquet compares each configuration with every
     *                           method's best only ({@link Aggregates#againstBest}); every pair on the others
     */
    public record Scope(Set<String> trialIds, Map<String, ParamDef> params, Set<String> sensitivityConfigs,
                        List<String> datasets, List<String> methods, Set<String> pairedAgainstBest) {
        /** A scope that compares every pair of configurations. */
        public Scope(Set<String> trialIds, Map<String, ParamDef> params, Set<String> sensitivityConfigs,
                     List<String> datasets, List<String> methods) {
            this(trialIds, params, sensitivityConfigs, datasets, methods, Set.of());
        }

        /** This scope with every pair of configurations compared, however many there are. */
        public Scope withAllPairs() {
            return new Scope(trialIds, params, sensitivityConfigs, datasets, methods, Set.of());
        }

        /** The scope of {@code plan}. */
        public static Scope of(SweepPlan plan) {
            Set<String> ids = new java.util.HashSet<>();
            Set<String> draws = new java.util.HashSet<>();
            Map<String, Set<String>> compared = new java.util.HashMap<>();
            for (SweepPlan.Trial t : plan.entries()) {
                ids.add(t.config().trialId());
                if (t.sensitivity()) {
                    draws.add(t.configId());
                } else {
                    compared.computeIfAbsent(t.config().dataset(), k -> new java.util.HashSet<>()).add(t.configId());
                }
            }
            return new Scope(ids, plan.parameterColumns(), draws,
                    plan.trials().stream().map(RunConfig::dataset).distinct().toList(),
                    plan.trials().stream().map(RunConfig::method).distinct().toList(),
                    Aggregates.againstBest(compared));
        }
    }

    /** What a compaction wrote and what the driver prints of it. */
    public record Compacted(Counts rows, ConfigurationSummary.Result summary, List<SweepJob.FailedTrial> failed,
                            List<String> missing) {
    }

    /** Compacts the committed results of the trials in {@code scope}. */
    public static Compacted compact(SparkSession spark, OutputTables output, TrialStore store, Scope scope) {
        Dataset<Row> docs = documents(spark, store, scope.trialIds(), scope.params())
                .persist(StorageLevel.MEMORY_AND_DISK());
        ExecutorService jobs = Executors.newFixedThreadPool(CONCURRENT_JOBS, r -> {
            Thread t = new Thread(r, "tp-sweep-compaction");
            t.setDaemon(true);
            return t;
        });
        try {
            // The trials table first: it fills the cache of the documents and counts the rows of every per-trial
            // table (an observation of the same job), so that an empty table is written without reading the
            // documents again. Then the others as concurrent Spark jobs: each is small, so they overlap each
            // other's scheduling and planning latencies.
            Observation counts = new Observation("rows");
            output.stage(OutputTables.TRIALS, trialsOf(docs.observe(counts, count(lit(1)).as("trials"),
                            rowsOf(TrialDocument.EPOCHS), rowsOf(TrialDocument.ANGLES),
                            rowsOf(TrialDocument.JACOBIANS)), scope),
                    "dataset", "method", "config_id", "seed");
            Dataset<Row> trials = trialsOf(docs, scope);
            Counts rows = new Counts(rows(counts, "trials"), rows(counts, TrialDocument.EPOCHS),
                    rows(counts, TrialDocument.ANGLES), rows(counts, TrialDocument.JACOBIANS));
            List<Future<?>> pending = new ArrayList<>();
            pending.add(jobs.submit(() -> output.stage(OutputTables.EPOCHS, nonEmpty(epochsOf(docs), rows.epochs()),
                    "trial_id", "epoch")));
            pending.add(jobs.submit(() -> output.stage(OutputTables.ANGLES, nonEmpty(anglesOf(docs), rows.angles()),
                    "trial_id", "epoch", "layer", "reference")));
            pending.add(jobs.submit(() -> output.stage(OutputTables.JACOBIANS,
                    nonEmpty(jacobiansOf(docs), rows.jacobians()), "trial_id", "epoch", "layer")));
            pending.add(jobs.submit(() -> output.stage(OutputTables.DIAGNOSTICS, diagnosticsOf(docs),
                    "trial_id", "epoch", "layer", "name")));
            pending.add(jobs.submit(() -> output.stage(OutputTables.JACOBIANS_SUMMARY,
                    nonEmpty(Aggregates.jacobianSummary(docs.select(col("trial_id"), col("config_id"), col("method"),
                            col("dataset"), explode(col(TrialDocument.JACOBIANS)).as("j"))
                            .select("method", "dataset", "config_id", "j.epoch", "j.layer", "j.trace_mean",
                                    "j.positive_share_mean")), rows.jacobians()),
                    "dataset", "method", "config_id", "epoch", "layer")));
            // The printed summary reads the same Dataset as summary.parquet: its numbers are that table's.
            Dataset<Row> summaryTable = Aggregates.summary(trials, scope.params());
            pending.add(jobs.submit(() -> output.stage(OutputTables.SUMMARY, summaryTable,
                    "dataset", "method", "config_id")));
            pending.add(jobs.submit(() -> output.stage(OutputTables.PAIRED,
                    Aggregates.paired(trials, scope.pairedAgainstBest()), "dataset", "method_a", "config_a",
                    "method_b", "config_b")));
            // Histograms are of sensitivity draws only: none in the plan, none in the table.
            pending.add(jobs.submit(() -> output.stage(OutputTables.HISTOGRAMS,
                    nonEmpty(Aggregates.histograms(trials), scope.sensitivityConfigs().size()),
                    "dataset", "method", "bin")));
            Future<ConfigurationSummary.Result> summary = jobs.submit(() -> ConfigurationSummary.of(summaryTable,
                    scope.datasets(), scope.methods(), ConfigurationSummary.MAX_LISTED));
            Future<List<SweepJob.FailedTrial>> failed = jobs.submit(() -> failedTrials(trials));
            pending.add(summary);
            pending.add(failed);
            awaitAll(pending);
            Compacted result = new Compacted(rows, await(summary), await(failed),
                    rows.trials() == scope.trialIds().size() ? List.of() : missing(trials, scope.trialIds()));
            output.commitStaged();
            CompactionWarmUp.markWarm();
            return result;
        } finally {
            jobs.shutdownNow();
            docs.unpersist();
        }
    }

    /**
     * Waits for every job, so that none is still writing when a failure reaches the caller (who then removes the
     * staged tables); then rethrows the first failure.
     */
    private static void awaitAll(List<Future<?>> jobs) {
        Throwable first = null;
        for (Future<?> f : jobs) {
            try {
                await(f);
            } catch (RuntimeException | Error e) {
                first = first == null ? e : first;
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
    }

    /** The value of {@code f}; its failure rethrown as it was (unchecked) or wrapped. */
    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the tables", e);
        }
    }

    /** The trials table: the trial columns, with {@code sensitivity_draw} after {@code config_id}. */
    private static Dataset<Row> trialsOf(Dataset<Row> docs, Scope scope) {
        List<Column> columns = new ArrayList<>();
        for (String c : TrialRows.trialsSchema(scope.params()).fieldNames()) {
            columns.add(col(c));
            if (c.equals("config_id")) {
                columns.add(col("config_id").isin(scope.sensitivityConfigs().toArray()).as(Aggregates.SENSITIVITY_DRAW));
            }
        }
        return docs.select(columns.toArray(Column[]::new));
    }

    private static Dataset<Row> epochsOf(Dataset<Row> docs) {
        List<Column> columns = new ArrayList<>();
        for (String c : TrialRows.KEY_COLUMNS) {
            columns.add(col(c));
        }
        for (String c : TrialRows.EPOCH_COLUMNS) {
            columns.add(col("e." + c).as(c));
        }
        return docs.select(col("trial_id"), col("method"), col("dataset"), col("seed"),
                        explode(col(TrialDocument.EPOCHS)).as("e"))
                .select(columns.toArray(Column[]::new));
    }

    private static Dataset<Row> anglesOf(Dataset<Row> docs) {
        return docs.select(col("trial_id"), explode(col(TrialDocument.ANGLES)).as("a"))
                .select("trial_id", "a.epoch", "a.layer", "a.reference", "a.mean_deg", "a.std_deg", "a.n");
    }

    private static Dataset<Row> jacobiansOf(Dataset<Row> docs) {
        return docs.select(col("trial_id"), explode(col(TrialDocument.JACOBIANS)).as("j"))
                .select("trial_id", "j.epoch", "j.layer", "j.trace_mean", "j.trace_std", "j.positive_share_mean",
                        "j.positive_share_std", "j.n");
    }

    private static Dataset<Row> diagnosticsOf(Dataset<Row> docs) {
        return docs.select(col("trial_id"), explode(col(TrialDocument.DIAGNOSTICS)).as("d"))
                .select("trial_id", "d.epoch", "d.layer", "d.name", "d.value");
    }

    private static List<SweepJob.FailedTrial> failedTrials(Dataset<Row> trials) {
        List<SweepJob.FailedTrial> failed = new ArrayList<>();
        for (Row r : trials.where(col("status").equalTo(RunStatus.FAILED.label()))
                .select("trial_id", "method", "dataset", "seed", "message").orderBy("trial_id").collectAsList()) {
            failed.add(new SweepJob.FailedTrial(r.getString(0), r.getString(1), r.getString(2), r.getLong(3),
                    r.getString(4)));
        }
        return failed;
    }

    /**
     * The planned trials without a row in the trials table (no file, or one that is no readable document of its
     * own trial), sorted.
     */
    private static List<String> missing(Dataset<Row> trials, Set<String> planIds) {
        Set<String> gaps = new java.util.TreeSet<>(planIds);
        for (Row r : trials.select("trial_id").collectAsList()) {
            gaps.remove(r.getString(0));
        }
        return List.copyOf(gaps);
    }

    /** The rows the document array {@code column} gives when exploded (a null or empty array gives none). */
    private static Column rowsOf(String column) {
        return sum(when(size(col(column)).gt(0), size(col(column))).otherwise(0L)).as(column);
    }

    /** {@code data}, or an empty frame of its schema (nothing to compute) when it has no {@code rows}. */
    private static Dataset<Row> nonEmpty(Dataset<Row> data, long rows) {
        return rows > 0 ? data : data.sparkSession().createDataFrame(List.of(), data.schema());
    }

    private static long rows(Observation observation, String name) {
        try {
            Object n = observation.getAsJava().get(name);
            return n == null ? 0 : ((Number) n).longValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting rows", e);
        }
    }

    /** The documents of the plan's committed trials (an empty frame when there are none). */
    static Dataset<Row> documents(SparkSession spark, TrialStore store, Set<String> planIds,
                                  Map<String, ParamDef> params) {
        StructType schema = TrialDocument.readSchema(params);
        Set<String> committed = store.committedIds();
        committed.retainAll(planIds);
        if (committed.isEmpty()) {
            return spark.createDataFrame(List.of(), schema);
        }
        Dataset<Row> ids = spark.createDataset(new ArrayList<>(planIds), Encoders.STRING()).toDF("trial_id");
        return TrialFiles.documents(spark, store, schema,
                        Map.of("timestampFormat", TrialDocument.TIMESTAMP_FORMAT))
                .join(broadcast(ids), scala.collection.JavaConverters.asScalaBuffer(List.of("trial_id")).toList(),
                        "left_semi");
    }
}
