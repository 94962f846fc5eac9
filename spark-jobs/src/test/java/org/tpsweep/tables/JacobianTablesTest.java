package org.tpsweep.tables;

import org.tpsweep.spark.SweepJobTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;

/**
 * (c) A local sweep with {@code jacobians: true} under {@code defaults} (so it reaches fw-dtp, not bp) on the real
 * MNIST: jacobians.parquet has one row per trial × epoch (0..E) × layer (2..L), the per-trial documents carry them,
 * and jacobians_summary.parquet holds the mean and sample std over the seeds.
 */
@Tag("spark")
public class JacobianTablesTest {
    static final String SPEC = """
            name: jac
            dataset: mnist
            seeds: [1, 2]
            defaults: {epochs: 2, train_subset: 300, num_hidden: 2, size_hidden: 16, batch_size: 64, jacobians: true}
            methods:
              bp: {}
              fw-dtp: {eval_batch_size: 1000}
            """;
    public static final List<String> COLUMNS = List.of("trial_id", "epoch", "layer", "trace_mean", "trace_std",
            "positive_share_mean", "positive_share_std", "n");
    static final List<String> SUMMARY_COLUMNS = List.of("method", "dataset", "config_id", "epoch", "layer", "n",
            "trace_mean", "trace_std", "positive_share_mean", "positive_share_std");

    @TempDir
    Path tmp;

    @AfterAll
    static void stop() {
        SweepJobTest.stop();
    }

    @Test
    void jacobiansTablesHaveOneRowPerTrialEpochAndLayer() throws Exception {
        Path spec = Files.writeString(tmp.resolve("jac.yaml"), SPEC);
        Path out = tmp.resolve("out");
        String printed = SweepJobTest.runCli(spec, out, "--quiet");
        int trials = 2;
        int epochs = 2;
        int layers = 3;
        int rows = trials * (epochs + 1) * (layers - 1);
        assertTrue(printed.contains("jacobians.parquet (" + rows + " rows"), printed);

        SparkSession spark = SweepJobTest.reader();
        List<Row> j = spark.read().parquet(out.resolve("jacobians.parquet").toString())
                .orderBy("trial_id", "epoch", "layer").collectAsList();
        assertEquals(COLUMNS, List.of(spark.read().parquet(out.resolve("jacobians.parquet").toString()).columns()));
        assertEquals(rows, j.size());
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "jac.yaml", "jac"));
        List<String> fwDtp = plan.trials().stream().filter(c -> c.method().equals("fw-dtp")).map(c -> c.trialId())
                .sorted().toList();
        assertEquals(fwDtp, j.stream().map(r -> r.<String>getAs("trial_id")).distinct().toList(), "fw-dtp only");
        for (Row r : j) {
            assertEquals(5, (int) r.<Integer>getAs("n"), "5000 validation samples in minibatches of 1000");
            double share = r.<Double>getAs("positive_share_mean");
            assertTrue(share >= 0 && share <= 1 && Double.isFinite(r.<Double>getAs("trace_mean")), r.toString());
            assertTrue(r.<Double>getAs("trace_std") > 0, "five different samples: " + r);
        }
        assertEquals(List.of(0, 1, 2), j.stream().map(r -> r.<Integer>getAs("epoch")).distinct().sorted().toList());
        assertEquals(List.of(2, 3), j.stream().map(r -> r.<Integer>getAs("layer")).distinct().sorted().toList());

        // The durable per-trial documents carry the same rows (bp's an empty array).
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> docs = Files.list(out.resolve("trials"))) {
            Map<String, Integer> sizes = docs.filter(p -> p.toString().endsWith(".json")).collect(Collectors.toMap(
                    p -> p.getFileName().toString().replace(".json", ""), p -> read(json, p).get("jacobian_stats").size()));
            assertEquals(4, sizes.size());
            plan.trials().forEach(c -> assertEquals(c.method().equals("fw-dtp") ? (epochs + 1) * (layers - 1) : 0,
                    sizes.get(c.trialId()), c.method()));
        }

        // Over seeds: one configuration × 3 epochs × 2 layers, mean and sample std of the two trials' values.
        List<Row> summary = spark.read().parquet(out.resolve("jacobians_summary.parquet").toString())
                .orderBy("epoch", "layer").collectAsList();
        assertEquals(SUMMARY_COLUMNS,
                List.of(spark.read().parquet(out.resolve("jacobians_summary.parquet").toString()).columns()));
        assertEquals((epochs + 1) * (layers - 1), summary.size());
        for (Row s : summary) {
            List<Row> pair = j.stream().filter(r -> r.getAs("epoch").equals(s.getAs("epoch"))
                    && r.getAs("layer").equals(s.getAs("layer"))).toList();
            double a = pair.get(0).<Double>getAs("trace_mean");
            double b = pair.get(1).<Double>getAs("trace_mean");
            assertEquals(2L, (long) s.<Long>getAs("n"));
            assertEquals("fw-dtp", s.getAs("method"));
            assertEquals((a + b) / 2, s.<Double>getAs("trace_mean"), 1e-12);
            assertEquals(Math.abs(a - b) / Math.sqrt(2), s.<Double>getAs("trace_std"), 1e-12);
            double sa = pair.get(0).<Double>getAs("positive_share_mean");
            double sb = pair.get(1).<Double>getAs("positive_share_mean");
            assertEquals((sa + sb) / 2, s.<Double>getAs("positive_share_mean"), 1e-12);
        }
    }

    private static JsonNode read(ObjectMapper json, Path p) {
        try {
            return json.readTree(Files.readString(p));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
