package org.tpsweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.cluster.DataLocation;
import org.tpsweep.cluster.SparkSessions;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.store.CheckpointFiles;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.tables.OutputTables;

/**
 * Per-epoch checkpoints in a real local-mode sweep: a task killed by an infrastructure failure after an epoch is
 * retried by Spark, and the retry resumes from the trial's checkpoint, trains only the epochs that are left and
 * commits the result the uninterrupted sweep commits (every epoch's losses and errors, the test error), with a
 * message that says it resumed; the checkpoint files are gone once the results are committed. Without
 * checkpoints the retry starts over.
 */
@Tag("spark")
class CheckpointSweepTest {
    static final String SPEC = """
            name: checkpoints
            dataset: mnist
            seeds: [1, 2]
            methods:
              dtp: {epochs: 3, epochs_fb: 1, train_subset: 300, num_hidden: 1, size_hidden: 16}
            """;

    @TempDir
    Path tmp;

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        SweepJobTest.stop();
        System.setProperty("spark.ui.enabled", "false");
        spark = SparkSessions.create("checkpoints", "local[2]");
    }

    @AfterEach
    void noFaults() {
        SweepJob.faults = SweepJob.FaultInjection.NONE;
    }

    @AfterAll
    static void stop() {
        SweepJobTest.stop();
    }

    /** The epochs each attempt of each seed reported, in order, and the attempts. */
    private record Trace(Map<Long, List<Integer>> epochs, Map<Long, Integer> attempts) {
    }

    /** Runs the sweep into {@code out}, killing seed 1 after epoch 2 and seed 2 after epoch 1 on their first attempt. */
    private Trace runKilled(String out, Duration interval, SweepPlan plan) throws Exception {
        Map<Long, List<Integer>> epochs = new ConcurrentHashMap<>();
        Map<Long, AtomicInteger> attempts = new ConcurrentHashMap<>();
        SweepJob.faults = new SweepJob.FaultInjection() {
            @Override
            public void inject(RunConfig config) {
                attempts.computeIfAbsent(config.seed(), k -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void afterEpoch(RunConfig config, int epoch) {
                epochs.computeIfAbsent(config.seed(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(epoch);
                int attempt = attempts.get(config.seed()).get();
                if (attempt == 1 && epoch == (config.seed() == 1 ? 2 : 1)) {
                    throw new OutOfMemoryError("injected: the task is killed after epoch " + epoch);
                }
            }
        };
        run(out, interval, plan);
        Map<Long, Integer> tries = new TreeMap<>();
        attempts.forEach((seed, n) -> tries.put(seed, n.get()));
        return new Trace(new TreeMap<>(epochs), tries);
    }

    private void run(String out, Duration interval, SweepPlan plan) throws Exception {
        try (OutputTables output = OutputTables.prepare(tmp.resolve(out).toString(), new Configuration(), plan,
                false, false)) {
            SweepJob.Result r = SweepJob.run(spark, plan, output, DataLocation.local(Path.of(
                    DataDirectory.configured())), SweepJob.Options.silent().withCheckpointInterval(interval));
            assertTrue(r.missing().isEmpty());
        }
    }

    /** Per seed: every epoch's train loss, train error, val loss, val error, test loss, test error. */
    private Map<Long, List<List<Double>>> epochRows(String out) {
        Map<Long, List<List<Double>>> rows = new TreeMap<>();
        for (Row r : spark.read().parquet(tmp.resolve(out + "/epochs.parquet").toString())
                .orderBy("seed", "epoch").select("seed", "train_loss", "train_error", "val_loss", "val_error",
                        "test_loss", "test_error").collectAsList()) {
            List<Double> v = new ArrayList<>();
            for (int k = 1; k < 7; k++) {
                v.add(r.getDouble(k));
            }
            rows.computeIfAbsent(r.getLong(0), s -> new ArrayList<>()).add(v);
        }
        return rows;
    }

    private Map<Long, String> messages(String out) {
        Map<Long, String> m = new TreeMap<>();
        for (Row r : spark.read().parquet(tmp.resolve(out + "/trials.parquet").toString())
                .select("seed", "status", "message").collectAsList()) {
            assertEquals("ok", r.getString(1));
            m.put(r.getLong(0), r.isNullAt(2) ? "" : r.getString(2));
        }
        return m;
    }

    private long checkpointFiles(String out) throws Exception {
        Path dir = tmp.resolve(out).resolve(CheckpointFiles.DIR);
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aKilledTaskResumesFromItsLastEpochAndCommitsTheUninterruptedResult() throws Exception {
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "checkpoints.yaml", "checkpoints"));
        run("whole", Duration.ZERO, plan);
        assertEquals(Map.of(1L, "", 2L, ""), messages("whole"));
        assertEquals(0, checkpointFiles("whole"), "committed trials leave no checkpoint");

        Trace t = runKilled("killed", Duration.ZERO, plan);
        assertEquals(Map.of(1L, 2, 2L, 2), t.attempts(), "each seed is retried once");
        assertEquals(Map.of(1L, List.of(1, 2, 3), 2L, List.of(1, 2, 3)), t.epochs(),
                "the retry trains only the epochs after the checkpoint");
        assertEquals(Map.of(1L, "resumed after epoch 2", 2L, "resumed after epoch 1"), messages("killed"));
        assertEquals(epochRows("whole"), epochRows("killed"), "the same epochs as the uninterrupted sweep");
        assertEquals(0, checkpointFiles("killed"), "committed trials leave no checkpoint");

        Trace none = runKilled("none", null, plan);
        assertEquals(Map.of(1L, List.of(1, 2, 1, 2, 3), 2L, List.of(1, 1, 2, 3)), none.epochs(),
                "without checkpoints the retry starts over");
        assertEquals(Map.of(1L, "", 2L, ""), messages("none"));
        assertEquals(epochRows("whole"), epochRows("none"));
        assertEquals(0, checkpointFiles("none"));
    }
}
