package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.GaussianNoise;
import org.tpsweep.optim.Parameter;

/**
 * Every method's factory against ALGORITHMS.md §1 (issue 15 item 2), computed from the papers' formulas rather
 * than the code's helpers: each Xavier-normal W_i and Q_i ([M]) has the empirical standard deviation
 * √(2/(fan_in + fan_out)) and mean 0; ddtp-rhl's and ddtp-rec's fixed R and r are U(±1/√n_L), reaching both
 * bounds, with variance bound²/3; every method has exactly the biases §1 lists (dfa and ddtp-linear without
 * b_{L-1} and c_{L-1}, [F]'s conventions none, all others every one), all zero at initialisation.
 */
class FactoryInitializationTest {
    private static final int DIM = 400;
    private static final int HIDDEN = 256;
    private static final int CLASSES = 10;
    private static final int LAYERS = 4;           // 3 hidden layers + output: L = 4

    static Stream<String> methods() {
        return Methods.all().stream().map(MethodDescriptor::name);
    }

    private static RunConfig config(String method, Map<String, Object> extra) {
        Map<String, Object> p = new java.util.HashMap<>(Map.of(Methods.NUM_HIDDEN, LAYERS - 1,
                Methods.SIZE_HIDDEN, HIDDEN));
        if (Methods.get(method).byKey().containsKey(Methods.SIZE_HIDDEN_FB)) {
            p.put(Methods.SIZE_HIDDEN_FB, HIDDEN);
        }
        p.putAll(extra);
        return RunConfig.of(method, "mnist", 1, p);
    }

    private static LearningRule create(RunConfig c) {
        return LearningRules.create(c, DIM, CLASSES, SmallNetworks.rng(17), new GaussianNoise(3));
    }

    /** A small network of the same depth (orthogonal draws of 400 × 256 take seconds). */
    private static LearningRule small(String method) {
        RunConfig c = config(method, Map.of(Methods.SIZE_HIDDEN, 8));
        return LearningRules.create(c, 12, CLASSES, SmallNetworks.rng(17), new GaussianNoise(3));
    }

