package org.tpsweep.spark;

import org.tpsweep.tables.JacobianTablesTest;
import org.tpsweep.tables.TrialRowsTest;

import org.tpsweep.tables.Aggregates;
import org.tpsweep.cluster.DataLocation;
import org.tpsweep.tables.OutputTables;
import org.tpsweep.store.Provenance;
import org.tpsweep.store.TrialOutcome;
import org.tpsweep.tables.TrialRows;

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
import java.util.stream.Collectors;
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
public class SweepJobTest {

    static final String SPEC = """
            name: two
            dataset: mnist
            seeds: [1, 2]
            methods:
              bp: {epochs: 1, train_subset: 500, num_hidden: 1, size_hidden: 16, batch_size: 64, angle_interval: 2, precision: float64}
            """;

    static final List<String> EPOCH_COLUMNS = List.of("trial_id", "method", "dataset", "seed", "epoch",
            "train_loss", "train_error", "val_loss", "val_error", "test_loss", "test_error", "seconds",
            "feedback_seconds", "val_error_batchavg", "test_error_batchavg");

    @TempDir
    Path tmp;

    public static SparkSession reader() {
        return SparkSession.builder().master("local[2]").appName("read-back")
                .config("spark.ui.enabled", "false").config("spark.sql.debug.maxToStringFields", "1000")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    /**
     * Runs {@code tp-sweep run SPEC --out OUT --master local[2]} (then {@code extra}) in this JVM, the UI off;
     * fails unless it exits 0; returns what it printed.
     */
    public static String runCli(Path spec, Path out, String... extra) {
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        System.setProperty("spark.ui.enabled", "false");
        List<String> args = new ArrayList<>(List.of("run", spec.toString(), "--out", out.toString(), "--master",
                "local[2]"));
        args.addAll(List.of(extra));
        int code = TpSweep.execute(args.toArray(String[]::new), new PrintWriter(so, true), new PrintWriter(se, true));
        assertEquals(0, code, so + "\n" + se);
        return so.toString();
    }

    @AfterAll
    public static void stop() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
    }

