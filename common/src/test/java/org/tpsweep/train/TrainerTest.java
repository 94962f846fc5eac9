package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.TrainTestData;

/**
 * The training loop on real MNIST: check 9 (same seed → identical per-epoch metrics), check 10 (bp and
 * ddtp-linear lower the training loss of a subset within two epochs with their published hyperparameters),
 * the §2 schedule's step counts, and divergence ending a run with status diverged.
 */
class TrainerTest {

    private static TrainTestData mnist() {
        return DatasetCache.get("mnist", DataDirectory.resolve());
    }

    private static RunConfig small(String method, long seed, Map<String, Object> extra) {
        Map<String, Object> p = new java.util.HashMap<>(Map.of(Methods.EPOCHS, 2, Methods.TRAIN_SUBSET, 600,
                Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 32));
        p.putAll(extra);
        return RunConfig.of(method, "mnist", seed, p);
    }

    @Test
    void sameSeedGivesIdenticalEpochMetrics() {
        for (String method : List.of(Methods.BP, Methods.DDTP_LINEAR)) {
            RunConfig c = small(method, 7, Map.of(Methods.EPOCHS, 2));
            TrainResult a = new Trainer(c, mnist()).train(EpochListener.NONE);
            TrainResult b = new Trainer(c, mnist()).train(EpochListener.NONE);
            assertEquals(RunStatus.OK, a.status());
            assertEquals(2, a.epochsCompleted());
            for (int e = 0; e < 2; e++) {
                EpochMetrics x = a.epochs().get(e);
                EpochMetrics y = b.epochs().get(e);
                assertEquals(x.trainLoss(), y.trainLoss(), 0.0, method);
                assertEquals(x.valLoss(), y.valLoss(), 0.0, method);
                assertEquals(x.testLoss(), y.testLoss(), 0.0, method);
                assertEquals(x.testError(), y.testError(), 0.0, method);
            }
            TrainResult other = new Trainer(small(method, 8, Map.of()), mnist()).train(EpochListener.NONE);
            assertTrue(other.epochs().get(0).trainLoss() != a.epochs().get(0).trainLoss(),
                    "another seed must give another run");
        }
    }

    @Test
    void publishedHyperparametersLowerTheTrainingLossWithinTwoEpochs() {
        TrainingCheck.lowersTrainingLoss(Methods.BP, Map.of(), 0.40);              // measured 82.2 %
        TrainingCheck.lowersTrainingLoss(Methods.DDTP_LINEAR, Map.of(), 0.11);     // measured 23.2 %
    }

