package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.IterativeKeys;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.TrainTestData;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.metrics.RuleDiagnostic;
import org.tpsweep.rules.DtpIterativeRule;

/**
 * dtp-iterative in the training loop on real MNIST: check 9 (same seed → identical per-epoch metrics and
 * diagnostics), check 10 (both presets lower the training loss of a subset within two epochs), the options
 * running end to end, and the per-epoch diagnostics.
 */
class DtpIterativeTrainingTest {

    private static TrainTestData mnist() {
        return DatasetCache.get("mnist", DataDirectory.resolve());
    }

    private static RunConfig small(String method, long seed, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(Map.of(Methods.EPOCHS, 2, Methods.TRAIN_SUBSET, 320,
                Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 32, IterativeKeys.T_MAX, 30));
        p.putAll(extra);
        return RunConfig.of(method, "mnist", seed, p);
    }

    @Test
    void sameSeedGivesIdenticalEpochMetricsAndDiagnostics() {
        RunConfig c = small(Methods.DTP_ITERATIVE, 7, Map.of());
        TrainResult a = new Trainer(c, mnist()).train(EpochListener.NONE);
        TrainResult b = new Trainer(c, mnist()).train(EpochListener.NONE);
        assertEquals(RunStatus.OK, a.status(), a.message());
        assertEquals("", a.message(), "the defaults warn of nothing");
        assertEquals(a.epochs(), b.epochs().stream().map(m -> new EpochMetrics(m.epoch(), m.trainLoss(),
                m.trainError(), m.valLoss(), m.valError(), m.testLoss(), m.testError(), a.epochs().get(m.epoch() - 1)
                .seconds(), a.epochs().get(m.epoch() - 1).feedbackSeconds(), m.valErrorBatchAveraged(),
                m.testErrorBatchAveraged())).toList(), "identical metrics apart from wall time");
        assertEquals(a.diagnostics(), b.diagnostics());
        TrainResult other = new Trainer(small(Methods.DTP_ITERATIVE, 8, Map.of()), mnist()).train(EpochListener.NONE);
        assertTrue(other.epochs().get(0).trainLoss() != a.epochs().get(0).trainLoss(), "another seed, another run");
    }

    @Test
    void diagnosticsArePerEpochAndInRange() {
        TrainResult r = new Trainer(small(Methods.DTP_ITERATIVE, 3, Map.of()), mnist()).train(EpochListener.NONE);
        List<RuleDiagnostic> d = r.diagnostics();
        int layers = 3;
        // per epoch: 5 network-wide values, L − 1 residuals, L κ means; the contraction record at epochs 0, 1, 2
        assertEquals(2 * (5 + (layers - 1) + layers) + 3 * 3 * (layers - 1), d.size(), d.toString());
        Map<String, Double> radius = new HashMap<>();
        for (RuleDiagnostic x : d) {
            String key = x.epoch() + "/" + x.layer();
            switch (x.name()) {
                case ContractionMonitor.RADIUS -> {
                    assertTrue(x.epoch() >= 0 && x.epoch() <= 2 && x.layer() >= 2, x.toString());
                    radius.put(key, x.value());
                    // 32 > 10: I − J_g J_f of the top layer keeps an eigenvalue 1 (§3c "Non-square layers")
                    assertTrue(x.layer() < layers || x.value() >= 1 - 1e-9, x.toString());
                }
                case ContractionMonitor.NORM -> assertTrue(x.value() >= radius.get(key) - 1e-9, "‖·‖₂ ≥ ρ: " + x);
                case ContractionMonitor.CONTRACTING_SHARE -> assertTrue(x.value() >= 0 && x.value() <= 1
                        && (x.layer() < layers || x.value() == 0), x.toString());
                case "sweeps_mean", "sweeps_max" -> assertTrue(x.value() >= 1 && x.value() <= 30, x.toString());
                case "tmax_share", "guard_restored_share" -> assertTrue(x.value() >= 0 && x.value() <= 1, x.toString());
                case "kappa_mean" -> assertTrue(x.layer() < layers || x.value() == 1.0, x.toString());
                default -> assertTrue(Double.isFinite(x.value()) && x.value() >= 0, x.toString());
            }
        }
    }

    @Test
    void everyRefinementOptionTrainsEndToEnd() {
        for (Map<String, Object> o : List.<Map<String, Object>>of(
                Map.of(IterativeKeys.SCHEME, IterativeKeys.SEQUENTIAL),
                Map.of(IterativeKeys.REFINE, IterativeKeys.EQ27),
                Map.of(IterativeKeys.REFINE, IterativeKeys.EQ27_34),
                Map.of(IterativeKeys.REFINE, IterativeKeys.EQ27_THEN_35),
                Map.of(IterativeKeys.LAYER_WEIGHTS, IterativeKeys.CONVEX, IterativeKeys.REDUCTION, IterativeKeys.MEAN,
                        Methods.TARGET_STEPSIZE, 1.0),
                Map.of(IterativeKeys.ACTIVATION, IterativeKeys.TANH, IterativeKeys.DIVERGENCE_GUARD, false))) {
            Map<String, Object> p = new HashMap<>(o);
            p.put(Methods.EPOCHS, 1);
            TrainResult r = new Trainer(small(Methods.DTP_ITERATIVE, 5, p), mnist()).train(EpochListener.NONE);
            assertEquals(RunStatus.OK, r.status(), o + ": " + r.message());
            assertTrue(r.epochs().get(0).testError() < 0.9, o + ": " + r.epochs().get(0));
        }
    }

