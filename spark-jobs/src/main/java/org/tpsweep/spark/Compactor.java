package org.tpsweep.spark;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
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
 * ({@link TrialDocument}) once (cached for the three tables made from it), keeps the trials of the plan, and
 * writes {@code trials}, {@code epochs}, {@code angles} and the {@link Aggregates} tables ({@code summary},
 * {@code paired}, {@code histograms}), each staged and then committed by {@link OutputTables}, trials last.
 * Row counts come from observations of the writes, not from extra passes. The driver handles no per-trial
 * data, only the printed summary per method and the list of failed trials.
 */
public final class Compactor {
    private Compactor() {
    }

    /** Row counts of the committed tables. */
    public record Counts(long trials, long epochs, long angles) {
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
     */
    public record Scope(Set<String> trialIds, Map<String, ParamDef> params, Set<String> sensitivityConfigs,
                        List<String> datasets, List<String> methods) {
        /** The scope of {@code plan}. */
        public static Scope of(SweepPlan plan) {
            Set<String> ids = new java.util.HashSet<>();
            Set<String> draws = new java.util.HashSet<>();
            for (SweepPlan.Trial t : plan.entries()) {
                ids.add(t.config().trialId());
                if (t.sensitivity()) {
                    draws.add(t.configId());
                }
            }
            return new Scope(ids, plan.parameterColumns(), draws,
                    plan.trials().stream().map(RunConfig::dataset).distinct().toList(),
                    plan.trials().stream().map(RunConfig::method).distinct().toList());
        }
    }

    /** What a compaction wrote and what the driver prints of it. */
    public record Compacted(Counts rows, List<SummaryTable.Line> summary, List<SweepJob.FailedTrial> failed) {
    }

    /** Compacts the committed results of the trials in {@code scope}. */
    public static Compacted compact(SparkSession spark, OutputTables output, TrialStore store, Scope scope) {
        Dataset<Row> docs = documents(spark, store, scope.trialIds(), scope.params())
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> staged = null;
        try {
            Observation trialCount = new Observation("trials");
            Observation epochCount = new Observation("epochs");
            Observation angleCount = new Observation("angles");
            Path stagedTrials = output.stage(OutputTables.TRIALS, counted(trialsOf(docs, scope), trialCount),
                    "dataset", "method", "config_id", "seed");
            output.stage(OutputTables.EPOCHS, counted(epochsOf(docs), epochCount), "trial_id", "epoch");
            output.stage(OutputTables.ANGLES, counted(anglesOf(docs), angleCount), "trial_id", "epoch", "layer",
                    "reference");
            docs.unpersist();
            // Its part files by name: Spark would warn that it ignores the hidden folder itself (it reads it anyway).
            staged = spark.read().parquet(new Path(stagedTrials, "part-*").toString()).cache();
            output.stage(OutputTables.SUMMARY, Aggregates.summary(staged, scope.params()), "dataset", "method",
                    "config_id");
            output.stage(OutputTables.PAIRED, Aggregates.paired(staged), "dataset", "method_a", "config_a",
                    "method_b", "config_b");
            output.stage(OutputTables.HISTOGRAMS, Aggregates.histograms(staged), "dataset", "method", "bin");
            List<SummaryTable.Line> summary = SummaryTable.compute(staged, scope.datasets(), scope.methods());
            List<SweepJob.FailedTrial> failed = failedTrials(staged);
            output.commitStaged();
            return new Compacted(new Counts(rows(trialCount), rows(epochCount), rows(angleCount)), summary, failed);
        } finally {
            docs.unpersist();
            if (staged != null) {
                staged.unpersist();
            }
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

    private static List<SweepJob.FailedTrial> failedTrials(Dataset<Row> trials) {
        List<SweepJob.FailedTrial> failed = new ArrayList<>();
        for (Row r : trials.where(col("status").equalTo(RunStatus.FAILED.label()))
                .select("trial_id", "method", "dataset", "seed", "message").orderBy("trial_id").collectAsList()) {
            failed.add(new SweepJob.FailedTrial(r.getString(0), r.getString(1), r.getString(2), r.getLong(3),
                    r.getString(4)));
        }
        return failed;
    }

    private static Dataset<Row> counted(Dataset<Row> data, Observation observation) {
        return data.observe(observation, count(lit(1)).as("rows"));
    }

    private static long rows(Observation observation) {
        try {
            return ((Number) observation.getAsJava().get("rows")).longValue();
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
        return spark.read().schema(schema)
                .option("mode", "DROPMALFORMED")
                .option("timestampFormat", TrialDocument.TIMESTAMP_FORMAT)
                .json(new Path(store.dir(), "*" + TrialStore.SUFFIX).toString())
                .join(broadcast(ids), scala.collection.JavaConverters.asScalaBuffer(List.of("trial_id")).toList(),
                        "left_semi");
    }
}
