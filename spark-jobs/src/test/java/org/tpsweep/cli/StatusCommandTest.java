package org.tpsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.RunConfig;
import org.tpsweep.store.CheckpointFiles;
import org.tpsweep.store.SweepMetadata;
import org.tpsweep.store.SweepProgress;
import org.tpsweep.store.TrialOutcome;
import org.tpsweep.store.TrialStore;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.tables.TrialRowsTest;
import org.tpsweep.train.EpochMetrics;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainerCheckpoint;
import org.tpsweep.train.TrainingProgress;

/**
 * {@code tp-sweep status OUT} on a folder built file by file: one committed trial, one with a checkpoint after
 * epoch 2 of 3, a stale checkpoint of the committed trial, a damaged checkpoint, and two trials not started.
 */
class StatusCommandTest {
    static final String SPEC = """
            name: watched
            dataset: mnist
            seeds: [1, 2]
            methods:
              bp: {epochs: 3}
              dtp: {epochs: 3}
            """;

    @TempDir
    Path tmp;

    private static TrainerCheckpoint checkpoint(RunConfig c, double... testErrors) {
        List<EpochMetrics> epochs = new java.util.ArrayList<>();
        for (int e = 0; e < testErrors.length; e++) {
            epochs.add(new EpochMetrics(e + 1, 1, 0.5, 1, 0.5, 1, testErrors[e], 100 + 20 * e, 0, 0.5, testErrors[e]));
        }
        return new TrainerCheckpoint(c.trialId(), c.canonical(), "v-test", testErrors.length, 2, 0, Map.of(), Map.of(),
                new TrainingProgress(Instant.EPOCH, epochs, List.of(), List.of(), List.of(), List.of()));
    }

    @Test
    void countsCommittedCheckpointedAndNotStartedTrials() throws Exception {
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse(SPEC, "watched.yaml", "watched"));
        List<RunConfig> trials = plan.trials();
        assertEquals(4, trials.size());
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.toString());
        SweepMetadata.of(plan, "v-test", Map.of()).write(FileSystem.getLocal(conf), out);
        TrialStore store = new TrialStore(new org.apache.hadoop.fs.Path(out, TrialStore.DIR), conf);
        store.commit(new TrialOutcome(trials.get(0), TrialRowsTest.result(RunStatus.OK, 0.0123)), false);
        CheckpointFiles files = store.checkpoints();
        files.of(trials.get(1).trialId()).save(checkpoint(trials.get(1), 0.4, 0.3)::write);
        files.of(trials.get(0).trialId()).save(checkpoint(trials.get(0), 0.5)::write);
        Files.writeString(tmp.resolve(CheckpointFiles.DIR).resolve("ffffffffffffffff" + CheckpointFiles.SUFFIX),
                "not a checkpoint");

        SweepProgress p = SweepProgress.read(tmp.toString(), conf);
        assertEquals(1, p.committed().size());
        assertEquals(trials.get(0).method(), p.committed().get(0).method());
        assertEquals(0.0123, p.committed().get(0).testError());
        assertEquals(1, p.resumable().size());
        SweepProgress.Checkpointed c = p.resumable().get(0);
        assertEquals(List.of(trials.get(1).trialId(), trials.get(1).method(), "mnist", trials.get(1).seed(), 2, 3,
                0.3, 110.0, "v-test"), List.of(c.trialId(), c.method(), c.dataset(), c.seed(), c.epochsDone(),
                c.epochs(), c.lastTestError(), c.secondsPerEpoch(), c.codeVersion()));
        assertEquals(1, p.stale().size());
        assertEquals(List.of("ffffffffffffffff"), List.copyOf(p.unreadable().keySet()));
        assertEquals(2, p.notStarted());

        CliBadInputTest.Outcome o = CliBadInputTest.tpSweep("status", tmp.toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertTrue(lines.get(0).startsWith("sweep watched in " + tmp + ": 4 trials planned"), o.out());
        assertTrue(lines.contains("committed: 1 of 4 (ok 1)"), o.out());
        assertTrue(lines.contains("  " + trials.get(0).method() + ": ok 1"), o.out());
        assertTrue(lines.contains("with a checkpoint (running now, or resuming at the next run): 1"), o.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  " + c.trialId()) && l.contains(" 2 of 3 ")
                && l.contains("30.00 %") && l.contains(" 110 ") && l.endsWith("v-test")), o.out());
        assertTrue(lines.contains("not started: 2"), o.out());
        assertTrue(lines.contains("stale checkpoints of committed trials (the next run deletes them): 1"), o.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("unreadable checkpoint of trial ffffffffffffffff")),
                o.out());
    }

    @Test
    void aFolderWithoutSweepJsonIsOneErrorLine() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        CliBadInputTest.Outcome o = CliBadInputTest.tpSweep("status", tmp.resolve("empty").toString());
        CliBadInputTest.assertOneError(o, "is not a sweep's output folder: it has no sweep.json");
    }
}
