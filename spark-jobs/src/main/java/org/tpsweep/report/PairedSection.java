package org.tpsweep.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.tpsweep.tables.OutputTables;

/**
 * Paired comparisons of the configurations shown, on the seeds where both ended ok (paired.parquet as it is: the
 * mean difference of test error a − b in percentage points, its 95 % confidence interval, wins/losses/ties).
 */
public final class PairedSection {
    /** The most pairs listed. */
    static final int MAX_ROWS = 60;

    private PairedSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        String title = "Paired comparisons";
        ResultRows.Picked p = ctx.picked();
        Object[] ids = p.configIds();
        if (!ctx.tables().has(OutputTables.PAIRED) || ids.length < 2) {
            return Section.omitted("paired", title, "Fewer than two configurations are shown, so there is nothing to "
                    + "pair.");
        }
        Dataset<Row> pairs = ctx.tables().table(OutputTables.PAIRED)
                .where(col("config_a").isin(ids).and(col("config_b").isin(ids)));
        List<Row> rows = pairs.orderBy("dataset", "method_a", "config_a", "method_b", "config_b")
                .limit(MAX_ROWS + 1).collectAsList();
        if (rows.isEmpty()) {
            return Section.omitted("paired", title, "No two configurations shown ended ok on a common seed "
                    + "(paired.parquet has no such pair), so there is no paired comparison.");
        }
        List<List<String>> cells = new ArrayList<>();
        List<List<Boolean>> bold = new ArrayList<>();
        for (Row r : rows.subList(0, Math.min(MAX_ROWS, rows.size()))) {
            String a = label(p, r.getAs("config_a"));
            String b = label(p, r.getAs("config_b"));
            Double low = r.getAs("ci95_low");
            Double high = r.getAs("ci95_high");
            boolean significant = low != null && high != null && (high < 0 || low > 0);
            cells.add(List.of(r.getAs("dataset"), a, b, String.valueOf((long) r.getAs("n_pairs")),
                    ReportContext.pct(r.getAs("mean_diff")),
                    low == null ? "n/a (one pair)" : "[" + ReportContext.pct(low) + ", " + ReportContext.pct(high) + "]",
                    r.getAs("wins") + " / " + r.getAs("losses") + " / " + r.getAs("ties")));
            bold.add(List.of(false, false, false, false, significant, significant, false));
        }
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(new Section.Text("Test error of a − b in percentage points over the seeds on which both ended ok "
                + "(paired.parquet: n_pairs, mean_diff, ci95_low, ci95_high, wins, losses, ties); negative: a has the "
                + "lower error; marked: the 95 % confidence interval (Student t) excludes 0."));
        blocks.add(new Section.Table(List.of("dataset", "a", "b", "pairs", "mean a − b (pp)", "95 % CI (pp)",
                "wins / losses / ties of a"), cells, bold));
        if (rows.size() > MAX_ROWS) {
            blocks.add(new Section.Text("The first " + MAX_ROWS + " pairs are listed; the rest are in paired.parquet."));
        }
        return Section.of("paired", title, blocks);
    }

    private static String label(ResultRows.Picked p, String configId) {
        ResultRows.Shown s = p.byConfig(configId);
        return s == null ? configId : s.label();
    }
}
