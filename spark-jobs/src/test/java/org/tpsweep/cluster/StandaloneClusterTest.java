package org.tpsweep.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetFiles;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;

/**
 * Sweeps on a real Spark standalone cluster on 127.0.0.1 — a Master and two Workers ({@code --cores 1
 * --memory 2g}), separate JVMs from the project's runtime jars ({@link StandaloneCluster}) — with the driver as a
 * separate JVM too ({@code java … org.tpsweep.cli.TpSweep run SPEC --out OUT --master spark://…}) and the real
 * MNIST from the data folder (a local path, which the driver ships to the executors as on a multi-host cluster:
 * {@code DataLocation}). Faults: an executor JVM killed mid-sweep, the driver killed mid-sweep and the same command
 * run again.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    /** Six small trials (well under a second of training each). */
    static final String SMALL = """
            name: cluster-small
            dataset: mnist
            seeds: [1, 2, 3, 4, 5, 6]
            methods:
              bp: {epochs: 1, train_subset: 300, num_hidden: 1, size_hidden: 16}
            """;

    /** Six trials of about 2–5 s each on these machines, so that a kill lands while trials are running. */
    static final String SLOW = """
            name: cluster-slow
            dataset: mnist
            seeds: [1, 2, 3, 4, 5, 6]
            methods:
              bp: {epochs: 2, train_subset: 10000, num_hidden: 2, size_hidden: 256}
            """;

    static final Duration SWEEP_TIMEOUT = Duration.ofSeconds(150);

    static StandaloneCluster cluster;
    static Path work;
    static Path repo;
    static Path dataDir;

    @BeforeAll
    static void startCluster() throws Exception {
        dataDir = DataDirectory.resolve();
        DatasetFiles.checkPresent("mnist", dataDir);
        repo = Path.of("").toAbsolutePath();
        while (repo != null && !Files.isRegularFile(repo.resolve("conf/spark-defaults.conf"))) {
            repo = repo.getParent();
        }
        assertTrue(repo != null, "no conf/spark-defaults.conf above " + Path.of("").toAbsolutePath());
        work = Files.createTempDirectory("tp-cluster-test");
        long t0 = System.nanoTime();
        cluster = StandaloneCluster.start(2);
        System.out.printf("standalone cluster (master %s, 2 workers) up in %.1f s%n", cluster.masterUrl,
                (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        StandaloneCluster.deleteRecursively(work);
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
    }

    /** A finished or killed driver: its exit code (or -1 when killed) and output. */
    record Run(int code, String output, double seconds) {
    }

    /** Starts a driver JVM for {@code spec} on the cluster, output to {@code log}. */
    static Process startDriver(Path spec, Path out, Path log) throws IOException {
        return cluster.startDriver(log, List.of(
                        "-Dtp.data.dir=" + dataDir,
                        "-Dtp.spark.defaults=" + repo.resolve("conf/spark-defaults.conf"),
                        "-Dlog4j2.configurationFile=" + repo.resolve("conf/log4j2.properties"),
                        "-Dspark.ui.enabled=false",
                        "-Dspark.executor.memory=1g"),
                spec.toString(), "--out", out.toString());
    }

    static Run await(Process driver, Path log, long t0) throws Exception {
        if (!driver.waitFor(SWEEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            driver.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
            fail("the sweep did not finish within " + SWEEP_TIMEOUT + ":\n" + StandaloneCluster.tail(log, 6000)
                    + "\n" + cluster.executorLogs());
        }
        return new Run(driver.exitValue(), Files.readString(log), (System.nanoTime() - t0) / 1e9);
    }

    static Run runToEnd(String name, String specText, Path out) throws Exception {
        Path spec = Files.writeString(work.resolve(name + ".yaml"), specText);
        Path log = work.resolve(name + ".log");
        long t0 = System.nanoTime();
        return await(startDriver(spec, out, log), log, t0);
    }

    /** The plan's trial ids, sorted. */
    static List<String> plannedIds(String specText, String name) {
        return SweepPlan.expand(SweepSpec.parse(specText, name + ".yaml", name)).trials().stream()
                .map(c -> c.trialId()).sorted().toList();
    }

    /** trial_id → status of every row of OUT/trials.parquet; fails on a repeated trial_id. */
    static Map<String, String> trialRows(Path out) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("read-back")
                .config("spark.ui.enabled", "false").getOrCreate();
        List<Row> rows = spark.read().parquet(out.resolve("trials.parquet").toString())
                .select("trial_id", "status").collectAsList();
        Map<String, String> byId = new TreeMap<>();
        for (Row r : rows) {
            String previous = byId.put(r.getString(0), r.getString(1));
            assertTrue(previous == null, "trial " + r.getString(0) + " appears more than once in trials.parquet");
        }
        assertEquals(rows.size(), byId.size());
        return byId;
    }

    /** trial_id → {@code name} of OUT/trials.parquet, or null when the table has no such column. */
    static Map<String, String> column(Path out, String name) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("read-back")
                .config("spark.ui.enabled", "false").getOrCreate();
        org.apache.spark.sql.Dataset<Row> t = spark.read().parquet(out.resolve("trials.parquet").toString());
        if (!List.of(t.columns()).contains(name)) {
            return null;
        }
        Map<String, String> byId = new TreeMap<>();
        for (Row r : t.select("trial_id", name).collectAsList()) {
            byId.put(r.getString(0), r.isNullAt(1) ? null : String.valueOf(r.get(1)));
        }
        return byId;
    }

    static void assertEveryTrialOnceOk(String specText, String name, Path out, Run run) {
        assertEquals(0, run.code(), "the sweep failed:\n" + run.output() + "\n" + cluster.executorLogs());
        Map<String, String> rows = trialRows(out);
        assertEquals(plannedIds(specText, name), new ArrayList<>(rows.keySet()),
                "trials.parquet must hold every planned trial exactly once");
        rows.forEach((id, status) -> assertEquals("ok", status, "status of trial " + id + "\n" + run.output()));
    }

    static void awaitCondition(BooleanSupplier ok, Duration timeout, Process driver, Path log, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ok.getAsBoolean()) {
            if (!driver.isAlive()) {
                fail("the driver ended (exit " + driver.exitValue() + ") before " + what + ":\n"
                        + StandaloneCluster.tail(log, 6000) + "\n" + cluster.executorLogs());
            }
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within " + timeout + ":\n" + StandaloneCluster.tail(log, 6000));
            }
            Thread.sleep(100);
        }
    }

    static String readOrEmpty(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    @Order(1)
    void sweepRunsOnTheStandaloneClusterWithEveryTrialOnce() throws Exception {
        Path out = work.resolve("small-out");
        Run run = runToEnd("small", SMALL, out);
        System.out.printf("cluster sweep, 6 small trials: %.1f s%n", run.seconds());
        assertEveryTrialOnceOk(SMALL, "cluster-small", out, run);
        assertTrue(run.output().contains("on " + cluster.masterUrl), run.output());
        // The trials ran in the Workers' executors, not in the driver.
        Map<String, String> executors = column(out, "executor_id");
        assertNotNull(executors, "trials.parquet has an executor_id column");
        assertEquals(plannedIds(SMALL, "cluster-small"), new ArrayList<>(executors.keySet()), "an executor per trial");
        executors.forEach((id, e) -> assertTrue(e != null && !e.equals("driver"), "trial " + id + " ran on " + e));
        Map<String, String> devices = column(out, "device");
        assertNotNull(devices, "trials.parquet has a device column");
        devices.forEach((id, d) -> assertEquals("cpu", d, "device of trial " + id));
        // The data folder was shipped: the executors' work folders hold the MNIST files unpacked, byte for byte.
        List<Path> shipped = shippedMnistFolders();
        assertFalse(shipped.isEmpty(), "no shipped MNIST folder in the executors' work folders under " + cluster.home);
        for (Path folder : shipped) {
            for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                    "t10k-labels-idx1-ubyte")) {
                assertEquals(-1, Files.mismatch(dataDir.resolve("mnist").resolve(name), folder.resolve(name)),
                        folder.resolve(name) + " differs from the data folder's");
            }
        }
        cluster.awaitNoExecutors(Duration.ofSeconds(60));
    }

    /** The {@code mnist} folders unpacked from shipped archives in the Workers' executor folders. */
    static List<Path> shippedMnistFolders() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(cluster.home)) {
            s.filter(p -> p.getFileName().toString().equals("mnist") && Files.isDirectory(p)
                            && p.getParent().getFileName().toString().matches("tp-data-mnist-.+\\.zip")
                            && p.getParent().getParent().getParent().getParent().getFileName().toString()
                            .startsWith("work-"))
                    .forEach(found::add);
        }
        return found;
    }

    @Test
    @Order(2)
    void sweepSurvivesAnExecutorKilledMidSweep() throws Exception {
        Path spec = Files.writeString(work.resolve("slow-exec.yaml"), SLOW);
        Path out = work.resolve("exec-kill-out");
        Path log = work.resolve("exec-kill.log");
        long t0 = System.nanoTime();
        Process driver = startDriver(spec, out, log);
        // Mid-sweep: a trial has finished (so executors are up and working) and others are still to come.
        awaitCondition(() -> readOrEmpty(log).contains("1/6 trials done"), SWEEP_TIMEOUT, driver, log,
                "first finished trial");
        List<ProcessHandle> executors = cluster.executors();
        assertFalse(executors.isEmpty(), "no executor JVM found under the Workers");
        assertFalse(readOrEmpty(log).contains("6/6 trials done"), "the sweep ended before the kill; make SLOW longer");
        ProcessHandle victim = executors.get(0);
        long pid = victim.pid();
        // The executors got what the trainers need from the driver's settings (SparkSessions, cluster masters).
        String cmd = StandaloneCluster.commandLine(victim);
        assertTrue(cmd.contains("--add-modules=jdk.incubator.vector") && cmd.contains("--add-opens=java.base/sun.nio.ch"),
                "executor JVM flags: " + cmd);
        assertEquals("1", StandaloneCluster.environmentOf(victim, "OMP_NUM_THREADS"), "executor OMP_NUM_THREADS");
        assertTrue(victim.destroyForcibly(), "could not kill executor " + pid);
        victim.onExit().get(30, TimeUnit.SECONDS);
        double killedAt = (System.nanoTime() - t0) / 1e9;
        Run run = await(driver, log, t0);
        System.out.printf("cluster sweep, 6 trials, executor %d killed at %.1f s: %.1f s%n", pid, killedAt,
                run.seconds());
        assertEveryTrialOnceOk(SLOW, "cluster-slow", out, run);
        // The kill hit a running task: Spark reported the lost executor and ran its trial again elsewhere.
        assertTrue(run.output().contains("Lost executor") || run.output().contains("ExecutorLostFailure")
                || run.output().contains("Lost task"), "the driver did not notice the killed executor:\n" + run.output());
        cluster.awaitNoExecutors(Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    void killedDriverIsResumedByTheSameCommandRunningOnlyTheMissingTrials() throws Exception {
        Path spec = Files.writeString(work.resolve("slow-driver.yaml"), SLOW);
        Path out = work.resolve("driver-kill-out");
        Path trials = out.resolve("trials");
        Path log1 = work.resolve("driver-kill-1.log");
        long t0 = System.nanoTime();
        Process driver = startDriver(spec, out, log1);
        awaitCondition(() -> committed(trials).size() >= 1, SWEEP_TIMEOUT, driver, log1, "committed trial");
        driver.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        assertTrue(driver.waitFor(30, TimeUnit.SECONDS), "the driver did not die");
        double killedAt = (System.nanoTime() - t0) / 1e9;
        // Tasks running when the driver died may still commit before their executors notice and exit.
        cluster.awaitNoExecutors(Duration.ofSeconds(60));
        Map<String, FileTime> before = committed(trials);
        List<String> planned = plannedIds(SLOW, "cluster-slow");
        assertTrue(before.size() >= 1 && before.size() < planned.size(), "the driver kill must land mid-sweep, "
                + "but " + before.size() + " of " + planned.size() + " trials were committed; make SLOW longer");
        assertTrue(planned.containsAll(before.keySet()), before + " vs " + planned);
        Map<String, String> contents = new TreeMap<>();
        for (String id : before.keySet()) {
            contents.put(id, Files.readString(trials.resolve(id + ".json")));
        }
        assertFalse(Files.exists(out.resolve("trials.parquet")), "a killed sweep must not leave trials.parquet");

        Path log2 = work.resolve("driver-kill-2.log");
        long t1 = System.nanoTime();
        Run rerun = await(startDriver(spec, out, log2), log2, t1);
        System.out.printf("cluster sweep, driver killed at %.1f s with %d of 6 trials committed; re-run: %.1f s%n",
                killedAt, before.size(), rerun.seconds());
        assertEveryTrialOnceOk(SLOW, "cluster-slow", out, rerun);
        // Only the missing trials ran again: the committed results are untouched, and all are committed now.
        Map<String, FileTime> after = committed(trials);
        assertEquals(new TreeSet<>(planned), new TreeSet<>(after.keySet()));
        for (String id : before.keySet()) {
            assertEquals(before.get(id), after.get(id), "trial " + id + " was committed before and ran again");
            assertEquals(contents.get(id), Files.readString(trials.resolve(id + ".json")), "trial " + id + " changed");
        }
        int missing = planned.size() - before.size();
        assertTrue(rerun.output().contains(missing + "/" + missing + " trials done"),
                "the re-run should run exactly the " + missing + " missing trials:\n" + rerun.output());
    }

    /**
     * No silent gaps on a cluster (issue 12 item 1): an {@code --out} that the executors cannot share with the
     * driver. {@code /proc/self/cwd/…} is a local path that each process resolves to its own working folder, as
     * executors on other machines resolve a local path to their own disks. The driver finds out before any trial
     * runs (a probe file the executors do not see) and exits 1 saying why, never 0.
     */
    @Test
    @Order(4)
    void anOutTheExecutorsCannotShareEndsTheRunBeforeAnyTrialIsLost() throws Exception {
        String two = SMALL.replace("cluster-small", "cluster-unshared").replace("[1, 2, 3, 4, 5, 6]", "[1, 2]");
        String name = "unshared-out-" + ProcessHandle.current().pid();
        Path driverSide = Path.of("target", name).toAbsolutePath();
        Path out = Path.of("/proc/self/cwd/target/" + name);
        Run run = runToEnd("unshared", two, out);
        System.out.printf("cluster sweep into an --out the executors cannot share: %.1f s%n", run.seconds());
        assertEquals(1, run.code(), run.output());
        assertTrue(run.output().contains("cannot see the output folder " + out + " (a probe file the driver wrote "
                + "there is missing on their side): with the cluster master " + cluster.masterUrl), run.output());
        assertTrue(run.output().contains("Give --out a file system that the driver and every executor share"),
                run.output());
        assertFalse(run.output().contains("trials done"), "no trial ran:\n" + run.output());
        assertEquals(Map.of(), committed(driverSide.resolve("trials")), "no result in the driver's folder");
        cluster.awaitNoExecutors(Duration.ofSeconds(60));
    }

    /** trial_id → modification time of the committed results in OUT/trials (temporary files excepted). */
    static Map<String, FileTime> committed(Path trials) {
        Map<String, FileTime> out = new TreeMap<>();
        if (!Files.isDirectory(trials)) {
            return out;
        }
        try (Stream<Path> s = Files.list(trials)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".json")
                    && !p.getFileName().toString().startsWith(".")).collect(Collectors.toList())) {
                String n = p.getFileName().toString();
                out.put(n.substring(0, n.length() - ".json".length()), Files.getLastModifiedTime(p));
            }
        } catch (IOException e) {
            // a file renamed while listing: next poll
        }
        return out;
    }
}
