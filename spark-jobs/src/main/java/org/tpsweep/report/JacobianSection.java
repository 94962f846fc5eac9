package org.tpsweep.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.OutputTables;

/**
 * [F]'s Jacobian conditions (Fig. 2): per dataset and layer, tr(J_f J_g) and the share of its eigenvalues with
 * positive real part over epochs, mean ± std over seeds as jacobians_summary.parquet holds them, one line per
 * configuration shown.
 */
public final class JacobianSection {
    private JacobianSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Jacobian conditions";
        Object[] ids = ctx.picked().configIds();
        if (!ctx.tables().has(OutputTables.JACOBIANS_SUMMARY) || ids.length == 0) {
            return Section.omitted("jacobians", title, "jacobians_summary.parquet is absent, so there are no Jacobian "
                    + "conditions.");
        }
        List<Row> rows = ctx.tables().table(OutputTables.JACOBIANS_SUMMARY).where(col("config_id").isin(ids))
                .orderBy("dataset", "layer", "config_id", "epoch").collectAsList();
        if (rows.isEmpty()) {
            return Section.omitted("jacobians", title, "No configuration shown measured Jacobian conditions (option "
                    + "jacobians: true), so this section has no data.");
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Per epoch (0 = before training) and layer: mean ± std over seeds "
                + "(jacobians_summary.parquet) of each trial's mean over evaluation minibatches of tr(M) and of the share "
                + "of M's eigenvalues with real part > 0, M = J_f J_g."));
        for (String[] q : List.of(new String[] {"trace", "trace of J_f J_g"},
                new String[] {"positive_share", "share of eigenvalues with Re > 0"})) {
            Map<String, List<Charts.Band>> panels = Bands.of(rows, r -> r.getAs("dataset") + "|" + r.getAs("layer"),
                    r -> ctx.picked().byConfig(r.getAs("config_id")).label(), "epoch", q[0] + "_mean", q[0] + "_std");
            panels.forEach((key, lines) -> {
                String[] k = key.split("\\|");
                blocks.add(ctx.image("jacobian-" + q[0] + "-" + k[0] + "-layer-" + k[1],
                        Charts.bands("layer " + k[1] + ": " + q[1] + " on " + k[0], "epoch", q[1], lines),
                        "layer " + k[1] + " on " + k[0] + ": " + q[1] + ", mean ± std over seeds"));
            });
        }
        return Section.of("jacobians", title, blocks);
    }
}
