package org.tpsweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.cli.TpSweep;
import org.tpsweep.config.RunConfig;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;

/** A real two-trial sweep on local[2] with the real MNIST; the tables are read back with Spark. */
@Tag("spark")
class SweepJobTest {

    static final String SPEC = """
            name: two
            dataset: mnist
            seeds: [1, 2]
            methods:
              bp: {epochs: 1, train_subset: 500, num_hidden: 1, size_hidden: 16, batch_size: 64, angle_interval: 2}
            """;

    static final List<String> TRIAL_COLUMNS = List.of("trial_id", "method", "dataset", "seed",
            "epochs", "train_subset", "num_hidden", "size_hidden", "batch_size", "angle_interval", "gnt_damping",
            "early_stop", "nullspace_ratio", "gn_damping_search", "freeze_forward", "no_val_set", "precision",
            "lr", "target_stepsize", "normalize_lr", "beta1", "beta2", "epsilon", "forward_wd",
            "status", "message", "test_error", "best_val_error", "best_epoch", "final_train_loss",
            "epochs_completed", "seconds_per_epoch", "gn_damping_selected", "started_at", "finished_at");

    static final List<String> EPOCH_COLUMNS = List.of("trial_id", "method", "dataset", "seed", "epoch",
            "train_loss", "train_error", "val_loss", "val_error", "test_loss", "test_error", "seconds",
            "feedback_seconds");

    @TempDir
    Path tmp;

    static SparkSession reader() {
        return SparkSession.builder().master("local[2]").appName("read-back")
                .config("spark.ui.enabled", "false").config("spark.sql.debug.maxToStringFields", "1000").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
    }

    @Test
    void twoTrialSweepThroughTheCliWritesBothTables() throws Exception {
        Path spec = Files.writeString(tmp.resolve("two.yaml"), SPEC);
        Path out = tmp.resolve("out");
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        System.setProperty("spark.ui.enabled", "false");
        int code = TpSweep.execute(new String[] {"run", spec.toString(), "--out", out.toString(), "--master", "local[2]"},
                new PrintWriter(so, true), new PrintWriter(se, true));
        assertEquals(0, code, so + "\n" + se);
        assertTrue(so.toString().contains("2/2 trials done"), so.toString());
        assertTrue(so.toString().matches("(?s).*\\nbp\\s+mnist\\s+2\\s+2\\s+\\d+\\.\\d\\d ± \\d+\\.\\d\\d.*"), so.toString());
        assertTrue(so.toString().contains("trials.parquet (2 rows)"), so.toString());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(Set.of("trials.parquet", "epochs.parquet", "angles.parquet"),
                    files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") || n.startsWith(".tmp"))
                            .collect(java.util.stream.Collectors.toSet()));
        }

        SparkSession spark = reader();
        Dataset<Row> trials = spark.read().parquet(out.resolve("trials.parquet").toString());
        assertEquals(TRIAL_COLUMNS, List.of(trials.columns()));
        List<Row> rows = trials.orderBy("seed").collectAsList();
        assertEquals(2, rows.size());
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "two.yaml", "two"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Row r = rows.get(i);
            RunConfig c = plan.trials().get(i);
            ids.add(c.trialId());
            assertEquals(c.trialId(), r.getAs("trial_id"));
            assertEquals("bp", r.getAs("method"));
            assertEquals("mnist", r.getAs("dataset"));
            assertEquals((long) (i + 1), (long) r.<Long>getAs("seed"));
            assertEquals("ok", r.getAs("status"), String.valueOf((Object) r.getAs("message")));
            assertNull(r.getAs("message"));
            assertEquals(16, (int) r.<Integer>getAs("size_hidden"));
            assertEquals(500, (int) r.<Integer>getAs("train_subset"));
            assertEquals(1, (int) r.<Integer>getAs("epochs_completed"));
            double err = r.<Double>getAs("test_error");
            assertTrue(err > 0 && err < 0.9, "test error " + err);
            assertNotNull(r.getAs("started_at"));
        }

        Dataset<Row> epochs = spark.read().parquet(out.resolve("epochs.parquet").toString());
        assertEquals(EPOCH_COLUMNS, List.of(epochs.columns()));
        List<Row> eRows = epochs.orderBy("seed").collectAsList();
        assertEquals(2, eRows.size());
        assertEquals(new TreeSet<>(ids), new TreeSet<>(eRows.stream().map(r -> r.<String>getAs("trial_id")).toList()));
        eRows.forEach(r -> assertEquals(1, (int) r.<Integer>getAs("epoch")));

        // 500 samples in batches of 64: 8 minibatches, logged at j = 0, 2, 4, 6; layers 1 and 2; BP against
        // itself, so every angle is 0 (ALGORITHMS.md §6 check 6).
        Dataset<Row> angles = spark.read().parquet(out.resolve("angles.parquet").toString());
        assertEquals(List.of("trial_id", "epoch", "layer", "reference", "mean_deg", "std_deg", "n"),
                List.of(angles.columns()));
        List<Row> aRows = angles.collectAsList();
        assertEquals(2 * 2, aRows.size());
        aRows.forEach(r -> {
            assertEquals("bp", r.getAs("reference"));
            assertEquals(4, (int) r.<Integer>getAs("n"));
            assertTrue(r.<Double>getAs("mean_deg") < 1e-3, "BP's angle with itself: " + r);
        });
    }

    @Test
    void failedTrialsAreRecordedNotThrown() throws Exception {
        SparkSession spark = reader();
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "two.yaml", "two"));
        OutputTables output = OutputTables.prepare(tmp.resolve("out").toString(), new Configuration());
        Path noData = Files.createDirectories(tmp.resolve("empty-data-dir"));
        SweepJob.Result r = SweepJob.run(spark, plan, output, noData.toString(), null);
        assertEquals(2, r.failed().size());
        List<Row> rows = spark.read().parquet(output.trialsPath().toString()).collectAsList();
        assertEquals(2, rows.size());
        rows.forEach(row -> {
            assertEquals("failed", row.getAs("status"));
            assertNotNull(row.getAs("message"));
            assertNull(row.getAs("test_error"));
        });
        assertEquals(0, spark.read().parquet(output.epochsPath().toString()).count());
        assertEquals(1, r.summary().size());
        assertNull(r.summary().get(0).mean());
    }

    @Test
    void abortRemovesWhatAnUnfinishedSweepWrote() throws Exception {
        Path dir = tmp.resolve("new-out");
        OutputTables output = OutputTables.prepare(dir.toString(), new Configuration());
        Files.createDirectories(dir.resolve(".tmp-trials")).resolve("part").toFile().createNewFile();
        Files.createDirectories(dir.resolve("epochs.parquet"));
        output.abort();
        assertFalse(Files.exists(dir));

        Path kept = Files.createDirectories(tmp.resolve("existing"));
        Files.writeString(kept.resolve("notes.txt"), "mine");
        OutputTables other = OutputTables.prepare(kept.toString(), new Configuration());
        Files.createDirectories(kept.resolve(".tmp-epochs"));
        other.abort();
        assertEquals(List.of("notes.txt"), Files.list(kept).map(p -> p.getFileName().toString()).toList());
    }
}
