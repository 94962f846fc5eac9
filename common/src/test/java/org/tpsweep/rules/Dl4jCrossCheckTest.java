package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.LossResult;
import org.tpsweep.nn.SoftmaxCrossEntropy;
import org.tpsweep.optim.Adam;
import org.tpsweep.optim.AdamSettings;
import org.tpsweep.optim.Parameter;

/**
 * Independent cross-check of our backpropagation (and our Adam) against Deeplearning4j's
 * {@link MultiLayerNetwork}, in float64.
 *
 * <p>Both sides get the same 6-5-4-3 network (tanh hidden layers, linear output, softmax cross-entropy averaged
 * over the batch), the same initial weights and biases (ours, copied into DL4J after {@code init()}, so DL4J's
 * own Xavier init is irrelevant), the same {@value #STEPS} minibatches of {@value #BATCH} in the same order and
 * the same optimiser settings. DL4J runs with {@code miniBatch(true)} (its updater divides the summed MCXENT
 * gradient by B, which is our batch mean), no regularisation, no gradient normalisation, plain SGD
 * optimisation algorithm. After every step the mean loss of that minibatch (DL4J's {@code score()}) is compared
 * with ours, and at the end every W_i and b_i.
 *
 * <p><b>Tolerance.</b> For each parameter array θ: max|θ_ours − θ_dl4j| ≤ {@value #REL_TOL} · max|θ_ours − θ_0|,
 * i.e. relative to how far that array moved during the run (stricter than relative to its value, which is also
 * asserted with the same {@value #REL_TOL}). Losses agree to {@value #LOSS_REL_TOL} relative.
 *
 * <p><b>Adam's ε.</b> Our Adam is PyTorch's, ε added after the bias correction; ND4J's AdamUpdater adds ε to √v
 * before it, i.e. uses ε/√(1 − β2^t) (ALGORITHMS.md §1, check 11). So: (a) SGD: our gradients applied by this
 * test as θ −= lr·g against DL4J's {@link Sgd}; (b) Adam with ε = 1e-16, negligible next to √v, where the two
 * must agree; (c) with ε = 1e-3 they must differ measurably (so the comparison can fail), and one step of
 * DL4J's Adam(ε) must equal one step of ours with ε/√(1 − β2), which pins down where ND4J puts ε.
 */
class Dl4jCrossCheckTest {
    private static final int[] WIDTHS = {6, 5, 4, 3};
    private static final int BATCH = 8;
    private static final int STEPS = 5;
    /** Relative tolerance on every parameter array (see class comment). */
    private static final double REL_TOL = 1e-9;
    /** Relative tolerance on the per-step mean loss. */
    private static final double LOSS_REL_TOL = 1e-12;

    private static DataType previousDefault;
    private static DataType previousFloat;

