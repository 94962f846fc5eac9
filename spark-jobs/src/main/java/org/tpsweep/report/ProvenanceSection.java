package org.tpsweep.report;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.tpsweep.store.SweepMetadata;
import org.tpsweep.tables.OutputTables;

/**
 * Provenance: the sweep ({@code sweep.json}), what its trials ran with (the distinct code versions, ND4J backends,
 * dtypes, hosts and devices of trials.parquet, the first start and last finish), the data digests, the spec and
 * the command that reproduces the sweep ({@link RunRecord}).
 */
public final class ProvenanceSection {
    private static final List<String> COLUMNS = List.of("code_version", "nd4j_backend", "dtype", "host", "device");

    private ProvenanceSection() {
    }

    /** The section. */
    public static Section build(ReportContext ctx) {
        SweepMetadata m = ctx.tables().metadata();
        List<Column> aggs = new ArrayList<>();
        for (String c : COLUMNS) {
            aggs.add(array_sort(collect_set(col(c))).as(c));
        }
        aggs.add(min("started_at").as("first_start"));
        aggs.add(max("finished_at").as("last_finish"));
        Row r = ctx.tables().table(OutputTables.TRIALS)
                .agg(count(lit(1)).as("trials"), aggs.toArray(Column[]::new)).first();
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("sweep", m.name() + " (" + m.trials() + " trials planned, " + r.getAs("trials")
                + " in trials.parquet)"));
        cells.add(List.of("output folder", OutputTables.display(ctx.tables().dir())));
        cells.add(List.of("folder created", String.valueOf(m.createdAt())));
        for (String c : COLUMNS) {
            List<Object> values = r.getList(r.fieldIndex(c));
            cells.add(List.of(c.replace('_', ' '), values.isEmpty() ? "unknown" : values.stream().map(String::valueOf)
                    .reduce((a, b) -> a + ", " + b).orElse("")));
        }
        cells.add(List.of("trials ran", r.getAs("first_start") + " – " + r.getAs("last_finish")));
        m.dataSha256().forEach((ds, sha) -> cells.add(List.of("data " + ds + " (sha256)", sha)));
        List<Section.Block> blocks = new ArrayList<>();
        blocks.add(Section.Table.plain(List.of("what", "value"), cells));
        RunRecord record = ctx.tables().record();
        if (record.command() != null) {
            blocks.add(new Section.Text("The command that reproduces the sweep (the spec below is "
                    + RunRecord.SPEC + " of the output folder):"));
            blocks.add(new Section.Code(record.command()));
        } else {
            blocks.add(new Section.Text("This folder has no " + RunRecord.COMMAND + " (it was written by an older "
                    + "tp-sweep), so the reproducing command is not recorded."));
        }
        if (record.spec() != null) {
            blocks.add(new Section.Text("The spec:"));
            blocks.add(new Section.Code(record.spec()));
        } else {
            blocks.add(new Section.Text("This folder has no " + RunRecord.SPEC + " (it was written by an older "
                    + "tp-sweep), so the spec is not recorded."));
        }
        return Section.of("provenance", "Provenance", blocks);
    }
}
