package org.tpsweep.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.tpsweep.train.RunStatus;

/**
 * What the trials that ended ok noted: their non-empty messages (trials.parquet), e.g. a learning rule's warning
 * about its configuration or the checkpoint a trial resumed from, grouped by method, dataset and message, the most
 * frequent first. Their results count in the tables like any other ok trial's.
 */
public final class NotesSection {
    private NotesSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Notes of trials that ended ok";
        List<Row> groups = TrialMessages.groups(ctx, col("status").equalTo(RunStatus.OK.label())
                .and(col("message").isNotNull()).and(trim(col("message")).notEqual("")));
        if (groups.isEmpty()) {
            return Section.omitted("notes", title, "No trial that ended ok left a message (a warning about its "
                    + "configuration or a resume note).");
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Messages of trials that ended ok (trials.parquet: message): a learning rule's "
                + "warnings about its configuration (e.g. dtp-iterative's decoder start on a widening network) and "
                + "the checkpoints a trial resumed from. Their results are in the tables above like any other."));
        blocks.addAll(TrialMessages.blocks(groups));
        return Section.of("notes", title, blocks);
    }
}