    @BeforeAll
    static void useDoubles() {
        previousDefault = Nd4j.dataType();
        previousFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restoreDataTypes() {
        Nd4j.setDefaultDataTypes(previousDefault, previousFloat);
    }

    // ---------------------------------------------------------------------------------------------------------
    // (a) SGD: our raw BP gradients, applied here as θ −= lr·g, against DL4J's Sgd updater.

    @Test
    void sgdMatchesDl4j() {
        Problem p = Problem.random(20240611L);
        double lr = 0.1;
        Run ours = trainOursSgd(p, lr);
        Run theirs = trainDl4j(p, new Sgd(lr));
        assertLossesAgree(ours, theirs, "sgd");
        assertParamsAgree(p, ours, theirs, REL_TOL, "sgd");
    }

    /** The gradient itself at θ_0 on the first batch (DL4J's raw gradient is the batch sum; its updater divides by B). */
    @Test
    void firstBatchGradientMatchesDl4j() {
        Problem p = Problem.random(7L);
        DenseNetwork net = DenseNetwork.of(dup(p.w0), dup(p.b0));
        BackpropRule rule = new BackpropRule(net);
        ForwardPass pass = net.forward(p.xs[0]);
        LossResult r = SoftmaxCrossEntropy.evaluate(pass.logits(), p.ys[0], true);
        rule.computeForwardGradients(pass, r.gradient());
        List<Parameter> params = rule.forwardParameters();

        MultiLayerNetwork dl = buildDl4j(p, new Sgd(0.1));
        dl.setInput(p.xs[0]);
        dl.setLabels(p.ys[0]);
        dl.computeGradientAndScore();
        assertEquals(r.meanLoss(), dl.score(), LOSS_REL_TOL * Math.abs(r.meanLoss()), "loss at θ_0");
        for (int layer = 0; layer < WIDTHS.length - 1; layer++) {
            for (String kind : new String[] {"W", "b"}) {
                INDArray theirs = dl.gradient().getGradientFor(layer + "_" + kind).dup('c')
                        .reshape("W".equals(kind) ? new long[] {WIDTHS[layer], WIDTHS[layer + 1]}
                                : new long[] {1, WIDTHS[layer + 1]})
                        .divi(BATCH);
                INDArray mine = params.get(2 * layer + ("W".equals(kind) ? 0 : 1)).gradient();
                assertEquals(kind + (layer + 1), params.get(2 * layer + ("W".equals(kind) ? 0 : 1)).name());
                double err = maxAbs(mine.sub(theirs));
                double scale = maxAbs(mine);
                assertTrue(scale > 0, "nonzero gradient " + kind + (layer + 1));
                assertTrue(err <= REL_TOL * scale,
                        "∇" + kind + (layer + 1) + ": max|ours−dl4j| = " + err + ", max|ours| = " + scale);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // (b) Adam with ε negligible next to √v: the ε placement cannot show, so the two must agree.
    // Measured (max|ours−dl4j| / max|Δθ|, worst array): ε = 1e-20 → 7e-15 (roundoff); ε = 1e-16 → ~1e-12;
    // ε = 1e-14 → 1.2e-10 (W3). The residual scales with ε, i.e. it is the ε placement itself, not BP;
    // ε = 1e-16 keeps it three orders below REL_TOL.

    @Test
    void adamWithNegligibleEpsilonMatchesDl4j() {
        Problem p = Problem.random(99L);
        double lr = 1e-3;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-16;
        Run ours = trainOursAdam(p, new AdamSettings(lr, b1, b2, eps, 0.0), STEPS);
        Run theirs = trainDl4j(p, new org.nd4j.linalg.learning.config.Adam(lr, b1, b2, eps), STEPS);
        assertLossesAgree(ours, theirs, "adam ε=1e-16");
        assertParamsAgree(p, ours, theirs, REL_TOL, "adam ε=1e-16");
    }

    // ---------------------------------------------------------------------------------------------------------
    // (c) Large ε: ND4J's ε placement differs from PyTorch's, and this comparison is able to see it.

    @Test
    void adamWithLargeEpsilonDiffersFromDl4j() {
        Problem p = Problem.random(99L);
        double lr = 1e-3;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-3;
        Run ours = trainOursAdam(p, new AdamSettings(lr, b1, b2, eps, 0.0), STEPS);
        Run theirs = trainDl4j(p, new org.nd4j.linalg.learning.config.Adam(lr, b1, b2, eps), STEPS);
        double worst = 0;
        for (int k = 0; k < ours.params.size(); k++) {
            INDArray moved = ours.params.get(k).sub(p.initial(k));
            worst = Math.max(worst, maxAbs(ours.params.get(k).sub(theirs.params.get(k))) / maxAbs(moved));
        }
        System.out.printf("[Dl4jCrossCheck] adam ε=1e-3: worst max|ours−dl4j| / max|Δθ| = %.3e%n", worst);
        assertTrue(worst > 1e-6, "ε = 1e-3 should make PyTorch-Adam and ND4J-Adam differ; relative diff " + worst);
    }

    /** One step: DL4J's Adam(ε) is exactly our (PyTorch) Adam with ε/√(1 − β2) — ε sits before the bias correction. */
    @Test
    void oneNd4jAdamStepEqualsOursWithRescaledEpsilon() {
        Problem p = Problem.random(99L);
        double lr = 1e-3;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-3;
        Run theirs = trainDl4j(p, new org.nd4j.linalg.learning.config.Adam(lr, b1, b2, eps), 1);
        Run oursRescaled = trainOursAdam(p, new AdamSettings(lr, b1, b2, eps / Math.sqrt(1 - b2), 0.0), 1);
        assertParamsAgree(p, oursRescaled, theirs, REL_TOL, "adam 1 step, ours ε/√(1−β2) vs dl4j ε");
        Run oursPlain = trainOursAdam(p, new AdamSettings(lr, b1, b2, eps, 0.0), 1);
        double worst = 0;
        for (int k = 0; k < oursPlain.params.size(); k++) {
            INDArray moved = oursPlain.params.get(k).sub(p.initial(k));
            worst = Math.max(worst, maxAbs(oursPlain.params.get(k).sub(theirs.params.get(k))) / maxAbs(moved));
        }
        assertTrue(worst > 1e-6, "unrescaled ε should differ after one step; relative diff " + worst);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Our side.

    private static Run trainOursSgd(Problem p, double lr) {
        DenseNetwork net = DenseNetwork.of(dup(p.w0), dup(p.b0));
        BackpropRule rule = new BackpropRule(net);
        List<Parameter> params = rule.forwardParameters();
        double[] losses = new double[STEPS];
        for (int s = 0; s < STEPS; s++) {
            ForwardPass pass = net.forward(p.xs[s]);
            LossResult r = SoftmaxCrossEntropy.evaluate(pass.logits(), p.ys[s], true);
            losses[s] = r.meanLoss();
            rule.computeForwardGradients(pass, r.gradient());
            for (Parameter q : params) {
                q.value().subi(q.gradient().mul(lr));
            }
        }
        return new Run(snapshot(params), losses);
    }

    private static Run trainOursAdam(Problem p, AdamSettings settings, int steps) {
        DenseNetwork net = DenseNetwork.of(dup(p.w0), dup(p.b0));
        BackpropRule rule = new BackpropRule(net);
        List<Parameter> params = rule.forwardParameters();
        Adam adam = new Adam(settings, params);
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            ForwardPass pass = net.forward(p.xs[s]);
            LossResult r = SoftmaxCrossEntropy.evaluate(pass.logits(), p.ys[s], true);
            losses[s] = r.meanLoss();
            rule.computeForwardGradients(pass, r.gradient());
            adam.step();
        }
        return new Run(snapshot(params), losses);
    }

    private static List<INDArray> snapshot(List<Parameter> params) {
        List<String> expected = new ArrayList<>();
        for (int i = 1; i < WIDTHS.length; i++) {
            expected.add("W" + i);
            expected.add("b" + i);
        }
        List<INDArray> out = new ArrayList<>();
        for (Parameter q : params) {
            out.add(q.value().dup());
        }
        assertEquals(expected, params.stream().map(Parameter::name).toList(), "our parameter order");
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // DL4J's side.

    private static MultiLayerNetwork buildDl4j(Problem p, IUpdater updater) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .optimizationAlgo(OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT)
                .miniBatch(true)                                   // divide the summed gradient by B
                .gradientNormalization(GradientNormalization.None)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)                     // irrelevant: overwritten below
                .list();
        int layers = WIDTHS.length - 1;
        for (int i = 0; i < layers - 1; i++) {
            list.layer(new DenseLayer.Builder().nIn(WIDTHS[i]).nOut(WIDTHS[i + 1])
                    .activation(Activation.TANH).build());
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(WIDTHS[layers - 1]).nOut(WIDTHS[layers]).build());
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int k = 0; k < layers; k++) {
            // DL4J's DenseLayer W is nIn × nOut (a = x W + b), the same layout as ours; its b is a rank-1
            // vector of length nOut (ours is 1 × nOut), so biases go through reshape on the way in and out.
            assertArrayEquals(new long[] {WIDTHS[k], WIDTHS[k + 1]}, net.getLayer(k).getParam("W").shape(),
                    "DL4J W layout, layer " + k);
            assertArrayEquals(new long[] {WIDTHS[k + 1]}, net.getLayer(k).getParam("b").shape(),
                    "DL4J b layout, layer " + k);
            assertEquals(DataType.DOUBLE, net.getLayer(k).getParam("W").dataType());
            assertEquals(DataType.DOUBLE, net.getLayer(k).getParam("b").dataType());
            net.getLayer(k).setParam("W", p.w0[k].dup());
            net.getLayer(k).setParam("b", p.b0[k].dup().reshape(WIDTHS[k + 1]));
            assertEquals(0.0, maxAbs(net.getLayer(k).getParam("W").sub(p.w0[k])), "W copied, layer " + k);
            assertEquals(0.0, maxAbs(dl4jBias(net, k).sub(p.b0[k])), "b copied, layer " + k);
        }
        return net;
    }

    /** DL4J's bias of layer k (0-based) as a new 1 × nOut array, our layout. */
    private static INDArray dl4jBias(MultiLayerNetwork net, int k) {
        return net.getLayer(k).getParam("b").dup('c').reshape(1, WIDTHS[k + 1]);
    }

    private static Run trainDl4j(Problem p, IUpdater updater) {
        return trainDl4j(p, updater, STEPS);
    }

    private static Run trainDl4j(Problem p, IUpdater updater, int steps) {
        MultiLayerNetwork net = buildDl4j(p, updater);
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            net.fit(new DataSet(p.xs[s], p.ys[s]));
            losses[s] = net.score();                              // loss of this minibatch before its update
        }
        List<INDArray> out = new ArrayList<>();
        for (int k = 0; k < WIDTHS.length - 1; k++) {
            out.add(net.getLayer(k).getParam("W").dup('c'));
            out.add(dl4jBias(net, k));
        }
        return new Run(out, losses);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Comparisons.

    private static void assertLossesAgree(Run ours, Run theirs, String what) {
        for (int s = 0; s < ours.losses.length; s++) {
            double diff = Math.abs(ours.losses[s] - theirs.losses[s]);
            assertTrue(diff <= LOSS_REL_TOL * Math.abs(ours.losses[s]),
                    what + ": loss at step " + (s + 1) + " ours " + ours.losses[s] + " dl4j " + theirs.losses[s]);
        }
    }

    private static void assertParamsAgree(Problem p, Run ours, Run theirs, double tol, String what) {
        assertEquals(ours.params.size(), theirs.params.size());
        StringBuilder report = new StringBuilder("[Dl4jCrossCheck] " + what + ":");
        for (int k = 0; k < ours.params.size(); k++) {
            String name = (k % 2 == 0 ? "W" : "b") + (k / 2 + 1);
            INDArray mine = ours.params.get(k);
            INDArray other = theirs.params.get(k);
            assertArrayEquals(mine.shape(), other.shape(), name + " shape");
            double err = maxAbs(mine.sub(other));
            double moved = maxAbs(mine.sub(p.initial(k)));
            double size = maxAbs(mine);
            assertTrue(moved > 0, what + ": " + name + " did not move");
            report.append(String.format(" %s %.1e/%.1e", name, err / moved, err / size));
            assertTrue(err <= tol * moved, what + ": " + name + " max|ours−dl4j| = " + err
                    + " vs max|Δθ| = " + moved + " (relative " + err / moved + ")");
            assertTrue(err <= tol * size, what + ": " + name + " max|ours−dl4j| = " + err
                    + " vs max|θ| = " + size);
        }
        System.out.println(report.append("  (relative to max|Δθ| / to max|θ|)"));
    }

    private static double maxAbs(INDArray a) {
        return a.amaxNumber().doubleValue();
    }

    private static INDArray[] dup(INDArray[] a) {
        INDArray[] out = new INDArray[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].dup();
        }
        return out;
    }

    private record Run(List<INDArray> params, double[] losses) {
    }

    /** Initial weights (Xavier-normal scale), nonzero initial biases, and STEPS minibatches of Gaussian x and random labels. */
    private record Problem(INDArray[] w0, INDArray[] b0, INDArray[] xs, INDArray[] ys) {
        static Problem random(long seed) {
            Random rng = new Random(seed);
            int layers = WIDTHS.length - 1;
            INDArray[] w = new INDArray[layers];
            INDArray[] b = new INDArray[layers];
            for (int i = 0; i < layers; i++) {
                double std = Math.sqrt(2.0 / (WIDTHS[i] + WIDTHS[i + 1]));
                w[i] = gaussian(rng, WIDTHS[i], WIDTHS[i + 1], std);
                b[i] = gaussian(rng, 1, WIDTHS[i + 1], 0.1);
            }
            INDArray[] xs = new INDArray[STEPS];
            INDArray[] ys = new INDArray[STEPS];
            int classes = WIDTHS[layers];
            for (int s = 0; s < STEPS; s++) {
                xs[s] = gaussian(rng, BATCH, WIDTHS[0], 1.0);
                double[][] y = new double[BATCH][classes];
                for (int r = 0; r < BATCH; r++) {
                    y[r][rng.nextInt(classes)] = 1.0;
                }
                ys[s] = Nd4j.create(y);
            }
            return new Problem(w, b, xs, ys);
        }

        /** θ_0 of parameter k in the order W1, b1, W2, b2, …. */
        INDArray initial(int k) {
            return k % 2 == 0 ? w0[k / 2] : b0[k / 2];
        }

        private static INDArray gaussian(Random rng, int rows, int cols, double std) {
            double[][] a = new double[rows][cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    a[r][c] = std * rng.nextGaussian();
                }
            }
            INDArray out = Nd4j.create(a);
            assertEquals(DataType.DOUBLE, out.dataType());
            return out;
        }
    }
}
