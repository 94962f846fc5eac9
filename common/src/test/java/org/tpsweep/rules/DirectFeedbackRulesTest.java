package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
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
import org.tpsweep.optim.Adam;
import org.tpsweep.optim.AdamSettings;
import org.tpsweep.optim.Parameter;
import org.tpsweep.train.EpochListener;
import org.tpsweep.train.Trainer;
import org.tpsweep.train.TrainingCheck;

/**
 * ddtp-rhl, ddtp-rec and ddtp-control against hand computations written with plain loops (feedback losses
 * with fixed noise and their gradients by central differences, hidden targets, check 2 at the output),
 * ALGORITHMS.md §6 check 4 for ddtp-linear (the DRL drives Q_i to the damped pseudo-inverse of the forward
 * Jacobian, λ = n_i·wd/2) and check 10 for the three new methods on real MNIST.
 */
class DirectFeedbackRulesTest {
    /** L = 4: layers 1 and 2 read z, layer 3 = L−1 reads a_L directly. */
    private static final int[] WIDTHS = {3, 4, 5, 4, 2};
    private static final int L = WIDTHS.length - 1;
    private static final int N_FB = 5;
    private static final int B = 4;

    private enum Kind { RHL, REC, CONTROL }

    // ---------------------------------------------------------------- plain-loop reference model

    /** The forward network and feedback as plain arrays; every formula of ALGORITHMS.md §3a written out. */
    private static final class Hand {
        final Kind kind;
        final double[][][] w = new double[L + 1][][];
        final double[][] b = new double[L + 1][];
        double[][] fixedW;
        double[] fixedB;
        final double[][][] q = new double[L][][];
        final double[][] c = new double[L][];

        Hand(Kind kind, DenseNetwork net, LearningRule rule) {
            this.kind = kind;
            for (int i = 1; i <= L; i++) {
                w[i] = net.weight(i).toDoubleMatrix();
                b[i] = net.bias(i).toDoubleVector();
            }
            for (int i = 1; i < L; i++) {
                AffineFeedback m = rule instanceof DdtpRhlRule r ? r.feedback().map(i) : ((DdtpControlRule) rule).map(i);
                q[i] = m.q().toDoubleMatrix();
                c[i] = m.c().toDoubleVector();
            }
            if (rule instanceof DdtpRhlRule r) {
                fixedW = r.feedback().fixedWeight().toDoubleMatrix();
                fixedB = r.feedback().fixedBias().toDoubleVector();
            }
        }

        double[][] layer(int i, double[][] in) {
            double[][] out = new double[in.length][w[i][0].length];
            for (int s = 0; s < in.length; s++) {
                for (int u = 0; u < out[s].length; u++) {
                    double a = b[i][u];
                    for (int p = 0; p < w[i].length; p++) {
                        a += in[s][p] * w[i][p][u];
                    }
                    out[s][u] = i < L ? Math.tanh(a) : a;
                }
            }
            return out;
        }

        double[][][] forward(double[][] x) {
            double[][][] h = new double[L + 1][][];
            h[0] = x;
            for (int i = 1; i <= L; i++) {
                h[i] = layer(i, h[i - 1]);
            }
            return h;
        }

        double[][] forwardFrom(int k, double[][] hk) {
            double[][] h = hk;
            for (int i = k + 1; i <= L; i++) {
                h = layer(i, h);
            }
            return h;
        }

        /** g_i for one sample: output row a (and, for ddtp-rec, the layer's clean h_i). */
        double[] g(int i, double[][] qi, double[] ci, double[] a, double[] hClean) {
            double[] u;
            if (kind != Kind.CONTROL && i <= L - 2) {
                double[] z = new double[N_FB];
                for (int k = 0; k < N_FB; k++) {
                    double s = fixedB[k];
                    for (int o = 0; o < a.length; o++) {
                        s += a[o] * fixedW[o][k];
                    }
                    z[k] = Math.tanh(s);
                }
                if (kind == Kind.REC) {
                    u = new double[N_FB + hClean.length];
                    System.arraycopy(z, 0, u, 0, N_FB);
                    System.arraycopy(hClean, 0, u, N_FB, hClean.length);
                } else {
                    u = z;
                }
            } else {
                u = a;
            }
            double[] out = new double[ci.length];
            for (int v = 0; v < ci.length; v++) {
                double s = ci[v];
                for (int k = 0; k < u.length; k++) {
                    s += u[k] * qi[k][v];
                }
                out[v] = kind == Kind.CONTROL ? s : Math.tanh(s);
            }
            return out;
        }

