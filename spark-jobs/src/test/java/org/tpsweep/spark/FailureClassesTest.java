package org.tpsweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.cluster.DataLocation;
import org.tpsweep.cluster.SparkSessions;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.tables.OutputTables;

/**
 * Failures in their right class (issue 12 item 3), on a real local-mode session: an out-of-memory error, an I/O
 * error and an ND4J native-runtime error are retried by Spark (local mode gets 4 attempts), and a trial is
 * recorded {@code failed} only when it fails like that on every attempt; an error of the trial itself is
 * recorded at once, without a retry.
 */
@Tag("spark")
class FailureClassesTest {
    static final String SPEC = """
            name: faults
            dataset: mnist
            seeds: [1, 2, 3, 4, 5]
            methods:
              bp: {epochs: 1, train_subset: 300, num_hidden: 1, size_hidden: 16}
            """;

    @TempDir
    Path tmp;

    @AfterEach
    void noFaults() {
        SweepJob.faults = SweepJob.FaultInjection.NONE;
    }

    @AfterAll
    static void stop() {
        SweepJobTest.stop();
    }

    @Test
    void infrastructureFailuresAreRetriedAndTrialErrorsRecordedAtOnce() throws Exception {
        SweepJobTest.stop();
        System.setProperty("spark.ui.enabled", "false");
        SparkSession spark = SparkSessions.create("failure classes", "local[2]");
        assertEquals("local[2,4]", spark.sparkContext().master(), "local mode gets retries");

        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "faults.yaml", "faults"));
        List<RunConfig> t = plan.trials();
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        SweepJob.faults = config -> {
            int attempt = attempts.computeIfAbsent(config.trialId(), k -> new AtomicInteger()).incrementAndGet();
            if (config.seed() == 1 && attempt == 1) {
                throw new OutOfMemoryError("injected: Java heap space");
            } else if (config.seed() == 2) {
                throw new OutOfMemoryError("injected: Java heap space");
            } else if (config.seed() == 3 && attempt <= 2) {
                throw new UncheckedIOException(new IOException("injected: Input/output error reading the data"));
            } else if (config.seed() == 4 && attempt == 1) {
                throw new RuntimeException("injected: cudaMalloc failed: out of memory");
            } else if (config.seed() == 5) {
                throw new IllegalArgumentException("injected: invalid combination found at run time");
            }
        };
        SweepJob.Result r;
        try (OutputTables output = OutputTables.prepare(tmp.resolve("out").toString(), new Configuration(), plan,
                false, false)) {
            r = SweepJob.run(spark, plan, output, DataLocation.local(Path.of(DataDirectory.configured())),
                    SweepJob.Options.silent());
        }

        Map<Long, Integer> tries = new TreeMap<>();
        t.forEach(c -> tries.put(c.seed(), attempts.get(c.trialId()).get()));
        assertEquals(Map.of(1L, 2, 2L, 4, 3L, 3, 4L, 2, 5L, 1), tries, "attempts per seed");

        Map<Long, String> status = new TreeMap<>();
        Map<Long, String> message = new TreeMap<>();
        for (Row row : spark.read().parquet(tmp.resolve("out/trials.parquet").toString())
                .select("seed", "status", "message").collectAsList()) {
            status.put(row.getLong(0), row.getString(1));
            message.put(row.getLong(0), row.isNullAt(2) ? "" : row.getString(2));
        }
        assertEquals(Map.of(1L, "ok", 2L, "failed", 3L, "ok", 4L, "ok", 5L, "failed"), status);
        assertEquals("infrastructure failure on every one of its 4 attempts: OutOfMemoryError: injected: Java heap "
                + "space", message.get(2L));
        assertEquals("IllegalArgumentException: injected: invalid combination found at run time", message.get(5L));
        assertEquals(2, r.failed().size());
        assertTrue(r.missing().isEmpty());
    }
}
