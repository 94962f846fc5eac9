package org.tpsweep.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.OutputTables;

/**
 * The trials of trials.parquet that match a condition, grouped by status, method, dataset and message, the most
 * frequent group first, as a report table (at most {@link #MAX_ROWS} groups, messages cut at 300 characters).
 * Shared by the sections that list failures and the notes of trials that ended ok.
 */
final class TrialMessages {
    /** The most groups listed. */
    static final int MAX_ROWS = 30;
    private static final int MAX_MESSAGE = 300;

    private TrialMessages() {
    }

    /** The groups of the trials matching {@code where}, as rows (status, method, dataset, message, trials). */
    static List<Row> groups(ReportContext ctx, Column where) {
        return ctx.tables().table(OutputTables.TRIALS).where(where)
                .groupBy("status", "method", "dataset", "message").agg(count(lit(1)).as("trials"))
                .orderBy(col("trials").desc(), col("status"), col("method"), col("dataset"), col("message"))
                .collectAsList();
    }

    /** The table of {@code groups} (from {@link #groups}) and, past {@link #MAX_ROWS}, a line saying how many more. */
    static List<Section.Block> blocks(List<Row> groups) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : groups.subList(0, Math.min(MAX_ROWS, groups.size()))) {
            String message = r.getAs("message");
            cells.add(List.of(r.getAs("status"), r.getAs("method"), r.getAs("dataset"),
                    String.valueOf((long) r.getAs("trials")), message == null || message.isBlank() ? "(no message)"
                            : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message));
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(Section.Table.plain(List.of("status", "method", "dataset", "trials", "message"), cells));
        if (groups.size() > MAX_ROWS) {
            blocks.add(new Section.Text((groups.size() - MAX_ROWS) + " more groups are in trials.parquet."));
        }
        return blocks;
    }
}