        /** Feedback loss ℓ_i with noise ε for feedback parameters (qi, ci) of layer i. */
        double loss(double[][] x, int i, double[][] qi, double[] ci, double[][] eps, double sigma) {
            double[][][] h = forward(x);
            int n = h[i][0].length;
            double[][] tilde = new double[x.length][n];
            for (int s = 0; s < x.length; s++) {
                for (int v = 0; v < n; v++) {
                    tilde[s][v] = h[i][s][v] + sigma * eps[s][v];
                }
            }
            double[][] outTilde = forwardFrom(i, tilde);
            double sum = 0;
            for (int s = 0; s < x.length; s++) {
                double[] gt = g(i, qi, ci, outTilde[s], h[i][s]);
                double[] gc = g(i, qi, ci, h[L][s], h[i][s]);
                for (int v = 0; v < n; v++) {
                    // DRL: ĥ = g(ã) + h − g(a) against h̃; control: g(ã) against h̃.
                    double hat = kind == Kind.CONTROL ? gt[v] : gt[v] + h[i][s][v] - gc[v];
                    double diff = hat - tilde[s][v];
                    sum += diff * diff;
                }
            }
            double mean = sum / (x.length * n);
            return kind == Kind.CONTROL ? mean : mean / (sigma * sigma);
        }

        /** τ_i = g_i(τ_L) + h_i − g_i(a_L) for every hidden layer, τ_L = a_L − β ∂ℒ/∂a_L. */
        double[][][] targets(double[][] x, double[][] lossGrad, double beta) {
            double[][][] h = forward(x);
            double[][][] tau = new double[L + 1][][];
            tau[L] = new double[x.length][];
            for (int s = 0; s < x.length; s++) {
                tau[L][s] = new double[h[L][s].length];
                for (int o = 0; o < tau[L][s].length; o++) {
                    tau[L][s][o] = h[L][s][o] - beta * lossGrad[s][o];
                }
            }
            for (int i = 1; i < L; i++) {
                tau[i] = new double[x.length][];
                for (int s = 0; s < x.length; s++) {
                    double[] gt = g(i, q[i], c[i], tau[L][s], h[i][s]);
                    double[] gc = g(i, q[i], c[i], h[L][s], h[i][s]);
                    tau[i][s] = new double[gt.length];
                    for (int v = 0; v < gt.length; v++) {
                        tau[i][s][v] = gt[v] + h[i][s][v] - gc[v];
                    }
                }
            }
            return tau;
        }
    }

    // ---------------------------------------------------------------- set-ups

    private static LearningRule rule(Kind kind, DenseNetwork net, double beta, double sigma, long noiseSeed,
                                     Object feedback) {
        GaussianNoise noise = new GaussianNoise(noiseSeed);
        return kind == Kind.CONTROL
                ? new DdtpControlRule(net, castMaps(feedback), beta, sigma, noise)
                : new DdtpRhlRule(net, (RandomHiddenFeedback) feedback, beta, sigma, noise);
    }

    @SuppressWarnings("unchecked")
    private static List<AffineFeedback> castMaps(Object o) {
        return (List<AffineFeedback>) o;
    }

    /** The feedback of {@code kind} with non-zero biases c_i (so that their part is exercised). */
    private static Object feedback(Kind kind, long seed) {
        Object fb = kind == Kind.CONTROL
                ? DdtpControlRule.directMaps(WIDTHS, DataType.DOUBLE, SmallNetworks.rng(seed))
                : new RandomHiddenFeedback(WIDTHS, N_FB, kind == Kind.REC, DataType.DOUBLE, SmallNetworks.rng(seed));
        for (int i = 1; i < L; i++) {
            AffineFeedback m = kind == Kind.CONTROL ? castMaps(fb).get(i - 1) : ((RandomHiddenFeedback) fb).map(i);
            Nd4j.randn(0.0, 0.3, m.c(), SmallNetworks.rng(seed + 10 * i));
        }
        return fb;
    }

