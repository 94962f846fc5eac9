package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
 * ALGORITHMS.md §6 check 9 for every method (issue 15 item 9): the same seed and thread settings give the same
 * whole result, run twice — every per-epoch metric but the wall-clock seconds, the alignment angles (bp and GNT
 * references), Jacobian conditions and rule diagnostics where the method has them, the best epoch — and
 * bit-identical final forward and feedback weights; the noisy rules (dtp, the DRL family, …) and the float32 ones
 * (bp, ddtp-rec, the [F] methods) included. Another seed gives another run.
 */
class DeterminismTest {
    private static final int DIM = 6;
    private static final int CLASSES = 3;

    static Stream<String> methods() {
        return Methods.all().stream().map(MethodDescriptor::name);
    }

    private static RunConfig config(String method, long seed) {
        MethodDescriptor m = Methods.get(method);
        Map<String, Object> p = new HashMap<>(Map.of(Methods.EPOCHS, 2, Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 5,
                Methods.BATCH_SIZE, 4, Methods.ANGLE_INTERVAL, 1, Methods.GNT_DAMPING, List.of(0.1, 0.1)));
        for (Map.Entry<String, Object> e : Map.<String, Object>of(Methods.EPOCHS_FB, 1, Methods.EXTRA_FB_EPOCHS, 1,
                Methods.SIZE_HIDDEN_FB, 7, Conventions.EPOCHS_BACKWARD, 2, Methods.JACOBIANS, true,
                // dtp-iterative's angles need tanh and no φ on the input
                IterativeKeys.ACTIVATION, IterativeKeys.TANH, IterativeKeys.INPUT_PHI, false).entrySet()) {
            if (m.byKey().containsKey(e.getKey())) {
                p.put(e.getKey(), e.getValue());
            }
        }
        return RunConfig.of(method, "mnist", seed, p);
    }

    private record Run(TrainResult result, Map<String, double[]> weights) {
    }

    private static Run run(RunConfig c) {
        LabeledData train = ToyData.random(12, DIM, CLASSES, 3);
        LabeledData val = ToyData.random(6, DIM, CLASSES, 4);
        LabeledData test = ToyData.random(6, DIM, CLASSES, 5);
        Trainer t = new Trainer(c, new Split(train, val), test, TrainerHooks.none());
        TrainResult r = t.train(EpochListener.NONE);
        Map<String, double[]> w = new LinkedHashMap<>();
        LearningRule rule = t.rule();
        rule.forwardParameters().forEach(p -> w.put(p.name(), values(p.value())));
        rule.feedbackParameters().forEach(p -> w.put("fb " + p.name(), values(p.value())));
        rule.fixedFeedback().forEach((k, v) -> w.put("fixed " + k, values(v)));
        return new Run(r, w);
    }

    private static double[] values(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    /** An epoch's metrics without its wall-clock seconds. */
    private static EpochMetrics timeless(EpochMetrics m) {
        return new EpochMetrics(m.epoch(), m.trainLoss(), m.trainError(), m.valLoss(), m.valError(), m.testLoss(),
                m.testError(), 0, 0, m.valErrorBatchAveraged(), m.testErrorBatchAveraged());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void sameSeedGivesTheSameWholeResultAndWeights(String method) {
        RunConfig c = config(method, 7);
        Run a = run(c);
        Run b = run(c);
        assertEquals(RunStatus.OK, a.result().status(), a.result().message());
        assertEquals(2, a.result().epochs().size());
        assertEquals(a.result().epochs().stream().map(DeterminismTest::timeless).toList(),
                b.result().epochs().stream().map(DeterminismTest::timeless).toList(), method + ": epoch metrics");
        assertFalse(a.result().angles().isEmpty(), method + " logs angles");
        assertEquals(a.result().angles(), b.result().angles(), method + ": angles");
        assertEquals(a.result().jacobians(), b.result().jacobians(), method + ": Jacobian conditions");
        assertEquals(a.result().diagnostics(), b.result().diagnostics(), method + ": rule diagnostics");
        assertEquals(a.result().bestEpoch(), b.result().bestEpoch());
        assertEquals(a.result().testError(), b.result().testError(), 0.0);
        assertEquals(a.weights().keySet(), b.weights().keySet());
        a.weights().forEach((k, v) -> assertArrayEquals(v, b.weights().get(k), method + ": final " + k));

        Run other = run(config(method, 8));
        assertTrue(a.weights().entrySet().stream().anyMatch(e -> !java.util.Arrays.equals(e.getValue(),
                other.weights().get(e.getKey()))), method + ": another seed gives other weights");
        assertNotEquals(a.result().epochs().get(1).trainLoss(), other.result().epochs().get(1).trainLoss(),
                method + ": another seed gives another run");
    }
}
