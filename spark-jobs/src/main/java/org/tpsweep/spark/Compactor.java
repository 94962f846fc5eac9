package org.tpsweep.spark;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.tpsweep.config.ParamDef;

/**
 * Rebuilds the tables of an output folder from its per-trial results: Spark reads {@code OUT/trials/*.json}
 * ({@link TrialDocument}), keeps the trials of the plan, and writes {@code trials}, {@code epochs},
 * {@code angles} and the {@link Aggregates} tables ({@code summary}, {@code paired}, {@code histograms}),
 * each staged and then committed by {@link OutputTables}, trials last. The driver handles no per-trial data.
 */
public final class Compactor {
    private Compactor() {
    }

    /** Row counts of the committed tables. */
    public record Counts(long trials, long epochs, long angles) {
    }

    /**
     * Compacts the committed results of the trials {@code planIds} (the other files in {@code trials/}, e.g.
     * of an earlier plan written with {@code --force}, are left out).
     *
     * @param params the plan's hyperparameter columns
     */
    public static Counts compact(SparkSession spark, OutputTables output, TrialStore store, Set<String> planIds,
                                 Map<String, ParamDef> params) {
        Dataset<Row> docs = documents(spark, store, planIds, params);
        List<Column> trialColumns = new ArrayList<>();
        for (String c : TrialRows.trialsSchema(params).fieldNames()) {
            trialColumns.add(col(c));
        }
        Dataset<Row> trials = docs.select(trialColumns.toArray(Column[]::new));
        List<Column> epochColumns = new ArrayList<>();
        for (String c : TrialRows.KEY_COLUMNS) {
            epochColumns.add(col(c));
        }
        for (String c : TrialRows.EPOCH_COLUMNS) {
            epochColumns.add(col("e." + c).as(c));
        }
        Dataset<Row> epochs = docs.select(col("trial_id"), col("method"), col("dataset"), col("seed"),
                        explode(col(TrialDocument.EPOCHS)).as("e"))
                .select(epochColumns.toArray(Column[]::new));
        Dataset<Row> angles = docs.select(col("trial_id"), explode(col(TrialDocument.ANGLES)).as("a"))
                .select("trial_id", "a.epoch", "a.layer", "a.reference", "a.mean_deg", "a.std_deg", "a.n");

        Path stagedTrials = output.stage(OutputTables.TRIALS, trials,
                "dataset", "method", "config_id", "seed");
        // Its part files by name: Spark would warn that it ignores the hidden folder itself (it reads it anyway).
        Dataset<Row> staged = spark.read().parquet(new Path(stagedTrials, "part-*").toString());
        output.stage(OutputTables.EPOCHS, epochs, "trial_id", "epoch");
        output.stage(OutputTables.ANGLES, angles, "trial_id", "epoch", "layer", "reference");
        output.stage(OutputTables.SUMMARY, Aggregates.summary(staged, params), "dataset", "method", "config_id");
        output.stage(OutputTables.PAIRED, Aggregates.paired(staged), "dataset", "method_a", "config_a", "method_b",
                "config_b");
        output.stage(OutputTables.HISTOGRAMS, Aggregates.histograms(staged), "dataset", "method", "bin");
        output.commitStaged();
        return new Counts(count(spark, output, OutputTables.TRIALS), count(spark, output, OutputTables.EPOCHS),
                count(spark, output, OutputTables.ANGLES));
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

    private static long count(SparkSession spark, OutputTables output, String table) {
        return spark.read().parquet(output.tablePath(table).toString()).count();
    }
}
