package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.GaussianNoise;
import org.tpsweep.nn.SoftmaxCrossEntropy;
import org.tpsweep.optim.Parameter;
import org.tpsweep.train.TrainingCheck;

/**
 * dtp, dtp-pretrained and dtp-drl (ALGORITHMS.md §3a) against hand computations with plain loops: the
 * layer-wise reconstruction loss with its σ floor and the difference reconstruction loss (exact 1/σ²), both
 * with their (Q_i, c_i) gradients against central finite differences; the difference-corrected targets and
 * local updates of every layer; check 2 (output update = (2β/B) × BP gradient); check 10 on MNIST. Checks 3
 * and 4 are in {@link DtpTheoryTest}.
 */
class DtpRulesTest {
    private static final int[] WIDTHS = {3, 4, 3, 2};
    private static final int L = 3;

    // ---------------------------------------------------------------- fixtures

    private static DenseNetwork net(long seed) {
        return SmallNetworks.network(WIDTHS, SmallNetworks.allBiases(L), seed);
    }

    /** Feedback maps with non-zero c_i, so that their gradients and effects are exercised. */
    private static LayerwiseFeedback feedback(long seed) {
        LayerwiseFeedback fb = new LayerwiseFeedback(WIDTHS, DataType.DOUBLE, SmallNetworks.rng(seed));
        for (int i = 2; i <= L; i++) {
            Nd4j.randn(0.0, 0.3, fb.map(i).c(), SmallNetworks.rng(seed + 10 * i));
        }
        return fb;
    }

    private static double[][][] qs(LayerwiseFeedback fb) {
        double[][][] q = new double[L + 1][][];
        for (int i = 2; i <= L; i++) {
            q[i] = fb.map(i).q().toDoubleMatrix();
        }
        return q;
    }

    private static double[][] cs(LayerwiseFeedback fb) {
        double[][] c = new double[L + 1][];
        for (int i = 2; i <= L; i++) {
            c[i] = fb.map(i).c().toDoubleVector();
        }
        return c;
    }

