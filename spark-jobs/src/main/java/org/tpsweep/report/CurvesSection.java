package org.tpsweep.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_samp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.OutputTables;
import org.tpsweep.train.RunStatus;

/**
 * Learning curves: test error and training loss per epoch of each configuration shown, mean with a band of ± one
 * std over the seeds that ended ok (Spark SQL over epochs.parquet joined with trials.parquet), one panel per
 * dataset.
 */
public final class CurvesSection {
    private CurvesSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Learning curves";
        Object[] ids = ctx.picked().configIds();
        if (!ctx.tables().has(OutputTables.EPOCHS) || ids.length == 0) {
            return Section.omitted("curves", title, "epochs.parquet is absent, so there are no learning curves.");
        }
        Dataset<Row> trials = okTrials(ctx, ids).select("trial_id", "config_id");
        List<Row> rows = ctx.tables().table(OutputTables.EPOCHS).join(trials, "trial_id")
                .groupBy("dataset", "config_id", "epoch")
                .agg(avg("test_error").multiply(100).as("test_error"),
                        stddev_samp("test_error").multiply(100).as("test_error_std"),
                        avg("train_loss").as("train_loss"), stddev_samp("train_loss").as("train_loss_std"),
                        count(lit(1)).as("n"))
                .orderBy("dataset", "config_id", "epoch").collectAsList();
        if (rows.isEmpty()) {
            return Section.omitted("curves", title, "No trial of the configurations shown ended ok with a finished "
                    + "epoch, so there are no learning curves.");
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Per epoch, the mean over the seeds that ended ok with a band of ± one standard "
                + "deviation (epochs.parquet: test_error pooled over the test set after the epoch, train_loss the mean "
                + "over the epoch's training minibatches), one line per configuration shown in the results."));
        for (String[] metric : List.of(new String[] {"test_error", "test error (%)"},
                new String[] {"train_loss", "training loss"})) {
            Map<String, List<Charts.Band>> panels = Bands.of(rows, r -> r.getAs("dataset"),
                    r -> ctx.picked().byConfig(r.getAs("config_id")).label(), "epoch", metric[0], metric[0] + "_std");
            panels.forEach((dataset, lines) -> blocks.add(ctx.image("curve-" + metric[0] + "-" + dataset,
                    Charts.bands(metric[1] + " on " + dataset, "epoch", metric[1], lines),
                    metric[1] + " per epoch on " + dataset + ": mean ± std over seeds")));
        }
        return Section.of("curves", title, blocks);
    }

    /** The ok trials of the configurations {@code ids}. */
    static Dataset<Row> okTrials(ReportContext ctx, Object[] ids) {
        return ctx.tables().table(OutputTables.TRIALS)
                .where(col("status").equalTo(RunStatus.OK.label()).and(col("config_id").isin(ids)));
    }
}
