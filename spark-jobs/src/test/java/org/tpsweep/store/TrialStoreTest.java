package org.tpsweep.store;

import org.tpsweep.tables.TrialRowsTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.RunConfig;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;

/** The per-trial commit protocol of {@link TrialStore}, on the local file system through Hadoop's API. */
class TrialStoreTest {
    static final RunConfig TRIAL = TrialRowsTest.PLAN.trials().get(0);

    @TempDir
    Path tmp;

    TrialStore store() {
        return new TrialStore(new org.apache.hadoop.fs.Path(tmp.resolve("trials").toUri()), new Configuration());
    }

    static TrialOutcome outcome(RunStatus status, double testError) {
        return new TrialOutcome(TRIAL, TrialRowsTest.result(status, testError));
    }

    Set<String> files() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("trials"))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    String committed() throws Exception {
        return Files.readString(tmp.resolve("trials").resolve(TRIAL.trialId() + ".json"));
    }

    /** The local disk under the scheme {@code counting:}, counting the files created through its API. */
    public static final class CountingFileSystem extends org.apache.hadoop.fs.RawLocalFileSystem {
        static final AtomicInteger CREATED = new AtomicInteger();

        @Override
        public java.net.URI getUri() {
            return java.net.URI.create("counting:///");
        }

        @Override
        public String getScheme() {
            return "counting";
        }

        @Override
        public org.apache.hadoop.fs.FSDataOutputStream create(org.apache.hadoop.fs.Path f, boolean overwrite,
                int bufferSize, short replication, long blockSize, org.apache.hadoop.util.Progressable progress)
                throws java.io.IOException {
            CREATED.incrementAndGet();
            return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
        }
    }

    @Test
    void theTrialFileIsWrittenThroughHadoopsFileSystemOnALocalDiskToo() throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.counting.impl", CountingFileSystem.class.getName());
        conf.setBoolean("fs.counting.impl.disable.cache", true);
        TrialStore s = new TrialStore(new org.apache.hadoop.fs.Path("counting://" + tmp.resolve("trials")), conf);
        int before = CountingFileSystem.CREATED.get();
        assertEquals(TrialStore.Commit.WRITTEN, s.commit(outcome(RunStatus.OK, 0.2), false));
        assertEquals(1, CountingFileSystem.CREATED.get() - before, "the temporary file, through FileSystem.create");
        assertEquals(Set.of(TRIAL.trialId() + ".json"), files());
        assertEquals("ok", s.status(TRIAL.trialId()));
    }

    @Test
    void aSecondAttemptKeepsTheFirstResultAndLeavesNoTemporaryFile() throws Exception {
        TrialStore s = store();
        assertNull(s.status(TRIAL.trialId()));
        assertEquals(TrialStore.Commit.WRITTEN, s.commit(outcome(RunStatus.OK, 0.25), false));
        String first = committed();
        assertTrue(first.contains("\"test_error\":0.25"), first);
        assertEquals(TrialStore.Commit.KEPT_EXISTING, s.commit(outcome(RunStatus.OK, 0.5), false));
        assertEquals(first, committed());
        assertEquals(Set.of(TRIAL.trialId()), s.committedIds());
        assertTrue(files().stream().noneMatch(n -> n.endsWith(".tmp")), files().toString());
        assertEquals("ok", s.status(TRIAL.trialId()));
        assertTrue(s.isSettled(TRIAL.trialId(), false));
        assertTrue(s.isSettled(TRIAL.trialId(), true));
    }

    @Test
    void concurrentAttemptsCommitExactlyOneResult() throws Exception {
        int n = 8;
        Configuration conf = new Configuration();
        conf.set("fs.lockstep.impl", LockstepFileSystem.class.getName());
        conf.setBoolean("fs.lockstep.impl.disable.cache", true);
        LockstepFileSystem.arm(n);
        TrialStore s = new TrialStore(new org.apache.hadoop.fs.Path("lockstep://" + tmp.resolve("trials")), conf);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<TrialStore.Commit>> futures = new ArrayList<>();
        List<TrialOutcome> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TrialOutcome attempt = outcome(RunStatus.OK, 0.1 + i / 100.0);       // each attempt's own document
            attempts.add(attempt);
            futures.add(pool.submit(() -> s.commit(attempt, false)));
        }
        List<Integer> written = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TrialStore.Commit c = futures.get(i).get();
            if (c == TrialStore.Commit.WRITTEN) {
                written.add(i);
            } else {
                assertEquals(TrialStore.Commit.KEPT_EXISTING, c, "attempt " + i);
            }
        }
        pool.shutdown();
        assertEquals(n, LockstepFileSystem.PASSED.get(), "every attempt found no result before any committed");
        assertEquals(1, written.size(), "exactly one attempt WRITTEN, the other " + (n - 1) + " KEPT_EXISTING: "
                + written);
        assertEquals(Set.of(TRIAL.trialId()), s.committedIds());
        assertEquals(Set.of(TRIAL.trialId() + ".json"), files(), "no temporary file left");
        assertEquals(TrialDocument.encode(attempts.get(written.get(0))) + "\n", committed(),
                "the file is the document of the attempt that was told WRITTEN");
    }

    /**
     * The local disk under the scheme {@code lockstep:}, where each of the first {@code n} reads of a committed
     * trial file ({@code *.json}) looks and then waits for the others: so {@code n} racing commits all find no
     * result before any of them names its file — the race's worst case, every time (even on 2 cores).
     */
    public static final class LockstepFileSystem extends org.apache.hadoop.fs.RawLocalFileSystem {
        static final AtomicInteger PASSED = new AtomicInteger();
        private static final AtomicInteger READS = new AtomicInteger();
        private static volatile CyclicBarrier barrier;

        static void arm(int n) {
            READS.set(0);
            PASSED.set(0);
            barrier = new CyclicBarrier(n);
        }

        @Override
        public java.net.URI getUri() {
            return java.net.URI.create("lockstep:///");
        }

        @Override
        public String getScheme() {
            return "lockstep";
        }

        @Override
        public org.apache.hadoop.fs.FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize)
                throws java.io.IOException {
            if (!f.getName().endsWith(".json") || READS.incrementAndGet() > barrier.getParties()) {
                return super.open(f, bufferSize);
            }
            try {                                   // look first, then wait until every attempt has looked
                org.apache.hadoop.fs.FSDataInputStream in = super.open(f, bufferSize);
                meet();
                return in;
            } catch (java.io.FileNotFoundException none) {
                PASSED.incrementAndGet();
                meet();
                throw none;
            }
        }

        private static void meet() throws java.io.IOException {
            try {
                barrier.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException | java.util.concurrent.BrokenBarrierException
                     | java.util.concurrent.TimeoutException e) {
                throw new java.io.IOException("the attempts did not meet", e);
            }
        }
    }

    @Test
    void onlyAFailedResultIsReplacedAndOnlyWhenAsked() throws Exception {
        TrialStore s = store();
        s.commit(outcome(RunStatus.FAILED, Double.NaN), false);
        assertEquals("failed", s.status(TRIAL.trialId()));
        assertTrue(s.isSettled(TRIAL.trialId(), false));
        assertFalse(s.isSettled(TRIAL.trialId(), true));
        assertEquals(TrialStore.Commit.KEPT_EXISTING, s.commit(outcome(RunStatus.OK, 0.25), false));
        assertEquals("failed", s.status(TRIAL.trialId()));
        assertEquals(TrialStore.Commit.REPLACED, s.commit(outcome(RunStatus.OK, 0.25), true));
        assertEquals("ok", s.status(TRIAL.trialId()));
        String replaced = committed();
        // A second attempt of the retry finds the new result and keeps it.
        assertEquals(TrialStore.Commit.KEPT_EXISTING, s.commit(outcome(RunStatus.OK, 0.5), true));
        assertEquals(replaced, committed());
        assertTrue(files().stream().noneMatch(n -> n.endsWith(".tmp")), files().toString());
    }

    @Test
    void anUnreadableFileIsReplaced() throws Exception {
        TrialStore s = store();
        Files.createDirectories(tmp.resolve("trials"));
        Files.writeString(tmp.resolve("trials").resolve(TRIAL.trialId() + ".json"), "{\"trial_id\": tru");
        assertEquals(TrialStore.UNREADABLE, s.status(TRIAL.trialId()));
        assertFalse(s.isSettled(TRIAL.trialId(), false));
        assertEquals(TrialStore.Commit.REPLACED, s.commit(outcome(RunStatus.OK, 0.25), false));
        assertEquals("ok", s.status(TRIAL.trialId()));
    }

    @Test
    void temporaryAndForeignFilesAreNotCommittedTrials() throws Exception {
        TrialStore s = store();
        assertEquals(Set.of(), s.committedIds(), "no folder yet");
        s.commit(outcome(RunStatus.OK, 0.25), false);
        Path dir = tmp.resolve("trials");
        Files.writeString(dir.resolve(".abc.s1.0-p0.0-t3-x.tmp"), "partial");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.writeString(dir.resolve("_SUCCESS.json"), "");
        assertEquals(Set.of(TRIAL.trialId()), s.committedIds());
        assertEquals(1, s.removeTemporaryFiles());
        assertFalse(Files.exists(dir.resolve(".abc.s1.0-p0.0-t3-x.tmp")));
        assertTrue(Files.exists(dir.resolve("notes.txt")));
    }

    @Test
    void theStoreTravelsToExecutorsWithItsConfiguration() throws Exception {
        Configuration conf = new Configuration();
        conf.set("tp.test.marker", "42");
        TrialStore s = new TrialStore(new org.apache.hadoop.fs.Path(tmp.resolve("trials").toUri()), conf);
        s.commit(outcome(RunStatus.OK, 0.25), false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        TrialStore copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (TrialStore) in.readObject();
        }
        assertEquals(Set.of(TRIAL.trialId()), copy.committedIds());
        assertEquals("ok", copy.status(TRIAL.trialId()));
    }

    @Test
    void documentsHoldTheTrialRowEpochsAndAngles() {
        TrainResult r = new TrainResult(RunStatus.DIVERGED, "NaN loss", List.of(
                new org.tpsweep.train.EpochMetrics(1, Double.NaN, 0.5, 1.1, 0.4, 1.2, 0.45, 2.0, 0.0, 0.41, 0.46)), 0, Double.NaN,
                Double.NaN, Double.NaN, 2.0, Instant.parse("2024-05-06T07:08:09.123456Z"), Instant.EPOCH,
                List.of(new org.tpsweep.metrics.AngleStats(1, 2, "bp", 12.5, 1.5, 4)), "");
        String doc = TrialDocument.encode(new TrialOutcome(TRIAL, r));
        assertEquals(1, doc.lines().count());
        assertTrue(doc.contains("\"status\":\"diverged\""), doc);
        assertTrue(doc.contains("\"started_at\":\"2024-05-06T07:08:09.123456Z\""), doc);
        assertTrue(doc.contains("\"epoch_metrics\":[{\"epoch\":1,\"train_loss\":\"NaN\""), doc);
        assertTrue(doc.contains("\"angle_stats\":[{\"epoch\":1,\"layer\":2,\"reference\":\"bp\",\"mean_deg\":12.5"), doc);
        assertTrue(doc.contains("\"test_error\":null"), doc);
        assertFalse(doc.contains("\"sigma\""), "only the method's own hyperparameters: " + doc);
    }
}
