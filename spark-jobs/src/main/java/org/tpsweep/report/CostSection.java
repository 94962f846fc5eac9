package org.tpsweep.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.stddev_samp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.OutputTables;

/**
 * Cost ([F] Table 3): seconds per training epoch per method and dataset, mean ± std over its trials that timed an
 * epoch, and the ratio of the means to bp's on the same dataset (Spark SQL over trials.parquet:
 * seconds_per_epoch).
 */
public final class CostSection {
    private CostSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Cost";
        Dataset<Row> timed = ctx.tables().table(OutputTables.TRIALS)
                .where(col("seconds_per_epoch").isNotNull().and(not(isnan(col("seconds_per_epoch")))));
        Dataset<Row> perMethod = timed.groupBy("dataset", "method")
                .agg(avg("seconds_per_epoch").as("mean"), stddev_samp("seconds_per_epoch").as("std"),
                        count(lit(1)).as("n"));
        Dataset<Row> bp = perMethod.where(col("method").equalTo("bp")).select(col("dataset"), col("mean").as("bp_mean"));
        List<Row> rows = perMethod.join(bp, new String[] {"dataset"}, "left")
                .withColumn("ratio", col("mean").divide(col("bp_mean")))
                .orderBy("dataset", "method").collectAsList();
        if (rows.isEmpty()) {
            return Section.omitted("cost", title, "No trial timed a training epoch (seconds_per_epoch is empty), so "
                    + "there is no cost to report.");
        }
        boolean anyBp = rows.stream().anyMatch(r -> r.getAs("bp_mean") != null);
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            Double std = r.getAs("std");
            Double ratio = r.getAs("ratio");
            cells.add(List.of(r.getAs("method"), r.getAs("dataset"), String.format(Locale.ROOT, "%.3f", r.<Double>getAs("mean"))
                            + " ± " + (std == null ? "n/a" : String.format(Locale.ROOT, "%.3f", std)),
                    String.valueOf((long) r.getAs("n")),
                    ratio == null ? "n/a" : String.format(Locale.ROOT, "%.2f×", ratio)));
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Seconds per epoch of the training loop (trials.parquet: seconds_per_epoch; "
                + "feedback-only epochs and evaluation excluded), mean ± std over the method's trials that timed an "
                + "epoch, all configurations and statuses; ratio: the mean over bp's mean on the same dataset."
                + (anyBp ? "" : " The sweep has no bp trial, so there is no ratio to bp.")
                + " Timings depend on the machine and on how many trials ran at once."));
        blocks.add(Section.Table.plain(List.of("method", "dataset", "s / epoch", "trials", "ratio to bp"), cells));
        return Section.of("cost", title, blocks);
    }
}