    private static INDArray gradient(LearningRule rule, String name) {
        for (Parameter p : rule.forwardParameters()) {
            if (p.name().equals(name)) {
                return p.gradient();
            }
        }
        for (Parameter p : rule.feedbackParameters()) {
            if (p.name().equals(name)) {
                return p.gradient();
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    // ---------------------------------------------------------------- hand computations (plain loops)


    static double[][][] forward(DenseNetwork net, double[][] x) {
        double[][][] h = new double[net.numLayers() + 1][][];
        h[0] = x;
        for (int i = 1; i <= net.numLayers(); i++) {
            h[i] = SmallNetworks.dense(net, i, h[i - 1]);
        }
        return h;
    }

    /** g(u) = tanh(u Q + c), Q stored n_i × n_{i-1}. */
    static double[][] g(double[][] q, double[] c, double[][] u) {
        double[][] out = new double[u.length][q[0].length];
        for (int s = 0; s < u.length; s++) {
            for (int o = 0; o < q[0].length; o++) {
                double a = c[o];
                for (int p = 0; p < q.length; p++) {
                    a += u[s][p] * q[p][o];
                }
                out[s][o] = Math.tanh(a);
            }
        }
        return out;
    }

    static double[][] plus(double[][] a, double[][] b, double sb) {
        double[][] out = new double[a.length][a[0].length];
        for (int s = 0; s < a.length; s++) {
            for (int u = 0; u < a[0].length; u++) {
                out[s][u] = a[s][u] + sb * b[s][u];
            }
        }
        return out;
    }

    static double meanSquare(double[][] a, double[][] b) {
        double sum = 0;
        for (int s = 0; s < a.length; s++) {
            for (int u = 0; u < a[0].length; u++) {
                double d = a[s][u] - b[s][u];
                sum += d * d;
            }
        }
        return sum / (a.length * a[0].length);
    }

    /** dtp's ℓ_i without its scale: mean((g_i(f_i(h̃)) − h̃)²), h̃ = h_{i-1} + σε. */
    static double handDtpMeanSquare(DenseNetwork net, double[][] x, int i, double[][] q, double[] c,
                                    double[][] eps, double sigma) {
        double[][] tilde = plus(forward(net, x)[i - 1], eps, sigma);
        return meanSquare(g(q, c, SmallNetworks.dense(net, i, tilde)), tilde);
    }

    /** dtp-drl's ℓ_i without its scale: mean((h̃_{i-1} − ĥ_{i-1})²), every step as ALGORITHMS.md §3a lists it. */
    static double handDrlMeanSquare(DenseNetwork net, double[][] x, int i, double[][][] q, double[][] c,
                                    double[][] eps, double sigma) {
        double[][][] h = forward(net, x);
        double[][] tilde = plus(h[i - 1], eps, sigma);                      // 1. h̃_{i-1}
        double[][] t = tilde;
        for (int k = i; k <= L; k++) {                                       // 2. ã_L
            t = SmallNetworks.dense(net, k, t);
        }
        for (int k = L; k > i; k--) {                                        // 3. t_{k-1}
            t = plus(plus(g(q[k], c[k], t), h[k - 1], 1), g(q[k], c[k], h[k]), -1);
        }
        double[][] hat = plus(plus(g(q[i], c[i], t), h[i - 1], 1), g(q[i], c[i], h[i]), -1);   // 4. ĥ_{i-1}
        return meanSquare(tilde, hat);                                       // 5. without 1/σ²
    }

    /** Central differences of {@code f} w.r.t. every entry of q[i] and c[i], against the gradient buffers. */
    private interface HandLoss {
        double at(double[][][] q, double[][] c);
    }

    private static void assertGradientsMatchFiniteDifferences(HandLoss f, double[][][] q, double[][] c, int i,
                                                              AffineFeedback map, String what) {
        double step = 1e-6;
        INDArray gq = map.parameters().get(0).gradient();
        INDArray gc = map.parameters().get(1).gradient();
        double maxAbs = 0;
        for (int p = 0; p < q[i].length; p++) {
            for (int o = 0; o < q[i][0].length; o++) {
                double orig = q[i][p][o];
                q[i][p][o] = orig + step;
                double up = f.at(q, c);
                q[i][p][o] = orig - step;
                double down = f.at(q, c);
                q[i][p][o] = orig;
                double fd = (up - down) / (2 * step);
                maxAbs = Math.max(maxAbs, Math.abs(fd));
                assertEquals(fd, gq.getDouble(p, o), 1e-7 * Math.max(1, Math.abs(fd)),
                        what + " ∂ℓ/∂Q_" + i + "[" + p + "][" + o + "]");
            }
        }
        for (int o = 0; o < c[i].length; o++) {
            double orig = c[i][o];
            c[i][o] = orig + step;
            double up = f.at(q, c);
            c[i][o] = orig - step;
            double down = f.at(q, c);
            c[i][o] = orig;
            double fd = (up - down) / (2 * step);
            assertEquals(fd, gc.getDouble(0, o), 1e-7 * Math.max(1, Math.abs(fd)),
                    what + " ∂ℓ/∂c_" + i + "[" + o + "]");
        }
        assertTrue(maxAbs > 1e-3, what + ": gradient too small to test anything (" + maxAbs + ")");
    }

    // ---------------------------------------------------------------- 1. feedback losses

    @Test
    void dtpReconstructionLossAndGradientsMatchHandComputation() {
        DenseNetwork net = net(61);
        LayerwiseFeedback fb = feedback(62);
        int b = 5;
        double sigma = 0.15;
        INDArray x = SmallNetworks.inputs(b, 3, 63);
        DtpRule rule = new DtpRule(net, fb, 0.1, sigma, new GaussianNoise(64));
        ForwardPass pass = net.forward(x);
        double[][][] q = qs(fb);
        double[][] c = cs(fb);
        for (int i = 2; i <= L; i++) {
            INDArray eps = SmallNetworks.inputs(b, WIDTHS[i - 1], 65 + i);
            double loss = rule.layerLoss(pass, i, eps.dup());
            final int layer = i;
            HandLoss hand = (qq, cc) -> handDtpMeanSquare(net, x.toDoubleMatrix(), layer, qq[layer], cc[layer],
                    eps.toDoubleMatrix(), sigma) / (sigma * sigma);
            double want = hand.at(q, c);
            assertEquals(want, loss, 1e-12 * want, "dtp ℓ_" + i);
            assertGradientsMatchFiniteDifferences(hand, q, c, i, fb.map(i), "dtp");
        }
    }

    @Test
    void drlLossAndGradientsMatchHandComputation() {
        DenseNetwork net = net(71);
        LayerwiseFeedback fb = feedback(72);
        int b = 5;
        double sigma = 0.15;
        INDArray x = SmallNetworks.inputs(b, 3, 73);
        DtpDrlRule rule = new DtpDrlRule(net, fb, 0.1, sigma, new GaussianNoise(74));
        ForwardPass pass = net.forward(x);
        double[][][] q = qs(fb);
        double[][] c = cs(fb);
        for (int i = 2; i <= L; i++) {
            INDArray eps = SmallNetworks.inputs(b, WIDTHS[i - 1], 75 + i);
            double loss = rule.layerLoss(pass, i, eps.dup(), fb.cleanOutputs(pass));
            final int layer = i;
            HandLoss hand = (qq, cc) -> handDrlMeanSquare(net, x.toDoubleMatrix(), layer, qq, cc,
                    eps.toDoubleMatrix(), sigma) / (sigma * sigma);
            double want = hand.at(q, c);
            assertEquals(want, loss, 1e-11 * want, "dtp-drl ℓ_" + i);
            // Only (Q_i, c_i) is differentiated: the finite differences perturb layer i's map alone, but the
            // hand loss reads the perturbed map in both g_i(t_i) and g_i(h_i).
            assertGradientsMatchFiniteDifferences(hand, q, c, i, fb.map(i), "dtp-drl");
        }
        // For layer 2 the upper map g_3 enters the loss; the gradient must not reach it.
        rule.layerLoss(pass, 3, SmallNetworks.inputs(b, WIDTHS[2], 79), fb.cleanOutputs(pass));
        INDArray g3 = fb.map(3).parameters().get(0).gradient().dup();
        rule.layerLoss(pass, 2, SmallNetworks.inputs(b, WIDTHS[1], 80), fb.cleanOutputs(pass));
        assertEquals(g3, fb.map(3).parameters().get(0).gradient(), "ℓ_2 must leave Q_3's gradient alone");
    }

    @Test
    void sigmaFloorOnlyInDtpAndExactOneOverSigmaSquaredInDrl() {
        DenseNetwork net = net(81);
        LayerwiseFeedback fb = feedback(82);
        int b = 4;
        INDArray x = SmallNetworks.inputs(b, 3, 83);
        ForwardPass pass = net.forward(x);
        double[][][] q = qs(fb);
        double[][] c = cs(fb);
        for (double sigma : new double[] {0.01, 0.005, 0.05}) {
            for (int i = 2; i <= L; i++) {
                INDArray eps = SmallNetworks.inputs(b, WIDTHS[i - 1], 84 + i);
                double dtp = new DtpRule(net, fb, 0.1, sigma, new GaussianNoise(1)).layerLoss(pass, i, eps.dup());
                double dtpRaw = handDtpMeanSquare(net, x.toDoubleMatrix(), i, q[i], c[i], eps.toDoubleMatrix(),
                        sigma);
                double floor = Math.max(sigma, 0.02);
                assertEquals(dtpRaw / (floor * floor), dtp, 1e-12 * dtp, "dtp σ=" + sigma + " layer " + i);
                DtpDrlRule drlRule = new DtpDrlRule(net, fb, 0.1, sigma, new GaussianNoise(1));
                double drl = drlRule.layerLoss(pass, i, eps.dup(), fb.cleanOutputs(pass));
                double drlRaw = handDrlMeanSquare(net, x.toDoubleMatrix(), i, q, c, eps.toDoubleMatrix(), sigma);
                assertEquals(drlRaw / (sigma * sigma), drl, 1e-10 * drl, "dtp-drl σ=" + sigma + " layer " + i);
            }
        }
        // σ = 0.01: dtp's scale is 1/0.02² = 2500, not 1/0.01² = 10000.
        INDArray eps = SmallNetworks.inputs(b, WIDTHS[1], 90);
        double dtp = new DtpRule(net, fb, 0.1, 0.01, new GaussianNoise(1)).layerLoss(pass, 2, eps.dup());
        double raw = handDtpMeanSquare(net, x.toDoubleMatrix(), 2, q[2], c[2], eps.toDoubleMatrix(), 0.01);
        assertEquals(2500.0, dtp / raw, 1e-9);
        assertThrows(IllegalArgumentException.class, () -> new DtpDrlRule(net, fb, 0.1, 0.0, new GaussianNoise(1)));
        assertThrows(IllegalArgumentException.class, () -> new DtpDrlRule(net, fb, 0.1, -0.1, new GaussianNoise(1)));
        assertThrows(IllegalArgumentException.class, () -> new DtpRule(net, fb, 0.1, -0.1, new GaussianNoise(1)));
    }

    @Test
    void feedbackStepDrawsFreshNoisePerLayerInLayerOrder() {
        DenseNetwork net = net(91);
        ForwardPass pass = net.forward(SmallNetworks.inputs(6, 3, 92));
        for (boolean drl : new boolean[] {false, true}) {
            LayerwiseFeedback fb = feedback(93);
            LearningRule rule = drl ? new DtpDrlRule(net, fb, 0.1, 0.1, new GaussianNoise(94))
                    : new DtpRule(net, fb, 0.1, 0.1, new GaussianNoise(94));
            // The same stream drawn by hand: ε for layer 2 (shaped like h_1), then for layer 3 (like h_2).
            GaussianNoise replay = new GaussianNoise(94);
            double want = 0;
            INDArray[] wantGrad = new INDArray[L + 1];
            for (int i = 2; i <= L; i++) {
                INDArray eps = replay.fill(pass.h(i - 1).ulike());
                want += drl ? ((DtpDrlRule) rule).layerLoss(pass, i, eps, fb.cleanOutputs(pass))
                        : ((DtpRule) rule).layerLoss(pass, i, eps);
                wantGrad[i] = fb.map(i).q().ulike().assign(fb.map(i).parameters().get(0).gradient());
            }
            // Two steps from the rule's own stream (seed 94): the first equals the replay, the second differs.
            LearningRule fresh = drl ? new DtpDrlRule(net, fb, 0.1, 0.1, new GaussianNoise(94))
                    : new DtpRule(net, fb, 0.1, 0.1, new GaussianNoise(94));
            double first = fresh.computeFeedbackGradients(pass);
            assertEquals(want, first, 1e-12 * want, drl ? "dtp-drl" : "dtp");
            for (int i = 2; i <= L; i++) {
                assertTrue(SmallNetworks.relativeError(wantGrad[i], fb.map(i).parameters().get(0).gradient())
                        < 1e-12);
            }
            double second = fresh.computeFeedbackGradients(pass);
            assertTrue(second > 0 && second != first, "fresh noise at every feedback step");
            assertEquals(2 * (L - 1), fresh.feedbackParameters().size(), "Q_i and c_i for i = 2..L");
            assertEquals("Q2", fresh.feedbackParameters().get(0).name());
            assertEquals("c2", fresh.feedbackParameters().get(1).name());
        }
    }

    // ---------------------------------------------------------------- 2. targets and forward updates

    /** h_i − τ_i for i = 1..L by hand: τ_L = a_L − β ∂ℒ/∂a_L, τ_{i-1} = g_i(τ_i) + h_{i-1} − g_i(h_i). */
    static double[][][] handDisplacements(double[][][] h, double[][] lossGrad, double beta, double[][][] q,
                                          double[][] c) {
        double[][][] tau = new double[L + 1][][];
        tau[L] = plus(h[L], lossGrad, -beta);
        for (int i = L; i >= 2; i--) {
            tau[i - 1] = plus(plus(g(q[i], c[i], tau[i]), h[i - 1], 1), g(q[i], c[i], h[i]), -1);
        }
        double[][][] d = new double[L + 1][][];
        for (int i = 1; i <= L; i++) {
            d[i] = plus(h[i], tau[i], -1);
        }
        return d;
    }

    @Test
    void everyLayerFollowsItsDifferenceCorrectedTarget() {
        DenseNetwork net = net(101);
        LayerwiseFeedback fb = feedback(102);
        int b = 5;
        double beta = 0.3;
        INDArray x = SmallNetworks.inputs(b, 3, 103);
        INDArray y = SmallNetworks.onehot(b, 2, 104);
        ForwardPass pass = net.forward(x);
        INDArray lossGrad = SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient();
        double[][][] h = forward(net, x.toDoubleMatrix());
        double[][][] d = handDisplacements(h, lossGrad.toDoubleMatrix(), beta, qs(fb), cs(fb));

        // The shared recursion with the learned maps.
        INDArray[] got = LayerwiseFeedback.displacements(pass, lossGrad.mul(beta), fb.maps(), fb.cleanOutputs(pass));
        for (int i = 1; i <= L; i++) {
            assertTrue(SmallNetworks.relativeError(Nd4j.createFromArray(d[i]), got[i]) < 1e-12, "d_" + i);
        }
        // Hidden displacements are not trivially zero or equal to a plain copy of the output's.
        assertTrue(Nd4j.createFromArray(d[1]).norm2Number().doubleValue() > 1e-4);

        for (boolean drl : new boolean[] {false, true}) {
            LearningRule rule = drl ? new DtpDrlRule(net, fb, beta, 0.1, new GaussianNoise(1))
                    : new DtpRule(net, fb, beta, 0.1, new GaussianNoise(1));
            INDArray lossGradCopy = lossGrad.dup();
            rule.computeForwardGradients(pass, lossGradCopy);
            assertEquals(lossGrad, lossGradCopy, "the loss gradient must not be modified");
            for (int i = 1; i <= L; i++) {
                // e = 2 φ'(a_i) (h_i − τ_i); ∇W_i = (1/B) h_{i-1}ᵀ e; ∇b_i = mean_b e.
                int n = WIDTHS[i];
                double[][] e = new double[b][n];
                for (int s = 0; s < b; s++) {
                    for (int u = 0; u < n; u++) {
                        double dphi = i < L ? 1 - h[i][s][u] * h[i][s][u] : 1;
                        e[s][u] = 2 * dphi * d[i][s][u];
                    }
                }
                INDArray gw = gradient(rule, "W" + i);
                INDArray gb = gradient(rule, "b" + i);
                for (int p = 0; p < WIDTHS[i - 1]; p++) {
                    for (int u = 0; u < n; u++) {
                        double want = 0;
                        for (int s = 0; s < b; s++) {
                            want += h[i - 1][s][p] * e[s][u] / b;
                        }
                        assertEquals(want, gw.getDouble(p, u), 1e-15 + 1e-11 * Math.abs(want), "∇W_" + i);
                    }
                }
                for (int u = 0; u < n; u++) {
                    double want = 0;
                    for (int s = 0; s < b; s++) {
                        want += e[s][u] / b;
                    }
                    assertEquals(want, gb.getDouble(0, u), 1e-15 + 1e-11 * Math.abs(want), "∇b_" + i);
                }
            }
        }
    }

    @Test
    void outputLayerUpdateIsTwoBetaOverBTimesBackprop() {
        int[] widths = {6, 5, 5, 4};
        DenseNetwork net = SmallNetworks.network(widths, SmallNetworks.allBiases(3), 111);
        INDArray x = SmallNetworks.inputs(9, 6, 112);
        INDArray y = SmallNetworks.onehot(9, 4, 113);
        double beta = 0.37;
        double factor = 2 * beta / 9;
        ForwardPass pass = net.forward(x);
        INDArray g = SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient();
        BackpropRule bp = new BackpropRule(net);
        bp.computeForwardGradients(pass, g);
        for (boolean drl : new boolean[] {false, true}) {
            LayerwiseFeedback fb = new LayerwiseFeedback(widths, DataType.DOUBLE, SmallNetworks.rng(114));
            LearningRule rule = drl ? new DtpDrlRule(net, fb, beta, 0.1, new GaussianNoise(1))
                    : new DtpRule(net, fb, beta, 0.1, new GaussianNoise(1));
            rule.computeForwardGradients(pass, g);
            assertTrue(SmallNetworks.relativeError(gradient(rule, "W3"), gradient(bp, "W3").mul(factor)) < 1e-13);
            assertTrue(SmallNetworks.relativeError(gradient(rule, "b3"), gradient(bp, "b3").mul(factor)) < 1e-13);
            // Hidden layers are not BP.
            assertTrue(SmallNetworks.relativeError(gradient(rule, "W1"), gradient(bp, "W1").mul(factor)) > 1e-3);
        }
    }

    @Test
    void cleanFeedbackOutputsAreReusedWithinAStepAndDroppedBeforeTheFeedbackChanges() {
        DenseNetwork net = net(121);
        LayerwiseFeedback fb = feedback(122);
        INDArray x = SmallNetworks.inputs(4, 3, 123);
        INDArray y = SmallNetworks.onehot(4, 2, 124);
        ForwardPass pass = net.forward(x);
        INDArray lossGrad = SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient();
        DtpDrlRule rule = new DtpDrlRule(net, fb, 0.3, 0.1, new GaussianNoise(125));
        rule.computeForwardGradients(pass, lossGrad.dup());
        assertSame(fb.cleanOutputs(pass), fb.cleanOutputs(pass));
        // Same stream, with and without the cached clean outputs: same loss.
        double withCache = rule.computeFeedbackGradients(pass);
        double without = new DtpDrlRule(net, fb, 0.3, 0.1, new GaussianNoise(125)).computeFeedbackGradients(pass);
        assertEquals(without, withCache, 0.0);
        // The feedback changes (as the optimiser would after computeFeedbackGradients); the same pass must now
        // give targets with the new maps.
        fb.map(2).q().muli(1.5);
        fb.map(3).c().addi(0.2);
        rule.computeForwardGradients(pass, lossGrad.dup());
        INDArray w1 = gradient(rule, "W1").dup();
        double[][][] d = handDisplacements(forward(net, x.toDoubleMatrix()), lossGrad.toDoubleMatrix(), 0.3, qs(fb),
                cs(fb));
        double[][] h1 = forward(net, x.toDoubleMatrix())[1];
        double[][] xs = x.toDoubleMatrix();
        for (int p = 0; p < 3; p++) {
            for (int u = 0; u < 4; u++) {
                double want = 0;
                for (int s = 0; s < 4; s++) {
                    want += xs[s][p] * 2 * (1 - h1[s][u] * h1[s][u]) * d[1][s][u] / 4;
                }
                assertEquals(want, w1.getDouble(p, u), 1e-15 + 1e-11 * Math.abs(want));
            }
        }
    }

    // ---------------------------------------------------------------- registry and check 10

    @Test
    void registeredWithForwardThenFeedbackInitialisation() {
        for (String method : new String[] {Methods.DTP, Methods.DTP_PRETRAINED, Methods.DTP_DRL}) {
            assertTrue(LearningRules.has(method), method);
            RunConfig c = RunConfig.of(method, "mnist", 1,
                    Map.of(Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 5));
            LearningRule rule = LearningRules.create(c, 7, 3, SmallNetworks.rng(5), new GaussianNoise(6));
            assertEquals(method.equals(Methods.DTP_DRL) ? DtpDrlRule.class : DtpRule.class, rule.getClass());
            // Forward (all biases) drawn first, then Q_2 … Q_L, from the same stream.
            int[] widths = {7, 5, 5, 3};
            org.nd4j.linalg.api.rng.Random init = SmallNetworks.rng(5);
            DenseNetwork want = DenseNetwork.xavierNormal(widths, LearningRules.allBiases(widths), DataType.DOUBLE,
                    init);
            LayerwiseFeedback fb = new LayerwiseFeedback(widths, DataType.DOUBLE, init);
            for (int i = 1; i <= 3; i++) {
                assertEquals(want.weight(i), rule.network().weight(i));
                assertTrue(rule.network().bias(i) != null, "b_" + i);
            }
            assertEquals(4, rule.feedbackParameters().size());
            assertEquals(fb.map(2).q(), rule.feedbackParameters().get(0).value());
            assertEquals(fb.map(3).q(), rule.feedbackParameters().get(2).value());
            assertEquals(fb.map(2).c(), rule.feedbackParameters().get(1).value());
            // g_3 reads the logits (n_3 = 3) and maps back to layer 2 (n_2 = 5): Q_3 is stored 3 × 5.
            assertEquals(3, rule.feedbackParameters().get(2).value().rows());
            assertEquals(5, rule.feedbackParameters().get(2).value().columns());
        }
    }

    @Test
    void dtpLowersTrainingLoss() {
        TrainingCheck.lowersTrainingLoss(Methods.DTP, Map.of(), 0.11);                 // measured 22.6 %
    }

    @Test
    void dtpPretrainedLowersTrainingLoss() {
        TrainingCheck.lowersTrainingLoss(Methods.DTP_PRETRAINED, Map.of(), 0.18);      // measured 36.9 %
    }

    @Test
    void dtpDrlLowersTrainingLoss() {
        TrainingCheck.lowersTrainingLoss(Methods.DTP_DRL, Map.of(), 0.19);             // measured 38.8 %
    }
}