    private static INDArray gradientOf(LearningRule rule, String name) {
        return rule.feedbackParameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
                .gradient();
    }

    private static INDArray forwardGradientOf(LearningRule rule, String name) {
        return rule.forwardParameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
                .gradient();
    }

    // ---------------------------------------------------------------- test 1: feedback losses

    @Test
    void rhlFeedbackLossAndGradientsMatchHandComputation() {
        checkFeedbackLoss(Kind.RHL, 100);
    }

    @Test
    void recFeedbackLossAndGradientsMatchHandComputation() {
        checkFeedbackLoss(Kind.REC, 200);
    }

    @Test
    void controlFeedbackLossAndGradientsMatchHandComputation() {
        checkFeedbackLoss(Kind.CONTROL, 300);
    }

    /**
     * The σ floor 1/max(σ, 0.02)² is dtp's only (ALGORITHMS.md §1; issue 15 item 4): at σ = 0.005 a floor wrongly
     * applied to the DRL of ddtp-rhl or ddtp-rec would divide their loss by 16; the hand loss uses exactly 1/σ².
     */
    @Test
    void rhlAndRecUseExactlyOneOverSigmaSquaredBelowDtpsFloor() {
        checkFeedbackLoss(Kind.RHL, 100, 0.005);
        checkFeedbackLoss(Kind.REC, 200, 0.005);
    }

    /**
     * The rule's feedback step (noise drawn from a seeded stream, replayed here) against the plain-loop loss,
     * layer by layer; every entry of ∂ℓ_i/∂(Q_i, c_i) against central differences of the plain-loop loss.
     * The same step after the forward gradients (reusing the cached clean state) gives bit-identical results.
     */
    private static void checkFeedbackLoss(Kind kind, long seed) {
        checkFeedbackLoss(kind, seed, 0.2);
    }

    private static void checkFeedbackLoss(Kind kind, long seed, double sigma) {
        DenseNetwork net = SmallNetworks.network(WIDTHS, SmallNetworks.allBiases(L), seed);
        Object fb = feedback(kind, seed + 1);
        INDArray x = SmallNetworks.inputs(B, WIDTHS[0], seed + 2);
        LearningRule rule = rule(kind, net, 0.3, sigma, seed + 3, fb);
        ForwardPass pass = net.forward(x);
        double loss = rule.computeFeedbackGradients(pass);

        Hand hand = new Hand(kind, net, rule);
        GaussianNoise replay = new GaussianNoise(seed + 3);
        double[][] xs = x.toDoubleMatrix();
        double want = 0;
        double fdStep = 1e-6;
        for (int i = 1; i < L; i++) {
            double[][] eps = replay.fill(Nd4j.create(DataType.DOUBLE, B, WIDTHS[i])).toDoubleMatrix();
            double li = hand.loss(xs, i, hand.q[i], hand.c[i], eps, sigma);
            assertTrue(li > 1e-6, "a non-trivial loss at layer " + i);
            want += li;
            double[][] qi = hand.q[i];
            INDArray gq = gradientOf(rule, "Q" + i);
            assertEquals(qi.length, gq.rows());
            if (kind == Kind.REC && i <= L - 2) {
                assertEquals(N_FB + WIDTHS[i], qi.length, "ddtp-rec's Q_i reads [z, h_i]");
            }
            for (int k = 0; k < qi.length; k++) {
                for (int v = 0; v < qi[k].length; v++) {
                    double orig = qi[k][v];
                    qi[k][v] = orig + fdStep;
                    double up = hand.loss(xs, i, qi, hand.c[i], eps, sigma);
                    qi[k][v] = orig - fdStep;
                    double down = hand.loss(xs, i, qi, hand.c[i], eps, sigma);
                    qi[k][v] = orig;
                    double fd = (up - down) / (2 * fdStep);
                    assertEquals(fd, gq.getDouble(k, v), 1e-8 + 1e-6 * Math.abs(fd),
                            kind + " ∂ℓ/∂Q_" + i + "[" + k + "][" + v + "]");
                }
            }
            double[] ci = hand.c[i];
            INDArray gc = gradientOf(rule, "c" + i);
            for (int v = 0; v < ci.length; v++) {
                double orig = ci[v];
                ci[v] = orig + fdStep;
                double up = hand.loss(xs, i, hand.q[i], ci, eps, sigma);
                ci[v] = orig - fdStep;
                double down = hand.loss(xs, i, hand.q[i], ci, eps, sigma);
                ci[v] = orig;
                double fd = (up - down) / (2 * fdStep);
                assertEquals(fd, gc.getDouble(0, v), 1e-8 + 1e-6 * Math.abs(fd),
                        kind + " ∂ℓ/∂c_" + i + "[" + v + "]");
            }
            if (kind == Kind.CONTROL) {
                assertTrue(gc.norm2Number().doubleValue() > 1e-3, "ddtp-control trains c_" + i + " by its loss");
            }
            if (kind == Kind.REC && i <= L - 2) {
                // The h_i rows get a gradient of their own: the clean h_i is an input of g_i.
                INDArray own = gq.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(N_FB, N_FB + WIDTHS[i]),
                        org.nd4j.linalg.indexing.NDArrayIndex.all());
                assertTrue(own.norm2Number().doubleValue() > 1e-4);
            }
        }
        assertEquals(want, loss, 1e-12 * want, kind + ": summed feedback loss");

