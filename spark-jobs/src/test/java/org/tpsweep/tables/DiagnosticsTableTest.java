package org.tpsweep.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.spark.SweepJobTest;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;

/**
 * A local sweep of bp and dtp-iterative on the real MNIST: diagnostics.parquet holds dtp-iterative's per-epoch
 * diagnostics (ALGORITHMS.md §3c) in long form, one row per trial × epoch × layer × name, and none for bp.
 */
@Tag("spark")
public class DiagnosticsTableTest {
    static final String SPEC = """
            name: diag
            dataset: mnist
            seeds: [1]
            defaults: {epochs: 2, train_subset: 128, num_hidden: 2, size_hidden: 16, batch_size: 32}
            methods:
              bp: {}
              dtp-iterative: {t_max: 20, epochs_fb: 1}
            """;

    @TempDir
    Path tmp;

    @AfterAll
    static void stop() {
        SweepJobTest.stop();
    }

    @Test
    void diagnosticsTableHasOneRowPerTrialEpochLayerAndName() throws Exception {
        Path spec = Files.writeString(tmp.resolve("diag.yaml"), SPEC);
        Path out = tmp.resolve("out");
        SweepJobTest.runCli(spec, out, "--quiet");
        SparkSession spark = SweepJobTest.reader();
        var table = spark.read().parquet(out.resolve("diagnostics.parquet").toString());
        assertEquals(List.of("trial_id", "epoch", "layer", "name", "value"), List.of(table.columns()));
        List<Row> rows = table.orderBy("epoch", "layer", "name").collectAsList();
        int layers = 3;
        // per epoch 5 network-wide values, L − 1 residuals, L κ means; the contraction record (3 names, layers
        // 2..L) at epochs 0, 1 and 2
        assertEquals(2 * (5 + (layers - 1) + layers) + 3 * 3 * (layers - 1), rows.size(), rows.toString());
        assertEquals(List.of("contracting_share", "contraction_norm", "contraction_radius"),
                rows.stream().filter(r -> r.getInt(1) == 0 && r.getInt(2) == layers).map(r -> r.getString(3)).toList(),
                "the contraction record after the pre-training (epoch 0)");
        String iterative = SweepPlan.expand(SweepSpec.parse(SPEC, "diag.yaml", "diag")).trials().stream()
                .filter(c -> c.method().equals("dtp-iterative")).findFirst().orElseThrow().trialId();
        assertTrue(rows.stream().allMatch(r -> r.getString(0).equals(iterative)), "dtp-iterative only");
        assertEquals(List.of("guard_restored_share", "stop_ratio", "sweeps_max", "sweeps_mean", "tmax_share"),
                rows.stream().filter(r -> r.getInt(1) == 1 && r.getInt(2) == 0).map(r -> r.getString(3)).toList());
        assertTrue(rows.stream().filter(r -> r.getString(3).equals("sweeps_max")).allMatch(r -> r.getDouble(4) <= 20));

        // the report's section charts the record: 5 quantities on mnist, each a PNG that decodes
        String md = Files.readString(out.resolve("report").resolve(org.tpsweep.report.SweepReport.MARKDOWN));
        String section = org.tpsweep.report.ReportTest.section(md, "Iterative DTP diagnostics");
        assertFalse(section.contains("\n_"), "the section has data:\n" + section);
        List<String> charts = new java.util.ArrayList<>();
        try (var files = Files.list(out.resolve("report"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("iterative-")).sorted()
                    .forEach(charts::add);
        }
        assertEquals(List.of("iterative-contraction-norm-mnist.png", "iterative-contraction-radius-mnist.png",
                "iterative-kappa-mean-mnist.png", "iterative-sweeps-mean-mnist.png", "iterative-tmax-share-mnist.png"),
                charts);
        for (String c : charts) {
            assertTrue(section.contains("](" + c + ")"), c + " is shown");
            assertNotNull(javax.imageio.ImageIO.read(out.resolve("report").resolve(c).toFile()), c + " decodes");
        }
    }
}
