package org.tpsweep.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.stddev_samp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.tables.OutputTables;

/**
 * Alignment ([M] Fig. 4): per dataset, reference (BP, GNT) and layer, the angle between each configuration's update
 * and the reference's over training, mean ± std over the seeds that ended ok of the per-epoch mean angles (Spark SQL
 * over angles.parquet joined with trials.parquet), one line per configuration shown.
 */
public final class AlignmentSection {
    private AlignmentSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Alignment";
        Object[] ids = ctx.picked().configIds();
        if (!ctx.tables().has(OutputTables.ANGLES) || ids.length == 0) {
            return Section.omitted("alignment", title, "angles.parquet is absent, so there are no alignment angles.");
        }
        List<Row> rows = ctx.tables().table(OutputTables.ANGLES)
                .where(col("reference").isin(AngleStats.BP, AngleStats.GNT))
                .join(CurvesSection.okTrials(ctx, ids).select("trial_id", "config_id", "dataset"), "trial_id")
                .groupBy("dataset", "reference", "layer", "config_id", "epoch")
                .agg(avg("mean_deg").as("angle"), stddev_samp("mean_deg").as("angle_std"))
                .orderBy("dataset", "reference", "layer", "config_id", "epoch").collectAsList();
        if (rows.isEmpty()) {
            return Section.omitted("alignment", title, "No trial shown logged alignment angles to BP or GNT and ended "
                    + "ok (set angle_interval, and gnt_damping for GNT), so there are no alignment curves.");
        }
        List<Section.Block> blocks = new ArrayList<>();
        boolean gnt = rows.stream().anyMatch(r -> AngleStats.GNT.equals(r.getAs("reference")));
        blocks.add(new Section.Text("Angle in degrees between each layer's update and that of BP"
                + (gnt ? " or of the damped Gauss-Newton targets (GNT)" : "") + ", per epoch: mean over the seeds that "
                + "ended ok of each trial's epoch mean (angles.parquet: mean_deg), band ± one std over seeds."
                + (gnt ? "" : " No trial shown logged angles to GNT (gnt_damping), so there are no GNT panels.")));
        Map<String, List<Charts.Band>> panels = Bands.of(rows,
                r -> r.getAs("dataset") + "|" + r.getAs("reference") + "|" + r.getAs("layer"),
                r -> ctx.picked().byConfig(r.getAs("config_id")).label(), "epoch", "angle", "angle_std");
        panels.forEach((key, lines) -> {
            String[] k = key.split("\\|");
            String ref = k[1].equals(AngleStats.GNT) ? "GNT" : "BP";
            blocks.add(ctx.image("angle-" + k[0] + "-" + k[1] + "-layer-" + k[2],
                    Charts.bands("layer " + k[2] + ": angle to " + ref + " on " + k[0], "epoch", "angle (°)", lines),
                    "layer " + k[2] + " on " + k[0] + ": angle to " + ref + ", mean ± std over seeds"));
        });
        return Section.of("alignment", title, blocks);
    }
}