        // Same step after computeForwardGradients on the same pass (cached z(a_L), g_i(a_L)): identical.
        List<INDArray> first = rule.feedbackParameters().stream().map(p -> p.gradient().dup()).toList();
        LearningRule again = rule(kind, net, 0.3, sigma, seed + 3, fb);
        INDArray y = SmallNetworks.onehot(B, WIDTHS[L], seed + 4);
        again.computeForwardGradients(pass, SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient());
        assertEquals(loss, again.computeFeedbackGradients(pass), 0.0);
        for (int k = 0; k < first.size(); k++) {
            assertEquals(first.get(k), again.feedbackParameters().get(k).gradient());
        }
        // Fresh noise at the next step.
        assertNotEquals(loss, again.computeFeedbackGradients(pass));
    }

    @Test
    void feedbackParametersAreTheTrainedMapsOnly() {
        RandomHiddenFeedback rhl = new RandomHiddenFeedback(WIDTHS, N_FB, false, DataType.DOUBLE, SmallNetworks.rng(1));
        RandomHiddenFeedback rec = new RandomHiddenFeedback(WIDTHS, N_FB, true, DataType.DOUBLE, SmallNetworks.rng(1));
        List<String> names = List.of("Q1", "c1", "Q2", "c2", "Q3", "c3");
        assertEquals(names, rhl.parameters().stream().map(Parameter::name).toList());
        assertEquals(names, rec.parameters().stream().map(Parameter::name).toList());
        // Shapes: rhl Q_i n_fb × n_i, rec (n_fb + n_i) × n_i, layer L−1 n_L × n_{L-1}.
        assertEquals(List.of(N_FB, 4), shape(rhl.map(1).q()));
        assertEquals(List.of(N_FB + 4, 4), shape(rec.map(1).q()));
        assertEquals(List.of(N_FB + 5, 5), shape(rec.map(2).q()));
        assertEquals(List.of(2, 4), shape(rec.map(3).q()));
        // Same init stream: R and r are drawn first, identical for both; U(−1/√n_L, 1/√n_L).
        assertEquals(rhl.fixedWeight(), rec.fixedWeight());
        double bound = 1 / Math.sqrt(2);
        assertTrue(rhl.fixedWeight().amaxNumber().doubleValue() <= bound);
        assertTrue(rhl.fixedBias().amaxNumber().doubleValue() <= bound);
        assertTrue(rhl.fixedBias().amaxNumber().doubleValue() > 0.05, "r is random, not 0");
        // ddtp-control: every c_i, c_{L-1} included.
        List<AffineFeedback> control = DdtpControlRule.directMaps(WIDTHS, DataType.DOUBLE, SmallNetworks.rng(1));
        assertEquals(3, control.size());
        assertTrue(control.stream().allMatch(m -> m.c() != null));
        assertEquals(List.of(2, 4), shape(control.get(2).q()));
    }

    private static List<Integer> shape(INDArray a) {
        return List.of((int) a.rows(), (int) a.columns());
    }

    @Test
    void rhlFixedLayerNeverChangesDuringTraining() {
        Map<String, Object> p = new HashMap<>(Map.of(Methods.EPOCHS, 1, Methods.TRAIN_SUBSET, 300,
                Methods.NUM_HIDDEN, 3, Methods.SIZE_HIDDEN, 12, Methods.SIZE_HIDDEN_FB, 8, Methods.EPOCHS_FB, 1,
                Methods.EXTRA_FB_EPOCHS, 1));
        for (String method : List.of(Methods.DDTP_RHL, Methods.DDTP_REC)) {
            Trainer t = new Trainer(RunConfig.of(method, "mnist", 5, p), TrainingCheck.mnist());
            DdtpRhlRule rule = (DdtpRhlRule) t.rule();
            INDArray r0 = rule.feedback().fixedWeight().dup();
            INDArray b0 = rule.feedback().fixedBias().dup();
            INDArray q0 = rule.feedback().map(1).q().dup();
            for (Parameter fp : rule.feedbackParameters()) {
                assertTrue(fp.value() != rule.feedback().fixedWeight() && fp.value() != rule.feedback().fixedBias());
            }
            assertEquals(6, rule.feedbackParameters().size(), "Q_i, c_i of three hidden layers");
            t.train(EpochListener.NONE);
            assertTrue(t.feedbackSteps() > 0);
            assertEquals(r0, rule.feedback().fixedWeight(), method + ": R is fixed");
            assertEquals(b0, rule.feedback().fixedBias(), method + ": r is fixed");
            assertNotEquals(q0, rule.feedback().map(1).q(), method + ": Q_1 is trained");
            assertEquals(method.equals(Methods.DDTP_REC), rule.feedback().recurrent());
            assertEquals(8 + (method.equals(Methods.DDTP_REC) ? 12 : 0), rule.feedback().map(1).q().rows());
        }
    }

    // ---------------------------------------------------------------- test 2: targets and check 2

    @Test
    void rhlTargetsAndOutputUpdate() {
        checkTargets(Kind.RHL, 400);
    }

    @Test
    void recTargetsAndOutputUpdate() {
        checkTargets(Kind.REC, 500);
    }

    @Test
    void controlTargetsAndOutputUpdate() {
        checkTargets(Kind.CONTROL, 600);
    }

    /**
     * Hidden layers: e_i = 2(1 − h_i²)(h_i − τ_i) with the plain-loop τ_i, ∇W_i = (1/B) h_{i-1}ᵀ e_i,
     * ∇b_i = mean_b e_i. Output (check 2): (2β/B) × the BP gradient of ℒ.
     */
    private static void checkTargets(Kind kind, long seed) {
        DenseNetwork net = SmallNetworks.network(WIDTHS, SmallNetworks.allBiases(L), seed);
        Object fb = feedback(kind, seed + 1);
        double beta = 0.37;
        int batch = 5;
        INDArray x = SmallNetworks.inputs(batch, WIDTHS[0], seed + 2);
        INDArray y = SmallNetworks.onehot(batch, WIDTHS[L], seed + 3);
        LearningRule rule = rule(kind, net, beta, 0.1, seed + 4, fb);
        ForwardPass pass = net.forward(x);
        INDArray grad = SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient();
        rule.computeForwardGradients(pass, grad);

        Hand hand = new Hand(kind, net, rule);
        double[][] xs = x.toDoubleMatrix();
        double[][][] h = hand.forward(xs);
        double[][][] tau = hand.targets(xs, grad.toDoubleMatrix(), beta);
        for (int i = 1; i < L; i++) {
            int n = WIDTHS[i];
            double[][] e = new double[batch][n];
            double moved = 0;
            for (int s = 0; s < batch; s++) {
                for (int v = 0; v < n; v++) {
                    e[s][v] = 2 * (1 - h[i][s][v] * h[i][s][v]) * (h[i][s][v] - tau[i][s][v]);
                    moved += Math.abs(h[i][s][v] - tau[i][s][v]);
                }
            }
            assertTrue(moved > 1e-4, "the target differs from h_" + i);
            INDArray gw = forwardGradientOf(rule, "W" + i);
            INDArray gb = forwardGradientOf(rule, "b" + i);
            for (int v = 0; v < n; v++) {
                double wantB = 0;
                for (int s = 0; s < batch; s++) {
                    wantB += e[s][v] / batch;
                }
                assertEquals(wantB, gb.getDouble(0, v), 1e-14 + 1e-10 * Math.abs(wantB), kind + " ∇b_" + i);
                for (int pIn = 0; pIn < WIDTHS[i - 1]; pIn++) {
                    double wantW = 0;
                    for (int s = 0; s < batch; s++) {
                        wantW += h[i - 1][s][pIn] * e[s][v] / batch;
                    }
                    assertEquals(wantW, gw.getDouble(pIn, v), 1e-14 + 1e-10 * Math.abs(wantW), kind + " ∇W_" + i);
                }
            }
        }
        BackpropRule bp = new BackpropRule(net);
        bp.computeForwardGradients(pass, grad);
        double factor = 2 * beta / batch;
        assertTrue(SmallNetworks.relativeError(forwardGradientOf(rule, "W" + L),
                forwardGradientOf(bp, "W" + L).mul(factor)) < 1e-13, kind + ": check 2, W_L");
        assertTrue(SmallNetworks.relativeError(forwardGradientOf(rule, "b" + L),
                forwardGradientOf(bp, "b" + L).mul(factor)) < 1e-13, kind + ": check 2, b_L");
        assertTrue(SmallNetworks.relativeError(forwardGradientOf(rule, "W1"),
                forwardGradientOf(bp, "W1").mul(factor)) > 1e-3, kind + ": hidden layers are not BP");
    }

    // ---------------------------------------------------------------- test 3: check 4

    /**
     * Check 4: ddtp-linear on a (numerically) linear network — inputs and noise of order 1e-3 and zero biases,
     * so tanh(a) = a up to a relative 1e-6 and J = ∂a_L/∂h_i = (W_{i+1} ⋯ W_L)ᵀ =: Mᵀ. Trained only on the DRL
     * with Adam and coupled weight decay wd, Q_i (stored n_L × n_i, g_i(a) = a Q_i) approaches the row form of
     * Jᵀ(JJᵀ + λI)⁻¹, i.e. (MᵀM + λI)⁻¹Mᵀ, with λ = n_i·wd/2. Tolerance: relative Frobenius distance < 0.05,
     * below a tenth of the initial distance and clearly below the distance to the same formula with λ = wd/2.
     */
    @Test
    void ddtpLinearDrlDrivesFeedbackToDampedPseudoInverse() {
        int[] widths = {6, 8, 6, 3};
        DenseNetwork net = DenseNetwork.xavierNormal(widths, LearningRules.withoutLastHiddenBias(widths),
                DataType.DOUBLE, SmallNetworks.rng(71));
        DirectLinearFeedback fb = new DirectLinearFeedback(widths, DataType.DOUBLE, SmallNetworks.rng(72));
        double wd = 0.1;
        double sigma = 1e-3;
        DdtpLinearRule rule = new DdtpLinearRule(net, fb, 0.1, sigma, new GaussianNoise(73));
        ForwardPass pass = net.forward(SmallNetworks.inputs(256, widths[0], 74).muli(1e-3));
        double[] initial = new double[3];
        for (int i = 1; i <= 2; i++) {
            initial[i] = relativeDistance(fb.q(i), dampedPseudoInverse(net, i, widths[i] * wd / 2));
        }
        double[] lrs = {1e-2, 3e-3, 1e-3, 3e-4};
        for (double lr : lrs) {
            Adam adam = new Adam(new AdamSettings(lr, 0.9, 0.999, 1e-8, wd), rule.feedbackParameters());
            for (int step = 0; step < 600; step++) {
                rule.computeFeedbackGradients(pass);
                adam.step();
            }
        }
        for (int i = 1; i <= 2; i++) {
            double lambda = widths[i] * wd / 2;
            double dist = relativeDistance(fb.q(i), dampedPseudoInverse(net, i, lambda));
            double wrongLambda = relativeDistance(fb.q(i), dampedPseudoInverse(net, i, wd / 2));
            System.out.printf("check 4, layer %d: relative distance %.4f (initial %.3f; to λ = wd/2: %.3f)%n",
                    i, dist, initial[i], wrongLambda);
            assertTrue(dist < 0.05, "layer " + i + ": " + dist);
            assertTrue(dist < 0.1 * initial[i], "layer " + i + ": " + dist + " vs initial " + initial[i]);
            assertTrue(dist < 0.5 * wrongLambda, "λ = n_i·wd/2, not wd/2: " + dist + " vs " + wrongLambda);
        }
        assertEquals(0.0, fb.cGradient(1).norm2Number().doubleValue(), 0.0);
    }

    /** (MᵀM + λI)⁻¹Mᵀ, M = W_{i+1} ⋯ W_L (n_i × n_L): the row form of Jᵀ(JJᵀ + λI)⁻¹, n_L × n_i. */
    private static double[][] dampedPseudoInverse(DenseNetwork net, int i, double lambda) {
        INDArray m = net.weight(i + 1).dup();
        for (int k = i + 2; k <= net.numLayers(); k++) {
            m = m.mmul(net.weight(k));
        }
        double[][] mm = m.toDoubleMatrix();
        int n = mm.length;
        int o = mm[0].length;
        double[][] a = new double[o][o + n];          // [MᵀM + λI | Mᵀ], solved by Gauss-Jordan
        for (int r = 0; r < o; r++) {
            for (int col = 0; col < o; col++) {
                double s = r == col ? lambda : 0;
                for (int k = 0; k < n; k++) {
                    s += mm[k][r] * mm[k][col];
                }
                a[r][col] = s;
            }
            for (int k = 0; k < n; k++) {
                a[r][o + k] = mm[k][r];
            }
        }
        for (int pv = 0; pv < o; pv++) {
            int best = pv;
            for (int r = pv + 1; r < o; r++) {
                if (Math.abs(a[r][pv]) > Math.abs(a[best][pv])) {
                    best = r;
                }
            }
            double[] tmp = a[pv];
            a[pv] = a[best];
            a[best] = tmp;
            double d = a[pv][pv];
            for (int col = 0; col < o + n; col++) {
                a[pv][col] /= d;
            }
            for (int r = 0; r < o; r++) {
                if (r != pv) {
                    double f = a[r][pv];
                    for (int col = 0; col < o + n; col++) {
                        a[r][col] -= f * a[pv][col];
                    }
                }
            }
        }
        double[][] out = new double[o][n];
        for (int r = 0; r < o; r++) {
            System.arraycopy(a[r], o, out[r], 0, n);
        }
        return out;
    }

    private static double relativeDistance(INDArray q, double[][] target) {
        INDArray t = Nd4j.createFromArray(target);
        return q.sub(t).norm2Number().doubleValue() / t.norm2Number().doubleValue();
    }

    // ---------------------------------------------------------------- test 4: check 10

    @Test
    void publishedHyperparametersLowerTheTrainingLossWithinTwoEpochs() {
        TrainingCheck.lowersTrainingLoss(Methods.DDTP_RHL, Map.of(), 0.35);       // measured 70.9 %
        TrainingCheck.lowersTrainingLoss(Methods.DDTP_REC, Map.of(), 0.17);       // measured 34.7 %
        TrainingCheck.lowersTrainingLoss(Methods.DDTP_CONTROL, Map.of(), 0.23);   // measured 47.4 %
    }

    @Test
    void sigmaMustBePositiveForTheDrl() {
        DenseNetwork net = SmallNetworks.network(WIDTHS, SmallNetworks.allBiases(L), 1);
        RandomHiddenFeedback fb = new RandomHiddenFeedback(WIDTHS, N_FB, false, DataType.DOUBLE, SmallNetworks.rng(2));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DdtpRhlRule(net, fb, 0.1, 0.0, new GaussianNoise(3)));
        assertSame(fb, new DdtpRhlRule(net, fb, 0.1, 0.1, new GaussianNoise(3)).feedback());
    }
}