    /**
     * Check 10 on Frozen-MNIST (issue 15 item 3): only W_1 and b_1 train, so the loss falls only when the first
     * hidden layer's target points downhill; the output layer's exact update cannot carry the check. Floors at
     * about half the drop measured on this set-up (2000 samples, two epochs, the MNIST defaults).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({"dtp, 0.04", "ddtp-linear, 0.034", "ddtp-rhl, 0.27", "dfa, 0.008"})
    void onFrozenMnistTheFirstLayersTargetAloneLowersTheTrainingLoss(String method, double floor) {
        // measured drops: dtp 7.92 %, ddtp-linear 6.84 %, ddtp-rhl 55.34 %, dfa 1.64 %
        TrainingCheck.lowersTrainingLoss(method, "frozen-mnist", Map.of(), floor);
    }

    @Test
    void scheduleTakesOneFeedbackStepPerForwardStepPlusPretrainingAndExtraEpochs() {
        // 600 samples in batches of 128: 5 minibatches per epoch (the last one partial, 88).
        RunConfig c = small(Methods.DDTP_LINEAR, 1, Map.of(Methods.EPOCHS_FB, 2, Methods.EXTRA_FB_EPOCHS, 1));
        Trainer t = new Trainer(c, mnist());
        t.train(EpochListener.NONE);
        assertEquals(2 * 5, t.forwardSteps());
        assertEquals(2 * 5 + 2 * 5 + 2 * 5, t.feedbackSteps(), "pre-training + one per forward step + extra");

        Trainer bp = new Trainer(small(Methods.BP, 1, Map.of()), mnist());
        bp.train(EpochListener.NONE);
        assertEquals(10, bp.forwardSteps());
        assertEquals(0, bp.feedbackSteps());
    }

    @Test
    void bestEpochIsTheFirstArgminOfValidationError() {
        RunConfig c = small(Methods.BP, 4, Map.of(Methods.EPOCHS, 3));
        TrainResult r = new Trainer(c, mnist()).train(EpochListener.NONE);
        double min = r.epochs().stream().mapToDouble(EpochMetrics::valError).min().orElseThrow();
        EpochMetrics first = r.epochs().stream().filter(m -> m.valError() == min).findFirst().orElseThrow();
        assertEquals(first.epoch(), r.bestEpoch());
        assertEquals(first.testError(), r.testError(), 0.0);
        assertEquals(r.epochs().get(2).trainLoss(), r.finalTrainLoss(), 0.0);
    }

    @Test
    void nonFiniteLossEndsTheRunAsDivergedWithoutThrowing() {
        LabeledData train = mnist().train();
        float[] x = Arrays.copyOf(train.x(), train.x().length);
        Arrays.fill(x, 0, x.length, Float.NaN);
        TrainTestData poisoned = new TrainTestData(
                new LabeledData(x, train.y(), train.n(), train.dim(), train.numClasses()), mnist().test());
        TrainResult r = new Trainer(small(Methods.BP, 1, Map.of()), poisoned).train(EpochListener.NONE);
        assertEquals(RunStatus.DIVERGED, r.status());
        assertTrue(r.message().contains("epoch 1"), r.message());
        assertEquals(0, r.epochsCompleted());
    }

    @Test
    void frozenMnistTrainsOnlyTheFirstLayerButStillTrainsFeedback() {
        RunConfig c = RunConfig.of(Methods.DDTP_LINEAR, "frozen-mnist", 2, Map.of(Methods.EPOCHS, 1,
                Methods.TRAIN_SUBSET, 300, Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 16));
        Trainer t = new Trainer(c, mnist());
        var before = t.rule().forwardParameters().stream().map(p -> p.value().dup()).toList();
        var fbBefore = t.rule().feedbackParameters().get(0).value().dup();
        TrainResult r = t.train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r.status());
        var params = t.rule().forwardParameters();
        for (int k = 0; k < params.size(); k++) {
            String name = params.get(k).name();
            boolean changed = !params.get(k).value().equals(before.get(k));
            assertEquals(name.equals("W1") || name.equals("b1"), changed, name + " changed=" + changed);
        }
        assertTrue(!t.rule().feedbackParameters().get(0).value().equals(fbBefore), "feedback weights still train");
    }

    @Test
    void withoutValidationSetTheLastEpochIsReported() {
        RunConfig c = small(Methods.BP, 5, Map.of(Methods.EPOCHS, 2, Methods.NO_VAL_SET, true));
        TrainResult r = new Trainer(c, mnist()).train(EpochListener.NONE);
        assertEquals(2, r.bestEpoch());
        assertTrue(Double.isNaN(r.epochs().get(0).valError()));
        assertEquals(r.epochs().get(1).testError(), r.testError(), 0.0);
    }

    @Test
    void alignmentAnglesAreLoggedPerEpochAndTheOutputLayerOfATpRuleIsAlignedWithBp() {
        // 600 samples, batches of 128: minibatches j = 0..4, logged at j = 0, 2, 4.
        // Feedback pre-trained hard enough (lr_fb 0.01, 10 epochs) for the DRL to shape Q_2.
        RunConfig c = small(Methods.DDTP_LINEAR, 3, Map.of(Methods.ANGLE_INTERVAL, 2, Methods.LR_FB, 0.01,
                Methods.BETA1_FB, 0.9, Methods.EPOCHS_FB, 10));
        TrainResult r = new Trainer(c, mnist()).train(EpochListener.NONE);
        assertEquals(2 * 3, r.angles().size(), "2 epochs × 3 layers × bp");
        for (var a : r.angles()) {
            assertEquals("bp", a.reference());
            assertEquals(3, a.n());
            if (a.layer() == 3) {
                assertTrue(a.meanDeg() < 1e-4, "output layer update = (2β/B)·BP gradient: " + a);
            } else {
                assertTrue(a.meanDeg() > 1 && a.meanDeg() < 180, "hidden layers are not BP: " + a);
            }
            if (a.layer() == 2) {
                assertTrue(a.meanDeg() < 90, "the last hidden layer's DRL-trained feedback aligns: " + a);
            }
        }
        assertEquals(0, new Trainer(small(Methods.BP, 3, Map.of()), mnist()).train(EpochListener.NONE).angles().size());
    }

    @Test
    void anglesAskedForWithoutAnIntervalAreLoggedAtTheDefaultInterval() {
        // gnt_damping asks for GNT angles; no angle_interval: every max(1, ⌊300/100⌋) = 3rd of the 300 minibatches
        // of 6000 samples in batches of 20 (j = 0, 3, …, 297: 100 a layer and reference), ALGORITHMS.md §4.
        RunConfig c = small(Methods.DDTP_LINEAR, 3, Map.of(Methods.EPOCHS, 1, Methods.TRAIN_SUBSET, 6000,
                Methods.BATCH_SIZE, 20, Methods.GNT_DAMPING, List.of(1.0, 1.0)));
        TrainResult r = new Trainer(c, mnist()).train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r.status(), r.message());
        assertEquals(3 + 2, r.angles().size(), "1 epoch × (3 layers × bp + 2 hidden layers × gnt)");
        for (var a : r.angles()) {
            assertEquals(100, a.n(), a.toString());
        }
        // nullspace_ratio asks for angles too (it was refused without angle_interval): 500 samples in batches of
        // 32 are 16 minibatches, every one logged.
        RunConfig ratios = RunConfig.of(Methods.DDTP_LINEAR, "student-teacher", 3, Map.of(Methods.EPOCHS, 1,
                Methods.TRAIN_SUBSET, 500, Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 6, Methods.BATCH_SIZE, 32,
                Methods.NULLSPACE_RATIO, true));
        TrainResult q = new Trainer(ratios, DatasetCache.get("student-teacher", DataDirectory.resolve()))
                .train(EpochListener.NONE);
        assertEquals(3 + 3, q.angles().size(), "3 layers × (bp + nullspace)");
        q.angles().forEach(a -> assertEquals(16, a.n(), a.toString()));
    }

    @Test
    void gntRuleHasZeroGntAngleWithItsOwnDampingAndPositiveOtherwise() {
        Map<String, Object> p = Map.of(Methods.ANGLE_INTERVAL, 2, Methods.GN_DAMPING_TRAINING, 0.5,
                Methods.GNT_DAMPING, java.util.List.of(0.5, 0.5));
        TrainResult same = new Trainer(small(Methods.GNT, 3, p), mnist()).train(EpochListener.NONE);
        var gnt = same.angles().stream().filter(a -> a.reference().equals("gnt")).toList();
        assertEquals(2 * 2, gnt.size(), "2 epochs × 2 hidden layers");
        gnt.forEach(a -> assertTrue(a.meanDeg() < 1e-3, "gnt against its own reference: " + a));

        Map<String, Object> q = Map.of(Methods.ANGLE_INTERVAL, 2, Methods.GN_DAMPING_TRAINING, 0.5,
                Methods.GNT_DAMPING, java.util.List.of(1e-4, 1e-4));
        TrainResult other = new Trainer(small(Methods.GNT, 3, q), mnist()).train(EpochListener.NONE);
        assertTrue(other.angles().stream().filter(a -> a.reference().equals("gnt")).allMatch(a -> a.meanDeg() > 0.1),
                "another damping gives another direction");
    }

    @Test
    void studentTeacherRegressionTrainsWithMseAndFrozenForwardWeightsStayPut() {
        Map<String, Object> p = Map.of(Methods.EPOCHS, 3, Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 6,
                Methods.BATCH_SIZE, 32, Methods.LR, 0.01);
        TrainTestData st = DatasetCache.get("student-teacher", DataDirectory.resolve());
        TrainResult r = new Trainer(RunConfig.of(Methods.BP, "student-teacher", 1, p), st).train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r.status(), r.message());
        EpochMetrics first = r.epochs().get(0);
        EpochMetrics last = r.epochs().get(2);
        assertTrue(last.valLoss() < 0.9 * first.valLoss(), first + " → " + last);
        assertEquals(last.valLoss(), last.valError(), 0.0, "regression: the error is the MSE");

        Map<String, Object> q = new java.util.HashMap<>(p);
        q.put(Methods.FREEZE_FORWARD, true);
        q.put(Methods.EPOCHS_FB, 1);
        Trainer frozen = new Trainer(RunConfig.of(Methods.DDTP_LINEAR, "student-teacher", 1, q), st);
        var w = frozen.rule().forwardParameters().stream().map(x -> x.value().dup()).toList();
        var fb = frozen.rule().feedbackParameters().get(0).value().dup();
        frozen.train(EpochListener.NONE);
        for (int k = 0; k < w.size(); k++) {
            assertEquals(w.get(k), frozen.rule().forwardParameters().get(k).value());
        }
        assertTrue(!fb.equals(frozen.rule().feedbackParameters().get(0).value()), "feedback still trains");
    }

    @Test
    void dampingSearchEndsAfterEpochThreeWithOneLambdaPerHiddenLayer() {
        RunConfig c = small(Methods.DDTP_LINEAR, 2, Map.of(Methods.EPOCHS, 5, Methods.GN_DAMPING_SEARCH, true,
                Methods.EPOCHS_FB, 1));
        TrainResult r = new Trainer(c, mnist()).train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r.status());
        assertEquals(3, r.epochsCompleted(), "the run ends after the search");
        double[] chosen = org.tpsweep.config.ParamDef.parseList(r.selectedDamping());
        assertEquals(2, chosen.length);
        for (int layer = 1; layer <= 2; layer++) {
            final int l = layer;
            var rows = r.angles().stream().filter(a -> a.layer() == l && a.reference().startsWith("gnt@")).toList();
            assertEquals(8, rows.size(), "one row per candidate λ");
            var best = rows.stream().min(java.util.Comparator.comparingDouble(a -> a.meanDeg())).orElseThrow();
            assertEquals("gnt@" + chosen[l - 1], best.reference(), "λ_" + l + " = argmin of the mean angle");
        }
        assertThrows(org.tpsweep.config.ConfigException.class, () -> small(Methods.BP, 1,
                Map.of(Methods.EPOCHS, 2, Methods.GN_DAMPING_SEARCH, true)));
    }

    @Test
    void earlyStopEndsAHopelessRunAsStoppedAfterEpochSix() {
        // A learning rate of 1e-12 leaves the network at chance level (accuracy ≈ 0.1 < 0.4).
        RunConfig c = small(Methods.BP, 1, Map.of(Methods.EPOCHS, 8, Methods.LR, 1e-12, Methods.EARLY_STOP, true,
                Methods.TRAIN_SUBSET, 300));
        TrainResult r = new Trainer(c, mnist()).train(EpochListener.NONE);
        assertEquals(RunStatus.STOPPED, r.status());
        assertEquals(6, r.epochsCompleted());
        assertTrue(r.message().contains("early stop after epoch 6"), r.message());
        RunConfig off = small(Methods.BP, 1, Map.of(Methods.EPOCHS, 7, Methods.LR, 1e-12, Methods.TRAIN_SUBSET, 300));
        assertEquals(RunStatus.OK, new Trainer(off, mnist()).train(EpochListener.NONE).status());
    }
}
