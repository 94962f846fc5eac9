package org.tpsweep.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.RunConfig;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.train.EpochListener;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;
import org.tpsweep.train.TrialRunner;

/**
 * Runs a {@link SweepPlan} on Spark, one task per trial, and writes the {@code trials} and {@code epochs}
 * tables atomically into the output folder ({@link OutputTables}). Each task pins ND4J/BLAS threads to
 * {@code spark.task.cpus}, trains with {@link TrialRunner} and sends back plain data; the driver builds the
 * tables. If anything fails before the tables are committed, the partial output is removed and the
 * exception propagates.
 */
public final class SweepJob {
    private SweepJob() {
    }

    /** What a finished sweep produced. */
    public record Result(List<TrialOutcome> outcomes, OutputTables output, List<SummaryTable.Line> summary) {
        /** Trials whose status is {@code failed}. */
        public List<TrialOutcome> failed() {
            return outcomes.stream().filter(o -> o.result().status() == RunStatus.FAILED).toList();
        }

        /** Number of rows written to the epochs table. */
        public int epochRows() {
            return outcomes.stream().mapToInt(o -> o.result().epochsCompleted()).sum();
        }
    }

    /**
     * Runs every trial of {@code plan} and commits the tables into {@code output}.
     *
     * @param dataDir  the data folder as every executor sees it
     * @param progress where to print a line per finished trial, or null for none
     */
    public static Result run(SparkSession spark, SweepPlan plan, OutputTables output, String dataDir,
                             PrintWriter progress) {
        try {
            List<TrialOutcome> outcomes = runTrials(spark, plan, dataDir, progress);
            Map<String, ParamDef> params = plan.parameterColumns();
            List<Row> trialRows = new ArrayList<>();
            List<Row> epochRows = new ArrayList<>();
            List<Row> angleRows = new ArrayList<>();
            for (TrialOutcome o : outcomes) {
                trialRows.add(TrialRows.trialRow(o, params));
                epochRows.addAll(TrialRows.epochRows(o));
                angleRows.addAll(TrialRows.angleRows(o));
            }
            Dataset<Row> trials = spark.createDataFrame(trialRows, TrialRows.trialsSchema(params));
            Dataset<Row> epochs = spark.createDataFrame(epochRows, TrialRows.epochsSchema());
            Dataset<Row> angles = spark.createDataFrame(angleRows, TrialRows.anglesSchema());
            output.write(trials, epochs, angles);
            List<SummaryTable.Line> summary =
                    SummaryTable.compute(spark.read().parquet(output.trialsPath().toString()), plan);
            return new Result(outcomes, output, summary);
        } catch (RuntimeException | Error e) {
            output.abort();
            throw e;
        }
    }

    private static List<TrialOutcome> runTrials(SparkSession spark, SweepPlan plan, String dataDir,
                                                PrintWriter progress) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ProgressListener listener = progress == null ? null : new ProgressListener(progress, plan.trials().size());
        if (listener != null) {
            spark.sparkContext().addSparkListener(listener);
        }
        jsc.setJobGroup(ProgressListener.JOB_GROUP, "tp-sweep " + plan.name() + ": " + plan.trials().size()
                + " trials", false);
        try {
            List<RunConfig> trials = plan.trials();
            List<TrialOutcome> outcomes = jsc.parallelize(trials, trials.size())
                    .map(config -> runOne(config, dataDir))
                    .collect();
            if (listener != null) {
                listener.awaitAll(5_000);
            }
            return outcomes;
        } finally {
            jsc.clearJobGroup();
            if (listener != null) {
                spark.sparkContext().removeSparkListener(listener);
            }
        }
    }

    /** The body of one Spark task: pin threads, train, return plain data. */
    static TrialOutcome runOne(RunConfig config, String dataDir) {
        ThreadPinning.pinToTask();
        TrainResult result = TrialRunner.run(config, Path.of(dataDir), EpochListener.NONE);
        return new TrialOutcome(config, result);
    }
}