    @Test
    void bothPresetsLowerTheTrainingLossWithinTwoEpochs() {
        TrainingCheck.lowersTrainingLoss(Methods.DTP_ITERATIVE, Map.of(), 0.33);           // measured 66.0 %
        TrainingCheck.lowersTrainingLoss(Methods.DTP_ITERATIVE_LITERAL, Map.of(), 0.24);   // measured 48.5 %
    }

    /**
     * Decoders that hold NaN or ±Inf end the run as diverged at the minibatch that left them so, although the
     * divergence guard would keep the training loss finite (only the output layer learning): in training and in
     * the decoder-only pre-training.
     */
    @Test
    void nonFiniteDecodersEndTheRunAsDiverged() {
        Trainer t = new Trainer(small(Methods.DTP_ITERATIVE, 5, Map.of(Methods.EPOCHS_FB, 0)), mnist());
        DtpIterativeRule rule = (DtpIterativeRule) t.rule();
        TrainResult r = t.train(m -> {
            if (m.epoch() == 1) {
                rule.maps().omega(2).putScalar(0, 0, Double.POSITIVE_INFINITY);
            }
        });
        assertEquals(RunStatus.DIVERGED, r.status(), r.message());
        assertEquals("non-finite Omega2 in epoch 2, minibatch 0", r.message());
        assertEquals(1, r.epochsCompleted());

        Trainer pre = new Trainer(small(Methods.DTP_ITERATIVE, 5, Map.of(Methods.EPOCHS_FB, 1)), mnist());
        ((DtpIterativeRule) pre.rule()).maps().omegaBias(3).putScalar(0, Double.NaN);
        TrainResult p = pre.train(EpochListener.NONE);
        assertEquals(RunStatus.DIVERGED, p.status(), p.message());
        assertEquals("non-finite Omega3 in pre-training epoch 1, minibatch 0", p.message(),
                "the NaN bias reaches Ω_3 in the same step (its error term), which is checked first");
        assertEquals(0, p.epochsCompleted());
    }

    /** The configuration's warnings reach the run's message (on a cluster, stderr is an executor's log). */
    @Test
    void theRulesWarningsAreInTheRunsMessage() {
        TrainResult r = new Trainer(small(Methods.DTP_ITERATIVE, 6, Map.of(Methods.EPOCHS, 1, Methods.EPOCHS_FB, 0,
                Methods.TARGET_STEPSIZE, 0.1)), mnist()).train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r.status(), r.message());
        assertEquals(IterativeKeys.decoderStepWarning(0.1, 32, false), r.message());
        assertTrue(r.message().contains("(here 3.2)"), r.message());
        TrainResult literal = new Trainer(small(Methods.DTP_ITERATIVE_LITERAL, 6, Map.of(Methods.EPOCHS, 1)),
                mnist()).train(EpochListener.NONE);
        assertEquals(IterativeKeys.wideningWarning(IterativeKeys.DECODER, new int[] {784, 32, 32, 10}),
                literal.message());
    }

    /** [M]'s λ search is a frozen pass: with dtp-iterative it must not take the decoder step S1. */
    @Test
    void theDampingSearchPassLeavesTheDecodersAsTheyWere() {
        RunConfig c = small(Methods.DTP_ITERATIVE, 4, Map.of(Methods.EPOCHS, 4, Methods.GN_DAMPING_SEARCH, true,
                IterativeKeys.ACTIVATION, IterativeKeys.TANH));
        Trainer t = new Trainer(c, mnist());
        DtpIterativeRule rule = (DtpIterativeRule) t.rule();
        int layers = rule.network().numLayers();
        List<INDArray> beforeSearch = new ArrayList<>();
        TrainResult r = t.train(m -> {
            if (m.epoch() == 3) {
                for (int i = 2; i <= layers; i++) {
                    beforeSearch.add(rule.maps().omega(i).dup());
                    beforeSearch.add(rule.maps().omegaBias(i).dup());
                }
            }
        });
        assertEquals(RunStatus.OK, r.status(), r.message());
        assertEquals(3, r.epochsCompleted(), "the run ends after the search");
        assertEquals(layers - 1, org.tpsweep.config.ParamDef.parseList(r.selectedDamping()).length);
        for (int i = 2; i <= layers; i++) {
            assertEquals(beforeSearch.get(2 * (i - 2)), rule.maps().omega(i), "Ω_" + i);
            assertEquals(beforeSearch.get(2 * (i - 2) + 1), rule.maps().omegaBias(i), "decoder bias " + i);
        }
    }
}
