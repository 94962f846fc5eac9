package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.IterativeKeys;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.Split;
import org.tpsweep.rules.LearningRule;

/**
 * Per-epoch checkpoints, for every method: a run interrupted after an epoch (or after its pre-training) and
 * resumed from its checkpoint by a new trainer gives the uninterrupted run's whole result — every per-epoch
 * metric but the seconds, the angles, Jacobian conditions and rule diagnostics, the best epoch — and its final
 * weights, feedback weights, the rule's own trained arrays and step counts, bit for bit. The noise, the sample
 * order, the optimisers' moments and dtp-iterative's decoders all have to come back for that. Also: the file
 * format's round trip and damaged files, and checkpoints of another trial being ignored.
 */
class CheckpointResumeTest {
    private static final int DIM = 6;
    private static final int CLASSES = 3;
    private static final int EPOCHS = 3;

    static Stream<String> methods() {
        return Methods.all().stream().map(MethodDescriptor::name);
    }

    /**
     * The methods that can run either paper's conventions (l-drl-e's defaults need [F]'s schedule and refuse
     * [M]'s), to be run with the one they do not run by default.
     */
    static Stream<String> otherConventions() {
        return Methods.all().stream().filter(m -> m.byKey().containsKey(Conventions.KEY)).map(MethodDescriptor::name)
                .filter(m -> {
                    try {
                        otherConfig(m);
                        return true;
                    } catch (org.tpsweep.config.ConfigException e) {
                        return false;
                    }
                });
    }

    private static RunConfig otherConfig(String method) {
        String usual = RunConfig.of(method, "mnist", 1, Map.of()).getString(Conventions.KEY);
        return config(method, 7, Map.of(Conventions.KEY, Conventions.F.equals(usual) ? Conventions.M : Conventions.F));
    }

    private static RunConfig config(String method, long seed) {
        return config(method, seed, Map.of());
    }

    private static RunConfig config(String method, long seed, Map<String, Object> extra) {
        MethodDescriptor m = Methods.get(method);
        Map<String, Object> p = new HashMap<>(Map.of(Methods.EPOCHS, EPOCHS, Methods.NUM_HIDDEN, 2,
                Methods.SIZE_HIDDEN, 5, Methods.BATCH_SIZE, 4, Methods.ANGLE_INTERVAL, 1, Methods.GNT_DAMPING,
                List.of(0.1, 0.1)));
        for (Map.Entry<String, Object> e : Map.<String, Object>of(Methods.EPOCHS_FB, 1, Methods.EXTRA_FB_EPOCHS, 1,
                Methods.SIZE_HIDDEN_FB, 7, Conventions.EPOCHS_BACKWARD, 2, Methods.JACOBIANS, true,
                IterativeKeys.ACTIVATION, IterativeKeys.TANH, IterativeKeys.INPUT_PHI, false,
                IterativeKeys.DEC_NOISE, 0.1, IterativeKeys.CONTRACTION, true).entrySet()) {
            if (m.byKey().containsKey(e.getKey())) {
                p.put(e.getKey(), e.getValue());
            }
        }
        p.putAll(extra);
        return RunConfig.of(method, "mnist", seed, p);
    }

    private record Run(TrainResult result, Map<String, double[]> weights, long forwardSteps, long feedbackSteps) {
    }

    /** Thrown by the listener to cut a run off after an epoch, as a killed task would be. */
    private static final class Interrupted extends RuntimeException {
    }

    private static Trainer trainer(RunConfig c) {
        LabeledData train = ToyData.random(14, DIM, CLASSES, 3);
        LabeledData val = ToyData.random(6, DIM, CLASSES, 4);
        LabeledData test = ToyData.random(6, DIM, CLASSES, 5);
        return new Trainer(c, new Split(train, val), test, TrainerHooks.none());
    }

    private static Run run(RunConfig c, Checkpointing cp) {
        Trainer t = trainer(c);
        TrainResult r = t.train(EpochListener.NONE, cp);
        return new Run(r, weights(t.rule()), t.forwardSteps(), t.feedbackSteps());
    }

    /** Trains until the listener cuts the run off after {@code epoch}. */
    private static void runUntil(RunConfig c, Checkpointing cp, int epoch) {
        Trainer t = trainer(c);
        assertThrows(Interrupted.class, () -> t.train(m -> {
            if (m.epoch() == epoch) {
                throw new Interrupted();
            }
        }, cp));
    }

    private static Map<String, double[]> weights(LearningRule rule) {
        Map<String, double[]> w = new LinkedHashMap<>();
        rule.forwardParameters().forEach(p -> w.put(p.name(), values(p.value())));
        rule.feedbackParameters().forEach(p -> w.put("fb " + p.name(), values(p.value())));
        rule.fixedFeedback().forEach((k, v) -> w.put("fixed " + k, values(v)));
        rule.trainedState().forEach((k, v) -> w.put("rule " + k, values(v)));
        return w;
    }

