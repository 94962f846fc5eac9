package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.GaussianNoise;
import org.tpsweep.nn.SoftmaxCrossEntropy;

/**
 * ddtp-linear against the theory: check 2 (output-layer local update = (2β/B) × BP gradient), the hidden
 * targets τ_i = h_i + Q_i(τ_L − a_L) with the local update written out by hand, and the difference
 * reconstruction loss on a 3-layer network with fixed noise computed by hand.
 */
class DdtpLinearRuleTest {
    private static final int[] WIDTHS = {3, 4, 3, 2};
    private static final boolean[] BIASES = {true, false, true};   // no b_{L-1}

    @Test
    void outputLayerUpdateIsTwoBetaOverBTimesBackprop() {
        int[] widths = {6, 5, 5, 4};
        DenseNetwork net = SmallNetworks.network(widths, new boolean[] {true, false, true}, 21);
        INDArray x = SmallNetworks.inputs(9, 6, 22);
        INDArray y = SmallNetworks.onehot(9, 4, 23);
        double beta = 0.37;
        DdtpLinearRule ddtp = new DdtpLinearRule(net, new DirectLinearFeedback(widths, DataType.DOUBLE,
                SmallNetworks.rng(24)), beta, 0.1, new GaussianNoise(25));
        BackpropRule bp = new BackpropRule(net);
        ForwardPass pass = net.forward(x);
        INDArray g = SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient();
        ddtp.computeForwardGradients(pass, g);
        bp.computeForwardGradients(pass, g);
        double factor = 2 * beta / 9;
        int last = 3;
        INDArray ddtpW = ddtp.forwardParameters().stream().filter(p -> p.name().equals("W" + last)).findFirst()
                .orElseThrow().gradient();
        INDArray bpW = bp.forwardParameters().stream().filter(p -> p.name().equals("W" + last)).findFirst()
                .orElseThrow().gradient();
        INDArray ddtpB = ddtp.forwardParameters().stream().filter(p -> p.name().equals("b" + last)).findFirst()
                .orElseThrow().gradient();
        INDArray bpB = bp.forwardParameters().stream().filter(p -> p.name().equals("b" + last)).findFirst()
                .orElseThrow().gradient();
        assertTrue(SmallNetworks.relativeError(ddtpW, bpW.mul(factor)) < 1e-13);
        assertTrue(SmallNetworks.relativeError(ddtpB, bpB.mul(factor)) < 1e-13);
        // Hidden layers are not BP: the rule must not coincide with a scaled BP gradient there.
        INDArray ddtpW1 = ddtp.forwardParameters().get(0).gradient();
        INDArray bpW1 = bp.forwardParameters().get(0).gradient();
        assertTrue(SmallNetworks.relativeError(ddtpW1, bpW1.mul(factor)) > 1e-3);
    }

    @Test
    void hiddenLayerUpdateFollowsTheDifferenceCorrectedTarget() {
        DenseNetwork net = SmallNetworks.network(WIDTHS, BIASES, 31);
        DirectLinearFeedback fb = new DirectLinearFeedback(WIDTHS, DataType.DOUBLE, SmallNetworks.rng(32));
        int b = 4;
        INDArray x = SmallNetworks.inputs(b, 3, 33);
        INDArray y = SmallNetworks.onehot(b, 2, 34);
        double beta = 0.2;
        DdtpLinearRule rule = new DdtpLinearRule(net, fb, beta, 0.1, new GaussianNoise(35));
        ForwardPass pass = net.forward(x);
        INDArray grad = SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient();
        rule.computeForwardGradients(pass, grad);

        // By hand for layer 1: τ_L = a_L − β g; τ_1 = h_1 + (τ_L − a_L) Q_1 (row convention);
        // e = 2 (1 − h_1²) (h_1 − τ_1); ∇W_1[p][q] = (1/B) Σ_b x[b][p] e[b][q]; ∇b_1 = mean_b e.
        double[][] h1 = pass.h(1).toDoubleMatrix();
        double[][] g = grad.toDoubleMatrix();
        double[][] q1 = fb.q(1).toDoubleMatrix();
        double[][] xs = x.toDoubleMatrix();
        double[][] e = new double[b][4];
        for (int s = 0; s < b; s++) {
            for (int u = 0; u < 4; u++) {
                double tauMinusA = 0;
                for (int o = 0; o < 2; o++) {
                    tauMinusA += (-beta * g[s][o]) * q1[o][u];
                }
                double tau = h1[s][u] + tauMinusA;
                e[s][u] = 2 * (1 - h1[s][u] * h1[s][u]) * (h1[s][u] - tau);
            }
        }
        INDArray w1 = rule.forwardParameters().get(0).gradient();
        INDArray b1 = rule.forwardParameters().get(1).gradient();
        for (int p = 0; p < 3; p++) {
            for (int u = 0; u < 4; u++) {
                double want = 0;
                for (int s = 0; s < b; s++) {
                    want += xs[s][p] * e[s][u] / b;
                }
                assertEquals(want, w1.getDouble(p, u), 1e-15 + 1e-12 * Math.abs(want));
            }
        }
        for (int u = 0; u < 4; u++) {
            double want = 0;
            for (int s = 0; s < b; s++) {
                want += e[s][u] / b;
            }
            assertEquals(want, b1.getDouble(0, u), 1e-15 + 1e-12 * Math.abs(want));
        }
    }

