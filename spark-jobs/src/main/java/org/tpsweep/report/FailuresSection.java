package org.tpsweep.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.OutputTables;
import org.tpsweep.train.RunStatus;

/**
 * What did not end ok, and why: the trials that diverged, stopped or failed, grouped by status, method, dataset and
 * message (trials.parquet), the most frequent first.
 */
public final class FailuresSection {
    /** The most groups listed. */
    static final int MAX_ROWS = 30;

    private FailuresSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Trials that did not end ok";
        List<Row> rows = ctx.tables().table(OutputTables.TRIALS).where(col("status").notEqual(RunStatus.OK.label()))
                .groupBy("status", "method", "dataset", "message").agg(count(lit(1)).as("trials"))
                .orderBy(col("trials").desc(), col("status"), col("method"), col("dataset"), col("message"))
                .collectAsList();
        if (rows.isEmpty()) {
            return Section.omitted("failures", title, "Every trial ended ok, so there is nothing to list here.");
        }
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows.subList(0, Math.min(MAX_ROWS, rows.size()))) {
            String message = r.getAs("message");
            cells.add(List.of(r.getAs("status"), r.getAs("method"), r.getAs("dataset"),
                    String.valueOf((long) r.getAs("trials")), message == null || message.isBlank() ? "(no message)"
                            : message.length() > 300 ? message.substring(0, 300) + "…" : message));
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Trials by status and message (trials.parquet: status, message): diverged (NaN or "
                + "Inf, the epoch in the message), stopped (the early-stop rule), failed (the exception). They are "
                + "counted in the tables above, never averaged."));
        blocks.add(Section.Table.plain(List.of("status", "method", "dataset", "trials", "message"), cells));
        if (rows.size() > MAX_ROWS) {
            blocks.add(new Section.Text((rows.size() - MAX_ROWS) + " more groups are in trials.parquet."));
        }
        return Section.of("failures", title, blocks);
    }
}