    private static double[] values(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    private static EpochMetrics timeless(EpochMetrics m) {
        return new EpochMetrics(m.epoch(), m.trainLoss(), m.trainError(), m.valLoss(), m.valError(), m.testLoss(),
                m.testError(), 0, 0, m.valErrorBatchAveraged(), m.testErrorBatchAveraged());
    }

    private static void assertSameRun(String what, Run expected, Run actual) {
        assertEquals(expected.result().status(), actual.result().status(), what + ": " + actual.result().message());
        assertEquals(expected.result().epochs().stream().map(CheckpointResumeTest::timeless).toList(),
                actual.result().epochs().stream().map(CheckpointResumeTest::timeless).toList(), what + ": epochs");
        assertEquals(expected.result().angles(), actual.result().angles(), what + ": angles");
        assertEquals(expected.result().jacobians(), actual.result().jacobians(), what + ": Jacobian conditions");
        assertEquals(expected.result().diagnostics(), actual.result().diagnostics(), what + ": diagnostics");
        assertEquals(expected.result().bestEpoch(), actual.result().bestEpoch(), what + ": best epoch");
        assertEquals(expected.result().startedAt(), actual.result().startedAt(), what + ": start");
        assertEquals(expected.weights().keySet(), actual.weights().keySet());
        expected.weights().forEach((k, v) -> assertArrayEquals(v, actual.weights().get(k), what + ": final " + k));
        assertEquals(expected.forwardSteps(), actual.forwardSteps(), what + ": forward steps");
        assertEquals(expected.feedbackSteps(), actual.feedbackSteps(), what + ": feedback steps");
    }

    private static Checkpointing every(CheckpointStore store) {
        return new Checkpointing(store, Duration.ZERO, "test");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void interruptedAndResumedEqualsUninterrupted(String method) {
        interruptedAndResumedEqualsUninterrupted(method, config(method, 7));
    }

    /** [F]'s schedule (per-layer SGD, l-drl-e's momentum) for [M]'s methods and [M]'s (Adam) for [F]'s. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("otherConventions")
    void interruptedAndResumedEqualsUninterruptedUnderTheOtherConventions(String method) {
        RunConfig c = otherConfig(method);
        interruptedAndResumedEqualsUninterrupted(method + " conventions " + c.getString(Conventions.KEY), c);
    }

    private static void interruptedAndResumedEqualsUninterrupted(String method, RunConfig c) {
        Run whole = run(c, Checkpointing.NONE);
        assertEquals(RunStatus.OK, whole.result().status(), whole.result().message());
        String warnings = whole.result().message();
        assertEquals(c.method().equals(Methods.DTP_ITERATIVE_LITERAL), !warnings.isEmpty(),
                "only the literal start on this widening net warns: " + warnings);
        String suffix = warnings.isEmpty() ? "" : "; " + warnings;
        assertEquals(EPOCHS, whole.result().epochs().size());

        for (int cut = 1; cut < EPOCHS; cut++) {
            MemoryCheckpointStore store = new MemoryCheckpointStore();
            runUntil(c, every(store), cut);
            TrainerCheckpoint saved = read(store.bytes());
            assertEquals(cut, saved.epochsDone(), method + ": the last checkpoint is after the cut epoch");
            Run resumed = run(c, every(store));
            assertEquals("resumed after epoch " + cut + suffix, resumed.result().message());
            // the resumed run keeps the first run's epochs: same start, same rows
            assertSameRun(method + " cut after epoch " + cut, new Run(withStart(whole.result(),
                    saved.progress().started()), whole.weights(), whole.forwardSteps(), whole.feedbackSteps()),
                    resumed);
        }

        MemoryCheckpointStore first = new MemoryCheckpointStore(1);     // keeps only the save after the pre-training
        runUntil(c, every(first), 2);
        assertEquals(0, read(first.bytes()).epochsDone());
        Run fromPretraining = run(c, every(first));
        assertEquals("resumed after the pre-training" + suffix, fromPretraining.result().message());
        assertSameRun(method + " resumed after the pre-training", new Run(withStart(whole.result(),
                read(first.bytes()).progress().started()), whole.weights(), whole.forwardSteps(),
                whole.feedbackSteps()), fromPretraining);
    }

    private static TrainResult withStart(TrainResult r, java.time.Instant started) {
        return new TrainResult(r.status(), r.message(), r.epochs(), r.bestEpoch(), r.testError(), r.bestValError(),
                r.finalTrainLoss(), r.secondsPerEpoch(), started, r.finishedAt(), r.angles(), r.selectedDamping(),
                r.jacobians(), r.diagnostics());
    }

    private static TrainerCheckpoint read(byte[] bytes) {
        try {
            return TrainerCheckpoint.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theSavedArraysComeBackBitForBitWithTheirNamesAndCounters() throws IOException {
        RunConfig c = config("dtp-iterative", 3);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        runUntil(c, every(store), 1);
        TrainerCheckpoint a = read(store.bytes());
        assertEquals(c.trialId(), a.trialId());
        assertEquals(c.canonical(), a.configText());
        assertEquals("test", a.codeVersion());
        assertTrue(a.arrays().containsKey("rule/Omega2"), a.arrays().keySet().toString());
        assertTrue(a.noisePosition() > 0, "dec_noise draws noise");
        assertEquals(2, a.shufflePasses(), "a pass of the decoder pre-training (epochs_fb 1) and one of epoch 1");
        java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
        a.write(again);
        assertArrayEquals(store.bytes(), again.toByteArray(), "read then written gives the same bytes");
    }

    @Test
    void anAdamTrainedMethodSavesBothMomentsOfEveryForwardParameter() {
        RunConfig c = config("dtp", 3);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        runUntil(c, every(store), 1);
        java.util.Set<String> keys = read(store.bytes()).arrays().keySet();
        List<String> forward = keys.stream().filter(k -> k.startsWith("forward/")).toList();
        assertFalse(forward.isEmpty(), keys.toString());
        for (String f : forward) {
            String name = f.substring("forward/".length());
            for (String moment : List.of("m.", "v.")) {
                assertTrue(keys.stream().anyMatch(k -> k.startsWith("optimizer/") && k.endsWith("/" + moment + name)),
                        moment + name + " missing from " + keys);
            }
        }
    }

    @Test
    void damagedOrForeignCheckpointsAreIgnoredAndTheRunStartsOver() {
        RunConfig c = config("dtp", 5);
        Run whole = run(c, Checkpointing.NONE);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        runUntil(c, every(store), 1);
        byte[] good = store.bytes();

        IOException cut = assertThrows(IOException.class,
                () -> TrainerCheckpoint.read(new ByteArrayInputStream(Arrays.copyOf(good, good.length - 3))));
        assertTrue(cut.getMessage().contains("cut off") || cut.getMessage().contains("end mark"), cut.getMessage());
        IOException junk = assertThrows(IOException.class,
                () -> TrainerCheckpoint.read(new ByteArrayInputStream("hello".getBytes())));
        assertTrue(junk.getMessage().contains("not a tp-sweep trainer checkpoint") || junk.getMessage()
                .contains("cut off"), junk.getMessage());

        for (byte[] bad : List.of(Arrays.copyOf(good, good.length / 2), "hello".getBytes())) {
            store.setBytes(bad);
            Run again = run(c, every(store));
            assertEquals("", again.result().message(), "a damaged checkpoint is not resumed");
            assertSameRun("damaged checkpoint", new Run(withStart(whole.result(), again.result().startedAt()),
                    whole.weights(), whole.forwardSteps(), whole.feedbackSteps()), again);
        }

        MemoryCheckpointStore other = new MemoryCheckpointStore();
        runUntil(config("dtp", 6), every(other), 1);                 // another seed: another trial
        Run foreign = run(c, every(other));
        assertEquals("", foreign.result().message(), "another trial's checkpoint is not resumed");
        assertSameRun("foreign checkpoint", new Run(withStart(whole.result(), foreign.result().startedAt()),
                whole.weights(), whole.forwardSteps(), whole.feedbackSteps()), foreign);
    }

    @Test
    void theIntervalSpacesTheSavesAndAnotherCodeVersionIsNamed() {
        RunConfig c = config("bp", 2);
        MemoryCheckpointStore rare = new MemoryCheckpointStore();
        run(c, new Checkpointing(rare, Duration.ofHours(1), "v1"));
        assertEquals(0, rare.saves(), "no epoch ends an hour after the start");
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        runUntil(c, new Checkpointing(store, Duration.ZERO, "v1"), 2);
        assertEquals(3, store.saves(), "after the pre-training and epochs 1 and 2 (none after the last epoch)");
        Run resumed = run(c, new Checkpointing(store, Duration.ZERO, "v2"));
        assertEquals("resumed after epoch 2 from a checkpoint of code version v1", resumed.result().message());
    }

    @Test
    void aTrialResumedTwiceNamesBothResumesAndEndsAsTheUninterruptedOne() {
        RunConfig c = config("dtp-drl", 4);
        Run whole = run(c, Checkpointing.NONE);
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        runUntil(c, new Checkpointing(store, Duration.ZERO, "v1"), 1);
        runUntil(c, new Checkpointing(store, Duration.ZERO, "v2"), 2);
        assertEquals(List.of("after epoch 1 from a checkpoint of code version v1"), read(store.bytes()).progress()
                .resumes(), "the checkpoint after epoch 2 records the first resume");
        Run third = run(c, new Checkpointing(store, Duration.ZERO, "v2"));
        assertEquals("resumed after epoch 1 from a checkpoint of code version v1, then after epoch 2",
                third.result().message());
        assertSameRun("resumed twice", new Run(withStart(whole.result(), third.result().startedAt()),
                whole.weights(), whole.forwardSteps(), whole.feedbackSteps()), third);
        assertEquals(List.of(), new TrainingProgress(java.time.Instant.EPOCH, List.of(), List.of(), List.of(),
                List.of(), null).resumes(), "a checkpoint without recorded resumes reads as none");
    }
}