    @Test
    void differenceReconstructionLossMatchesHandComputationWithFixedNoise() {
        DenseNetwork net = SmallNetworks.network(WIDTHS, BIASES, 41);
        DirectLinearFeedback fb = new DirectLinearFeedback(WIDTHS, DataType.DOUBLE, SmallNetworks.rng(42));
        int b = 3;
        double sigma = 0.15;
        INDArray x = SmallNetworks.inputs(b, 3, 43);
        ForwardPass pass = net.forward(x);
        for (int layer = 1; layer <= 2; layer++) {
            int n = WIDTHS[layer];
            INDArray eps = SmallNetworks.inputs(b, n, 44 + layer);
            INDArray gradQ = fb.q(layer).ulike();
            double loss = DifferenceReconstruction.directLinear(net, pass, layer, fb.q(layer), eps, sigma, gradQ);

            double want = handDrl(net, x.toDoubleMatrix(), layer, fb.q(layer).toDoubleMatrix(),
                    eps.toDoubleMatrix(), sigma);
            assertEquals(want, loss, 1e-12 * want, "DRL of layer " + layer);

            // Its gradient w.r.t. Q_i against central differences of the same hand computation.
            double[][] q = fb.q(layer).toDoubleMatrix();
            double h = 1e-6;
            for (int o = 0; o < 2; o++) {
                for (int u = 0; u < n; u++) {
                    double orig = q[o][u];
                    q[o][u] = orig + h;
                    double up = handDrl(net, x.toDoubleMatrix(), layer, q, eps.toDoubleMatrix(), sigma);
                    q[o][u] = orig - h;
                    double down = handDrl(net, x.toDoubleMatrix(), layer, q, eps.toDoubleMatrix(), sigma);
                    q[o][u] = orig;
                    double fd = (up - down) / (2 * h);
                    assertEquals(fd, gradQ.getDouble(o, u), 1e-7 * Math.max(1, Math.abs(fd)),
                            "∂ℓ/∂Q_" + layer + "[" + o + "][" + u + "]");
                }
            }
        }
    }

    /** ℓ_i = (1/σ²) mean((ĥ_i − h̃_i)²), every step written out with plain loops. */
    private static double handDrl(DenseNetwork net, double[][] x, int layer, double[][] q, double[][] eps,
                                  double sigma) {
        int b = x.length;
        double[][][] h = new double[4][][];
        h[0] = x;
        for (int i = 1; i <= 3; i++) {
            h[i] = SmallNetworks.dense(net, i, h[i - 1]);
        }
        double[][] tilde = new double[b][];
        for (int s = 0; s < b; s++) {
            tilde[s] = h[layer][s].clone();
            for (int u = 0; u < tilde[s].length; u++) {
                tilde[s][u] += sigma * eps[s][u];
            }
        }
        double[][] up = tilde;
        for (int i = layer + 1; i <= 3; i++) {
            up = SmallNetworks.dense(net, i, up);
        }
        double sum = 0;
        int n = h[layer][0].length;
        for (int s = 0; s < b; s++) {
            for (int u = 0; u < n; u++) {
                // ĥ = g(ã_L) + h − g(a_L) with g(a) = Q^T a + c: c cancels.
                double gTilde = 0;
                double gClean = 0;
                for (int o = 0; o < 2; o++) {
                    gTilde += q[o][u] * up[s][o];
                    gClean += q[o][u] * h[3][s][o];
                }
                double hat = gTilde + h[layer][s][u] - gClean;
                double diff = hat - tilde[s][u];
                sum += diff * diff;
            }
        }
        return sum / (b * n) / (sigma * sigma);
    }


    @Test
    void feedbackStepDrawsFreshNoiseAndZeroesBiasGradients() {
        DenseNetwork net = SmallNetworks.network(WIDTHS, BIASES, 51);
        DirectLinearFeedback fb = new DirectLinearFeedback(WIDTHS, DataType.DOUBLE, SmallNetworks.rng(52));
        DdtpLinearRule rule = new DdtpLinearRule(net, fb, 0.1, 0.1, new GaussianNoise(53));
        ForwardPass pass = net.forward(SmallNetworks.inputs(5, 3, 54));
        double first = rule.computeFeedbackGradients(pass);
        INDArray g1 = fb.qGradient(1).dup();
        double second = rule.computeFeedbackGradients(pass);
        assertTrue(first > 0 && second > 0);
        assertTrue(first != second, "the noise must be drawn afresh at every feedback step");
        assertTrue(!g1.equals(fb.qGradient(1)));
        assertEquals(0.0, fb.cGradient(1).norm2Number().doubleValue(), 0.0);
        assertEquals(null, fb.cGradient(2), "layer L−1 has no feedback bias");
        assertEquals(2 + 1, rule.feedbackParameters().size(), "Q1, c1, Q2");
        Nd4j.getExecutioner().commit();
    }
}
