package org.tpsweep.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.stddev_pop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.OutputTables;

/**
 * dtp-iterative's own record (README "Iterative DTP"; diagnostics.parquet): per dataset, over epochs, the mean sweeps
 * per sample, the share stopped by T_max, the mean κ_i per layer and, where measured, the spectral radius and norm of
 * each layer's sweep Jacobian; mean ± population std over seeds (Spark SQL over diagnostics.parquet joined with
 * trials.parquet), one line per configuration shown (and layer).
 */
public final class IterativeSection {
    /** A diagnostic charted: its name, whether it has a value per layer, the axis label. */
    private record Charted(String name, boolean perLayer, String axis) {
    }

    private static final List<Charted> CHARTED = List.of(
            new Charted("sweeps_mean", false, "sweeps per sample (mean)"),
            new Charted("tmax_share", false, "share stopped by T_max"),
            new Charted("kappa_mean", true, "mean layer weight κ_i"),
            new Charted("contraction_radius", true, "ρ of the sweep Jacobian"),
            new Charted("contraction_norm", true, "‖·‖₂ of the sweep Jacobian"));

    private IterativeSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Iterative DTP diagnostics";
        Object[] ids = ctx.picked().configIds();
        if (!ctx.tables().has(OutputTables.DIAGNOSTICS) || ids.length == 0) {
            return Section.omitted("iterative", title, "diagnostics.parquet is absent, so there is no dtp-iterative "
                    + "record.");
        }
        List<Row> rows = ctx.tables().table(OutputTables.DIAGNOSTICS)
                .where(col("value").isNotNull().and(not(isnan(col("value")))))
                .join(ctx.tables().table(OutputTables.TRIALS).select("trial_id", "config_id", "dataset"), "trial_id")
                .where(col("config_id").isin(ids))
                .groupBy("dataset", "name", "layer", "config_id", "epoch")
                .agg(avg("value").as("mean"), stddev_pop("value").as("std"))
                .orderBy("dataset", "name", "layer", "config_id", "epoch").collectAsList();
        if (rows.isEmpty()) {
            return Section.omitted("iterative", title, "No configuration shown is a dtp-iterative run, so there is no "
                    + "dtp-iterative record.");
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("dtp-iterative's per-epoch record (diagnostics.parquet), mean ± std over seeds: "
                + "sweeps per sample and the share stopped by T_max (means over the epoch's training samples), the "
                + "mean layer weight κ_i, and at the first sample of each validation minibatch the spectral radius ρ and "
                + "norm ‖·‖₂ of each layer's sweep Jacobian (epoch 0: after the decoder pre-training). A sweep contracts "
                + "at every step only where ‖·‖₂ < 1; ρ < 1 alone bounds the asymptotic rate."));
        for (Charted d : CHARTED) {
            List<Row> named = rows.stream().filter(r -> r.getAs("name").equals(d.name())).toList();
            Map<String, List<Charts.Band>> panels = Bands.of(named, r -> r.getAs("dataset"),
                    r -> ctx.picked().byConfig(r.getAs("config_id")).label()
                            + (d.perLayer() ? ", layer " + r.getAs("layer") : ""), "epoch", "mean", "std");
            panels.forEach((dataset, lines) -> blocks.add(ctx.image("iterative-" + d.name() + "-" + dataset,
                    Charts.bands(d.axis() + " on " + dataset, "epoch", d.axis(), lines),
                    d.axis() + " on " + dataset + ", mean ± std over seeds")));
        }
        return Section.of("iterative", title, blocks);
    }
}