    static Set<String> visibleNames(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") || n.startsWith(".tmp"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void twoTrialSweepThroughTheCliWritesEveryTable() throws Exception {
        Path spec = Files.writeString(tmp.resolve("two.yaml"), SPEC);
        Path out = tmp.resolve("out");
        String printed = runCli(spec, out);
        assertTrue(printed.matches("(?s).*  1/2 trials done \\((ok|failed) 1.*\\)  \\d+s elapsed  ETA \\d+s\\n.*"),
                printed);
        assertTrue(printed.contains("2/2 trials done (ok 2, diverged 0, stopped 0, failed 0)"), printed);
        assertTrue(printed.matches("(?s).*\\nbp\\s+mnist\\s+2\\s+2\\s+\\d+\\.\\d\\d ± \\d+\\.\\d\\d.*"), printed);
        assertTrue(printed.contains("trials.parquet (2 rows)"), printed);
        for (String table : List.of("epochs.parquet (2 rows)", "angles.parquet (4 rows)", "summary.parquet",
                "paired.parquet", "histograms.parquet", "/trials/ (2 ran now, 0 kept from earlier runs)")) {
            assertTrue(printed.contains(table), table + " in\n" + printed);
        }
        assertEquals(Set.of("trials.parquet", "epochs.parquet", "angles.parquet", "jacobians.parquet",
                "jacobians_summary.parquet", "diagnostics.parquet", "summary.parquet", "paired.parquet",
                "histograms.parquet", "sweep.json", "trials", "spec.yaml", "command.txt", "report"), visibleNames(out));

        SparkSession spark = reader();
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "two.yaml", "two"));
        Dataset<Row> trials = spark.read().parquet(out.resolve("trials.parquet").toString());
        List<String> expected = new ArrayList<>(TrialRows.TRIAL_KEY_COLUMNS);
        expected.add(2, Aggregates.SENSITIVITY_DRAW);   // after config_id; no study here: false on every row
        expected.addAll(plan.parameterColumns().keySet());
        expected.addAll(TrialRows.TRIAL_RESULT_COLUMNS);
        expected.addAll(TrialRows.PROVENANCE_COLUMNS);
        assertEquals(expected, List.of(trials.columns()));
        assertTrue(expected.containsAll(List.of("lr", "size_hidden", "train_subset", "precision")));
        List<Row> rows = trials.orderBy("seed").collectAsList();
        assertEquals(2, rows.size());
        List<String> ids = new ArrayList<>();
        String codeVersion = Provenance.currentCodeVersion();
        for (int i = 0; i < 2; i++) {
            Row r = rows.get(i);
            RunConfig c = plan.trials().get(i);
            ids.add(c.trialId());
            assertEquals(c.trialId(), r.getAs("trial_id"));
            assertEquals(SweepPlan.configId(c), r.getAs("config_id"));
            assertEquals(false, r.getAs(Aggregates.SENSITIVITY_DRAW));
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
            assertNotNull(r.getAs("finished_at"));
            // Provenance: recorded by the task.
            assertEquals(codeVersion, r.getAs("code_version"));
            if (Files.isDirectory(Path.of("").toAbsolutePath().getParent().resolve(".git"))) {
                assertNotNull(codeVersion, "a git checkout has a code version");
                assertTrue(codeVersion.matches("[0-9a-f]{40}(-dirty)?"), codeVersion);
            }
            assertEquals("CpuBackend", r.getAs("nd4j_backend"));
            assertEquals(c.getString("precision"), r.getAs("dtype"));
            assertNotNull(r.getAs("host"));
            assertEquals("driver", r.getAs("executor_id"));
            assertEquals("cpu", r.getAs("device"));
            assertEquals(1, (int) r.<Integer>getAs("threads"));
        }
        assertEquals(rows.get(0).<String>getAs("config_id"), rows.get(1).getAs("config_id"));

        Dataset<Row> epochs = spark.read().parquet(out.resolve("epochs.parquet").toString());
        assertEquals(EPOCH_COLUMNS, List.of(epochs.columns()));
        List<Row> eRows = epochs.orderBy("seed").collectAsList();
        assertEquals(2, eRows.size());
        assertEquals(new TreeSet<>(ids), new TreeSet<>(eRows.stream().map(r -> r.<String>getAs("trial_id")).toList()));
        eRows.forEach(r -> assertEquals(1, (int) r.<Integer>getAs("epoch")));
        for (int i = 0; i < 2; i++) {
            assertEquals(rows.get(i).<Double>getAs("test_error"), eRows.get(i).<Double>getAs("test_error"));
        }

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

        // No trial measured the Jacobian conditions: both tables exist, empty, with their columns.
        Dataset<Row> jacobians = spark.read().parquet(out.resolve("jacobians.parquet").toString());
        assertEquals(JacobianTablesTest.COLUMNS, List.of(jacobians.columns()));
        assertEquals(0, jacobians.count());
        assertEquals(0, spark.read().parquet(out.resolve("jacobians_summary.parquet").toString()).count());

        // One configuration over two seeds.
        List<Row> summary = spark.read().parquet(out.resolve("summary.parquet").toString()).collectAsList();
        assertEquals(1, summary.size());
        assertEquals(2L, (long) summary.get(0).<Long>getAs("n_ok"));
        double mean = (rows.get(0).<Double>getAs("test_error") + rows.get(1).<Double>getAs("test_error")) / 2;
        assertEquals(mean, summary.get(0).<Double>getAs("test_error_mean"), 1e-12);
        assertEquals(0, spark.read().parquet(out.resolve("paired.parquet").toString()).count());
        assertEquals(0, spark.read().parquet(out.resolve("histograms.parquet").toString()).count(),
                "no sensitivity study, no histogram");
        assertTrue(Files.readString(out.resolve("sweep.json")).contains("\"name\" : \"two\""));
    }

    /**
     * A diverged and an early-stopped trial through a real local sweep, end to end (issue 15 item 8): bp with an
     * lr of 1e307 (Adam moves every weight by lr at its first step) overflows to a non-finite loss in its first
     * epoch; bp with an lr of 1e-12 stays at chance level and the early stop ends it after epoch 6. The CLI's
     * count, trials.parquet's status, message and epoch count, epochs.parquet's rows and summary.parquet's
     * n_diverged / n_stopped all say so.
     */
    @Test
    void aDivergedAndAStoppedTrialGoThroughTheSweepEndToEnd() throws Exception {
        String text = """
                name: ends
                dataset: mnist
                seeds: [1]
                methods:
                  bp: {epochs: 8, train_subset: 300, num_hidden: 1, size_hidden: 8, batch_size: 100, early_stop: true, precision: float64, lr: [1.0e-12, 1.0e+307]}
                """;
        Path spec = Files.writeString(tmp.resolve("ends.yaml"), text);
        Path out = tmp.resolve("ends-out");
        String printed = runCli(spec, out);
        assertTrue(printed.contains("2/2 trials done (ok 0, diverged 1, stopped 1, failed 0)"), printed);
        SparkSession spark = reader();
        List<Row> rows = spark.read().parquet(out.resolve("trials.parquet").toString()).orderBy("lr").collectAsList();
        assertEquals(2, rows.size());
        Row stopped = rows.get(0);
        Row diverged = rows.get(1);
        assertEquals(1e-12, stopped.<Double>getAs("lr"), 0.0);
        assertEquals("stopped", stopped.getAs("status"));
        assertTrue(stopped.<String>getAs("message").startsWith("early stop after epoch 6: training accuracy"),
                stopped.<String>getAs("message"));
        assertEquals("diverged", diverged.getAs("status"));
        assertTrue(diverged.<String>getAs("message").contains("non-finite"), diverged.<String>getAs("message"));
        Dataset<Row> epochs = spark.read().parquet(out.resolve("epochs.parquet").toString());
        assertEquals(6, epochs.where(epochs.col("trial_id").equalTo(stopped.<String>getAs("trial_id"))).count(),
                "the stopped trial's six epochs");
        assertEquals(0, epochs.where(epochs.col("trial_id").equalTo(diverged.<String>getAs("trial_id"))).count(),
                "the diverged trial ended inside its first epoch");
        List<Row> summary = spark.read().parquet(out.resolve("summary.parquet").toString()).orderBy("lr")
                .collectAsList();
        assertEquals(2, summary.size(), "one configuration per lr");
        assertEquals(List.of(0L, 1L, 0L, 0L), List.of(summary.get(0).<Long>getAs("n_ok"),
                summary.get(0).<Long>getAs("n_stopped"), summary.get(0).<Long>getAs("n_diverged"),
                summary.get(0).<Long>getAs("n_failed")), "lr 1e-12: ok, stopped, diverged, failed");
        assertEquals(List.of(0L, 0L, 1L, 0L), List.of(summary.get(1).<Long>getAs("n_ok"),
                summary.get(1).<Long>getAs("n_stopped"), summary.get(1).<Long>getAs("n_diverged"),
                summary.get(1).<Long>getAs("n_failed")), "lr 1e307: ok, stopped, diverged, failed");
    }

    @Test
    void failedTrialsAreRecordedNotThrown() throws Exception {
        SparkSession spark = reader();
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "two.yaml", "two"));
        OutputTables output = OutputTables.prepare(tmp.resolve("out").toString(), new Configuration(), plan, false,
                false);
        Path noData = Files.createDirectories(tmp.resolve("empty-data-dir"));
        SweepJob.Result r = SweepJob.run(spark, plan, output, DataLocation.local(noData), SweepJob.Options.silent());
        assertEquals(2, r.failed().size());
        assertEquals(2, r.trained());
        assertEquals(2L, r.statuses().get("failed"));
        r.failed().forEach(f -> assertTrue(f.message().contains("mnist") || f.message().contains("empty-data-dir"),
                f.message()));
        List<Row> rows = spark.read().parquet(output.trialsPath().toString()).collectAsList();
        assertEquals(2, rows.size());
        rows.forEach(row -> {
            assertEquals("failed", row.getAs("status"));
            assertNotNull(row.getAs("message"));
            assertNull(row.getAs("test_error"));
        });
        assertEquals(0, spark.read().parquet(output.epochsPath().toString()).count());
        assertEquals(1, r.summary().listed().size());
        assertNull(r.summary().listed().get(0).mean());
        Row summary = spark.read().parquet(output.tablePath(OutputTables.SUMMARY).toString()).first();
        assertEquals(2L, (long) summary.<Long>getAs("n_failed"));
        assertNull(summary.getAs("test_error_mean"));
    }

    @Test
    void abortKeepsCommittedTrialsAndRemovesAFolderWithNone() throws Exception {
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "two.yaml", "two"));
        Path dir = tmp.resolve("new-out");
        OutputTables output = OutputTables.prepare(dir.toString(), new Configuration(), plan, false, false);
        output.begin(null);
        Files.createDirectories(dir.resolve(".tmp-trials")).resolve("part").toFile().createNewFile();
        output.abort();
        assertFalse(Files.exists(dir), "nothing committed: the folder this run created goes");

        Path kept = Files.createDirectories(tmp.resolve("existing"));
        Files.writeString(kept.resolve("notes.txt"), "mine");
        OutputTables other = OutputTables.prepare(kept.toString(), new Configuration(), plan, false, false);
        other.begin(null);
        Files.createDirectories(kept.resolve(".tmp-epochs"));
        other.abort();
        assertEquals(Set.of("notes.txt", "sweep.json", "trials"), visibleNames(kept));

        Path resumable = tmp.resolve("resumable");
        OutputTables third = OutputTables.prepare(resumable.toString(), new Configuration(), plan, false, false);
        third.begin(null);
        third.store(new Configuration()).commit(new TrialOutcome(plan.trials().get(0),
                TrialRowsTest.result(org.tpsweep.train.RunStatus.OK, 0.2)), false);
        third.abort();
        assertEquals(1, third.committedTrials(), "a committed trial survives the abort");
        assertTrue(Files.exists(resumable.resolve("sweep.json")));
    }
}