    private static boolean fConventions(RunConfig c) {
        return c.has(Conventions.BIASES) && !c.getBoolean(Conventions.BIASES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void biasesAreExactlyThoseOfAlgorithmsSectionOneAndStartAtZero(String method) {
        RunConfig c = config(method, Map.of());
        LearningRule rule = small(method);
        Set<String> forward = new TreeSet<>();
        Set<String> feedbackBiases = new TreeSet<>();
        Set<String> feedbackWeights = new TreeSet<>();
        for (Parameter p : rule.forwardParameters()) {
            if (p.name().startsWith("b")) {
                forward.add(p.name());
                assertEquals(0.0, p.value().amaxNumber().doubleValue(), 0.0, method + " " + p.name() + " = 0");
            }
        }
        for (Parameter p : rule.feedbackParameters()) {
            if (p.name().startsWith("c")) {
                feedbackBiases.add(p.name());
                assertEquals(0.0, p.value().amaxNumber().doubleValue(), 0.0, method + " " + p.name() + " = 0");
            } else if (p.name().startsWith("Q")) {
                feedbackWeights.add(p.name().substring(1));
            }
        }
        for (int i = 1; i <= LAYERS; i++) {
            assertEquals(forward.contains("b" + i), rule.network().bias(i) != null, method + ": b" + i);
        }
        Set<String> expectedForward = new TreeSet<>();
        Set<String> expectedFeedback = new TreeSet<>();
        boolean noLastHidden = method.equals(Methods.DFA) || method.equals(Methods.DDTP_LINEAR);
        if (!fConventions(c)) {
            for (int i = 1; i <= LAYERS; i++) {
                if (!(noLastHidden && i == LAYERS - 1)) {
                    expectedForward.add("b" + i);
                }
            }
            for (String i : feedbackWeights) {
                if (!(noLastHidden && i.equals(String.valueOf(LAYERS - 1)))) {
                    expectedFeedback.add("c" + i);
                }
            }
        }
        assertEquals(expectedForward, forward, method + ": forward biases");
        assertEquals(expectedFeedback, feedbackBiases, method + ": feedback biases (of Q" + feedbackWeights + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void everyXavierNormalMatrixHasThePublishedStandardDeviation(String method) {
        RunConfig c = config(method, Map.of());
        if (c.has(Conventions.INIT) && !Conventions.XAVIER_NORMAL.equals(c.getString(Conventions.INIT))
                || Methods.isIterative(method)) {
            return;                                  // orthogonal ([F], [B]): InitializersTest
        }
        LearningRule rule = create(c);
        Map<String, INDArray> xavier = new LinkedHashMap<>();
        rule.forwardParameters().stream().filter(p -> p.name().startsWith("W")).forEach(p -> xavier.put(p.name(),
                p.value()));
        rule.feedbackParameters().stream().filter(p -> p.name().startsWith("Q")).forEach(p -> xavier.put(p.name(),
                p.value()));
        rule.fixedFeedback().forEach((k, v) -> {
            if (k.startsWith("Q")) {
                xavier.put(k, v);                        // dfa's fixed Q_i are Xavier-normal too (R, r are not)
            }
        });
        assertTrue(xavier.size() >= LAYERS, method + ": " + xavier.keySet());
        for (Map.Entry<String, INDArray> e : xavier.entrySet()) {
            INDArray w = e.getValue().castTo(DataType.DOUBLE);
            long n = w.length();
            double expected = Math.sqrt(2.0 / (w.rows() + w.columns()));
            double std = Math.sqrt(w.mul(w).meanNumber().doubleValue() - Math.pow(w.meanNumber().doubleValue(), 2));
            // the sample std's relative standard error is ≈ 1/√(2n): within 3 %, or 5 standard errors when larger
            double tol = Math.max(0.03, 5 / Math.sqrt(2.0 * n));
            assertEquals(expected, std, tol * expected, method + " " + e.getKey() + " " + w.rows() + "×"
                    + w.columns() + ": std");
            assertEquals(0.0, w.meanNumber().doubleValue(), 5 * expected / Math.sqrt(n), method + " " + e.getKey()
                    + ": mean");
        }
    }

    @Test
    void theFixedRandomLayerOfRhlAndRecIsUniformWithinOneOverRootNL() {
        double bound = 1 / Math.sqrt(CLASSES);                   // 0.316 for n_L = 10
        for (String method : new String[] {Methods.DDTP_RHL, Methods.DDTP_REC}) {
            LearningRule rule = create(config(method, Map.of(Methods.SIZE_HIDDEN_FB, 4000,
                    Methods.PRECISION, "float64")));
            INDArray r = rule.fixedFeedback().get("R");
            INDArray bias = rule.fixedFeedback().get("r");
            assertEquals(CLASSES * 4000L, r.length(), method + ": R is n_L × n_fb");
            assertEquals(4000L, bias.length(), method + ": r has n_fb entries");
            for (Map.Entry<String, INDArray> e : Map.of("R", r, "r", bias).entrySet()) {
                INDArray a = e.getValue();
                double min = a.minNumber().doubleValue();
                double max = a.maxNumber().doubleValue();
                String what = method + " " + e.getKey() + " in [" + min + ", " + max + "], bound " + bound;
                assertTrue(min >= -bound && max <= bound, what);
                // n uniform draws leave a gap of about bound·2/n at each end: 4000 draws come within 1 %
                assertTrue(min < -0.99 * bound && max > 0.99 * bound, what + ": both bounds reached");
                double var = a.varNumber().doubleValue();
                double expected = bound * bound / 3;                  // variance of U(−a, a)
                assertEquals(expected, var, 0.06 * expected, method + " " + e.getKey() + ": variance");
                assertEquals(0.0, a.meanNumber().doubleValue(), 5 * bound / Math.sqrt(3 * a.length()),
                        method + " " + e.getKey() + ": mean");
            }
        }
    }
}
