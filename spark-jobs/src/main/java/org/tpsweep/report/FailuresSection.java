package org.tpsweep.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.tpsweep.train.RunStatus;

/**
 * What did not end ok, and why: the trials that diverged, stopped or failed, grouped by status, method, dataset and
 * message (trials.parquet), the most frequent first.
 */
public final class FailuresSection {
    private FailuresSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Trials that did not end ok";
        List<Row> groups = TrialMessages.groups(ctx, col("status").notEqual(RunStatus.OK.label()));
        if (groups.isEmpty()) {
            return Section.omitted("failures", title, "Every trial ended ok, so there is nothing to list here.");
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Trials by status and message (trials.parquet: status, message): diverged (NaN or "
                + "Inf, the epoch in the message), stopped (the early-stop rule), failed (the exception). They are "
                + "counted in the tables above, never averaged."));
        blocks.addAll(TrialMessages.blocks(groups));
        return Section.of("failures", title, blocks);
    }
}
