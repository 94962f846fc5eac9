package org.tpsweep.cli;

import org.tpsweep.store.OutputLock;
import org.tpsweep.store.TrialOutcome;
import org.tpsweep.store.TrialStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.RunConfig;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;

/**
 * {@code run} into an existing output folder: resume after a half-finished sweep, a no-op re-run,
 * {@code --fresh}, a different spec (refused, then {@code --force}) and {@code --retry-failed}; real MNIST,
 * tiny BP trials on local[2].
 */
@Tag("spark")
class RunResumeTest {
    static final String SPEC = """
            name: resume
            dataset: mnist
            seeds: [1, 2, 3]
            methods:
              bp: {epochs: 1, train_subset: 300, num_hidden: 1, size_hidden: 16}
            """;

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n" + out + "\n" + err;
        }
    }

    static Run run(String... args) {
        System.setProperty("spark.ui.enabled", "false");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of("run"), Stream.concat(Stream.of(args),
                Stream.of("--master", "local[2]"))).toArray(String[]::new);
        long t0 = System.nanoTime();
        int code = TpSweep.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
        System.out.printf("tp-sweep %s: exit %d in %.1f s%n", String.join(" ", args).replaceAll("\\S*/", ""), code,
                (System.nanoTime() - t0) / 1e9);
        return new Run(code, out.toString(), err.toString());
    }

    @AfterAll
    static void stop() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
    }

    static SparkSession reader() {
        return SparkSession.builder().master("local[2]").appName("read-back").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    /** trial_id → content of every committed per-trial file. */
    static Map<String, String> committed(Path out) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(out.resolve("trials"))) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                assertFalse(n.endsWith(".tmp"), "temporary file left: " + n);
                if (n.endsWith(".json")) {
                    m.put(n.substring(0, n.length() - 5), Files.readString(p));
                }
            }
        }
        return m;
    }

    /** trial_id → status in trials.parquet; fails when a trial appears twice. */
    static Map<String, String> table(Path out) {
        Map<String, String> m = new TreeMap<>();
        for (Row r : reader().read().parquet(out.resolve("trials.parquet").toString())
                .select("trial_id", "status").collectAsList()) {
            assertEquals(null, m.put(r.getString(0), r.getString(1)), "trial " + r.getString(0) + " twice");
        }
        return m;
    }

    static List<String> ids(String spec) {
        return SweepPlan.expand(SweepSpec.parse(spec, "s.yaml", "s")).trials().stream().map(RunConfig::trialId).toList();
    }

    static void commitFailed(Path out, RunConfig config) throws Exception {
        TrainResult failed = new TrainResult(RunStatus.FAILED, "IllegalStateException: no data", List.of(), 0,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, java.time.Instant.now(), java.time.Instant.now(),
                List.of(), "");
        new TrialStore(new org.apache.hadoop.fs.Path(out.resolve("trials").toUri()), new Configuration())
                .commit(new TrialOutcome(config, failed), false);
    }

    /**
     * Data you can prove: a run records the digest of its data (a user's CIFAR-10 folder, which has no recorded
     * checksums) in sweep.json and in each trial's data_sha256; a resume after one data file changed is refused
     * before Spark starts, naming the dataset and both digests; --force runs into the folder and records the new
     * data, the trials kept from before keep their own digest.
     */
    @Test
    void aChangedDataFileIsRefusedOnResume() throws Exception {
        Path data = tmp.resolve("data");
        Path c10 = Files.createDirectories(data.resolve("cifar10"));
        java.util.Random rnd = new java.util.Random(5);
        for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin")) {
            byte[] b = new byte[4 * 3073];
            rnd.nextBytes(b);
            for (int r = 0; r < 4; r++) {
                b[r * 3073] = (byte) rnd.nextInt(10);
            }
            Files.write(c10.resolve(f), b);
        }
        String yaml = "name: data-resume\ndataset: cifar10\nseeds: [1, 2]\nmethods:\n"
                + "  bp: {epochs: 1, no_val_set: true, num_hidden: 1, size_hidden: 4}\n";
        Path spec = Files.writeString(tmp.resolve("data-resume.yaml"), yaml);
        Path out = tmp.resolve("out");
        String[] args = {spec.toString(), "--out", out.toString(), "--data", data.toString()};

        Run first = run(args);
        assertEquals(0, first.code(), first.toString());
        String before = SweepMetadataOf(out).dataSha256().get("cifar10");
        assertTrue(before != null && before.matches("[0-9a-f]{64}"), String.valueOf(before));
        assertTrue(first.out().contains("data: " + data + " (cifar10 sha256 " + before.substring(0, 12)
                + "…, no recorded checksums)"), first.toString());
        assertEquals(Map.of(ids(yaml).get(0), before, ids(yaml).get(1), before), dataColumn(out));

        byte[] test = Files.readAllBytes(c10.resolve("test_batch.bin"));
        test[100]++;
        Files.write(c10.resolve("test_batch.bin"), test);
        Map<String, String> kept = committed(out);
        Run changed = run(args);
        assertEquals(2, changed.code(), changed.toString());
        assertTrue(changed.err().startsWith("error: output folder " + out + " holds results computed on other data: "
                + "dataset 'cifar10' had SHA-256 " + before + " there (sweep.json), the data now has SHA-256 "),
                changed.toString());
        assertTrue(changed.err().contains("--fresh") && changed.err().contains("--force"), changed.err());
        assertEquals(1, changed.err().strip().lines().count(), changed.err());
        assertFalse(changed.out().contains("sweep data-resume"), "nothing may start: " + changed.out());
        assertEquals(kept, committed(out));
        assertEquals(before, SweepMetadataOf(out).dataSha256().get("cifar10"));

        Files.delete(out.resolve("trials").resolve(ids(yaml).get(1) + ".json"));
        Run forced = run(Stream.concat(Stream.of(args), Stream.of("--force")).toArray(String[]::new));
        assertEquals(0, forced.code(), forced.toString());
        String after = SweepMetadataOf(out).dataSha256().get("cifar10");
        assertNotEquals(before, after);
        assertEquals(Map.of(ids(yaml).get(0), before, ids(yaml).get(1), after), dataColumn(out),
                "each trial records the data it ran on");
    }

    static org.tpsweep.store.SweepMetadata SweepMetadataOf(Path out) throws Exception {
        return org.tpsweep.store.SweepMetadata.read(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(out.toUri()));
    }

    /** trial_id → data_sha256 in trials.parquet. */
    static Map<String, String> dataColumn(Path out) {
        Map<String, String> m = new TreeMap<>();
        for (Row r : reader().read().parquet(out.resolve("trials.parquet").toString())
                .select("trial_id", "data_sha256").collectAsList()) {
            m.put(r.getString(0), r.getString(1));
        }
        return m;
    }

    /**
     * One folder through every mode (a Spark run each costs seconds): kill half-way, resume, retry the failed
     * trial, no-op, fresh, another spec refused, then forced.
     */
    @Test
    void resumeRetryNoopFreshAndAnotherSpec() throws Exception {
        Path spec = Files.writeString(tmp.resolve("resume.yaml"), SPEC);
        Path out = tmp.resolve("out");
        List<RunConfig> trials = SweepPlan.expand(SweepSpec.parse(SPEC, "s.yaml", "s")).trials();
        List<String> ids = ids(SPEC);

        Run first = run(spec.toString(), "--out", out.toString());
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("3/3 trials done"), first.toString());
        Map<String, String> before = committed(out);
        assertEquals(ids.stream().sorted().toList(), List.copyOf(before.keySet()));

        // A sweep killed half-way: one result never got committed, one is truncated (a file system without
        // atomic rename), a temporary file is left, and the third trial failed (as with a data folder missing
        // on its executor).
        Path trialsDir = out.resolve("trials");
        Files.delete(trialsDir.resolve(ids.get(0) + ".json"));
        Files.writeString(trialsDir.resolve(ids.get(2) + ".json"), "{\"trial_id\": \"" + ids.get(2)); // truncated
        Files.delete(trialsDir.resolve(ids.get(1) + ".json"));
        commitFailed(out, trials.get(1));
        String failedDoc = committed(out).get(ids.get(1));
        Files.writeString(trialsDir.resolve("." + ids.get(0) + ".s0.0-p0.0-t1-dead.tmp"), "{\"trial");

        Run resumed = run(spec.toString(), "--out", out.toString());
        assertEquals(1, resumed.code(), "the failed trial stays failed: " + resumed);
        assertTrue(resumed.out().contains("resuming: 1 of 3 trials already committed"), resumed.toString());
        assertTrue(resumed.out().contains("; running 2"), resumed.toString());
        assertTrue(resumed.out().contains("2/2 trials done (ok 2, diverged 0, stopped 0, failed 0)"),
                resumed.toString());
        assertFalse(resumed.out().contains("3/3 trials done"), resumed.toString());
        assertTrue(resumed.out().contains("(2 ran now, 1 kept from earlier runs)"), resumed.toString());
        assertTrue(resumed.out().contains("failed: trial " + ids.get(1)), resumed.toString());
        assertTrue(resumed.err().contains("--retry-failed"), resumed.err());
        Map<String, String> afterResume = committed(out);
        assertEquals(before.keySet(), afterResume.keySet());
        assertEquals(failedDoc, afterResume.get(ids.get(1)), "the committed trial did not run again");
        assertNotEquals(before.get(ids.get(0)), afterResume.get(ids.get(0)), "the missing trial ran again");
        assertEquals(Map.of(ids.get(0), "ok", ids.get(1), "failed", ids.get(2), "ok"), table(out));

        // --retry-failed: only the failed trial runs, its file is replaced.
        Run retried = run(spec.toString(), "--out", out.toString(), "--retry-failed");
        assertEquals(0, retried.code(), retried.toString());
        assertTrue(retried.out().contains("resuming: 3 of 3 trials already committed in " + trialsDir
                + " (1 failed, rerun); running 1"), retried.toString());
        assertTrue(retried.out().contains("1/1 trials done (ok 1, diverged 0, stopped 0, failed 0)"),
                retried.toString());
        Map<String, String> afterRetry = committed(out);
        assertEquals(afterResume.get(ids.get(0)), afterRetry.get(ids.get(0)));
        assertEquals(afterResume.get(ids.get(2)), afterRetry.get(ids.get(2)));
        assertTrue(afterRetry.get(ids.get(1)).contains("\"status\":\"ok\""), afterRetry.get(ids.get(1)));
        assertEquals(Map.of(ids.get(0), "ok", ids.get(1), "ok", ids.get(2), "ok"), table(out));

        // The same command once more: nothing runs, the tables are rebuilt.
        try (Stream<Path> parts = Files.list(out.resolve("summary.parquet"))) {
            for (Path p : parts.toList()) {
                Files.delete(p);
            }
        }
        Run noop = run(spec.toString(), "--out", out.toString(), "--quiet");
        assertEquals(0, noop.code(), noop.toString());
        assertTrue(noop.out().contains("resuming: 3 of 3 trials already committed"), noop.toString());
        assertTrue(noop.out().contains("; running 0"), noop.toString());
        assertFalse(noop.out().contains("trials done"), noop.toString());
        assertEquals(afterRetry, committed(out));
        assertEquals(1, reader().read().parquet(out.resolve("summary.parquet").toString()).count());
        assertEquals(3, table(out).size());

        // --fresh: every trial runs again.
        Run fresh = run(spec.toString(), "--out", out.toString(), "--fresh", "--quiet");
        assertEquals(0, fresh.code(), fresh.toString());
        assertTrue(fresh.out().contains("(3 ran now, 0 kept from earlier runs)"), fresh.toString());
        assertFalse(fresh.out().contains("resuming"), fresh.toString());
        Map<String, String> renewed = committed(out);
        assertEquals(afterRetry.keySet(), renewed.keySet());
        for (String id : ids) {
            assertNotEquals(afterRetry.get(id), renewed.get(id), "--fresh reran " + id);
        }

        // A different plan (here: fewer seeds) into the same folder is refused before anything runs, then
        // accepted with --force, reusing the committed trials it shares.
        Run refused = run(spec.toString(), "--out", out.toString(), "--seeds", "2");
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().startsWith("error: output folder " + out + " holds sweep 'resume'"), refused.err());
        assertTrue(refused.err().contains("--force") && refused.err().contains("--fresh"), refused.err());
        assertEquals(renewed, committed(out));
        Run forced = run(spec.toString(), "--out", out.toString(), "--seeds", "2", "--force");
        assertEquals(0, forced.code(), forced.toString());
        assertTrue(forced.out().contains("resuming: 2 of 2 trials already committed"), forced.toString());
        assertEquals(ids.subList(0, 2).stream().sorted().toList(), List.copyOf(table(out).keySet()));
        assertEquals(renewed, committed(out), "the third seed's result stays in trials/, out of the tables");
    }

    /**
     * No silent gaps (issue 12 item 1): a result that parses but cannot become a row ({@code "seed": "x"}) and
     * a file holding another trial's document are not committed results. The same command moves them aside,
     * reruns both trials, and ends with every planned trial in the tables exactly once.
     */
    @Test
    void malformedAndMisnamedResultsAreRunAgainInTheSameCommand() throws Exception {
        Path spec = Files.writeString(tmp.resolve("resume.yaml"), SPEC);
        Path out = tmp.resolve("out");
        List<String> ids = ids(SPEC);
        assertEquals(0, run(spec.toString(), "--out", out.toString(), "--quiet").code());
        Path trialsDir = out.resolve("trials");
        Map<String, String> before = committed(out);
        Files.writeString(trialsDir.resolve(ids.get(0) + ".json"),
                before.get(ids.get(0)).replaceFirst("\"seed\":1", "\"seed\":\"x\""));
        Files.writeString(trialsDir.resolve(ids.get(1) + ".json"), before.get(ids.get(2)));

        Run again = run(spec.toString(), "--out", out.toString());
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("resuming: 3 of 3 trials already committed"), again.toString());
        assertTrue(again.out().contains("2 of 3 planned trials have no readable result in " + trialsDir
                + " (missing, malformed, or a document of another trial): running them again"), again.toString());
        assertEquals(Map.of(ids.get(0), "ok", ids.get(1), "ok", ids.get(2), "ok"), table(out));
        Map<String, String> after = committed(out);
        assertTrue(after.get(ids.get(0)).contains("\"seed\":1"), after.get(ids.get(0)));
        assertTrue(after.get(ids.get(1)).contains("\"trial_id\":\"" + ids.get(1) + "\""), after.get(ids.get(1)));
        assertEquals(before.get(ids.get(2)), after.get(ids.get(2)), "the good result is kept");
        assertTrue(Files.readString(trialsDir.resolve(ids.get(0) + ".json.rejected")).contains("\"seed\":\"x\""),
                "the bad file is kept aside for inspection");
    }

    /**
     * A trial whose result never becomes readable (here: a file system that loses its commits, as a cluster
     * whose executors write to their own disks does) ends the run with exit 1 naming it, never with 0.
     */
    @Test
    void aGapThatPersistsAfterTheRerunFailsTheRunNamingTheTrial() throws Exception {
        Path spec = Files.writeString(tmp.resolve("resume.yaml"), SPEC);
        List<RunConfig> trials = SweepPlan.expand(SweepSpec.parse(SPEC, "s.yaml", "s")).trials();
        String lost = trials.get(1).trialId();
        LosingFileSystem.LOST.add(lost + ".json");
        try {
            Run r = run(spec.toString(), "--out", "lose://" + tmp.resolve("out"));
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.out().contains("1 of 3 planned trials have no readable result"), r.toString());
            assertTrue(r.err().contains("error: 1 of 3 planned trials have no readable result in lose:"), r.err());
            assertTrue(r.err().contains(lost + " (bp, mnist, seed 2)"), r.err());
            assertEquals(2, table(tmp.resolve("out")).size());
        } finally {
            LosingFileSystem.LOST.clear();
        }
    }

    /**
     * One writer per output folder (issue 12 item 2): while a run holds the folder's lock, a second run (here
     * with {@code --fresh}) is refused before Spark starts, naming the holder, and the first's results stay
     * intact; the lock of a driver that was killed is taken over with a line saying so; {@code --fresh} refuses
     * a folder that tp-sweep did not write.
     */
    @Test
    void oneRunPerOutputFolder() throws Exception {
        Path spec = Files.writeString(tmp.resolve("resume.yaml"), SPEC);
        Path out = tmp.resolve("out");
        assertEquals(0, run(spec.toString(), "--out", out.toString(), "--quiet").code());
        Map<String, String> results = committed(out);
        Map<String, Long> tables = modificationTimes(out);
        assertFalse(Files.exists(out.resolve(OutputLock.FILE)), "the lock is released at the end of the run");

        try (OutputLock running = OutputLock.acquire(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(out.toUri()), null)) {
            Run second = run(spec.toString(), "--out", out.toString(), "--fresh");
            assertEquals(2, second.code(), second.toString());
            assertTrue(second.err().startsWith("error: output folder " + out + " is in use by another tp-sweep run "
                    + "(host " + InetAddress.getLocalHost().getHostName() + ", pid " + ProcessHandle.current().pid()
                    + ", started "), second.err());
            assertEquals("", second.out(), "refused before anything is planned or printed");
            assertEquals(results, committed(out), "the first run's trial results are intact");
            assertEquals(tables, modificationTimes(out), "the first run's tables are intact");
        }

        Process killed = new ProcessBuilder("true").start();   // a driver that ended without releasing its lock
        killed.waitFor();
        Files.writeString(out.resolve(OutputLock.FILE), "{\"host\": \"" + InetAddress.getLocalHost().getHostName()
                + "\", \"pid\": " + killed.pid() + ", \"started\": \"2026-01-01T00:00:00Z\", \"heartbeat\": \""
                + java.time.Instant.now() + "\", \"token\": \"t\"}");
        Run takeOver = run(spec.toString(), "--out", out.toString());
        assertEquals(0, takeOver.code(), takeOver.toString());
        assertTrue(takeOver.out().startsWith("taking over the lock of " + out + " from a run that is gone (host "
                + InetAddress.getLocalHost().getHostName() + ", pid " + killed.pid()), takeOver.out());
        assertFalse(Files.exists(out.resolve(OutputLock.FILE)));

        Path mine = Files.createDirectories(tmp.resolve("my-notes"));
        Files.writeString(mine.resolve("notes.txt"), "mine");
        Run fresh = run(spec.toString(), "--out", mine.toString(), "--fresh");
        assertEquals(2, fresh.code(), fresh.toString());
        assertTrue(fresh.err().startsWith("error: --fresh: output folder " + mine + " is not a tp-sweep output folder "
                + "(it has no sweep.json) and is not empty (it holds notes.txt)"), fresh.err());
        try (Stream<Path> left = Files.list(mine)) {
            assertEquals(List.of(mine.resolve("notes.txt")), left.toList(), "nothing deleted, no lock left behind");
        }
    }

    /** File name → modification time of the tables (the {@code *.parquet} folders) in {@code out}. */
    private static Map<String, Long> modificationTimes(Path out) throws Exception {
        Map<String, Long> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.filter(q -> q.getFileName().toString().endsWith(".parquet")).toList()) {
                m.put(p.getFileName().toString(), Files.getLastModifiedTime(p).toMillis());
            }
        }
        assertEquals(org.tpsweep.tables.OutputTables.TABLES.size(), m.size(), m.toString());
        return m;
    }
}
