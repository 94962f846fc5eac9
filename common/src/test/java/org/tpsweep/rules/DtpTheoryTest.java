package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.GaussianNoise;
import org.tpsweep.nn.MatMul;
import org.tpsweep.nn.SoftmaxCrossEntropy;
import org.tpsweep.optim.Adam;
import org.tpsweep.optim.AdamSettings;

/**
 * ALGORITHMS.md §6 checks 3 and 4 for the layer-wise feedback of dtp / dtp-pretrained / dtp-drl.
 * Row convention throughout (one sample per row): a change Δh_i moves the output by Δa_L = Δh_i J_i with
 * J_i = W_{i+1} D_{i+1} W_{i+2} … W_L, D_k = diag(1 − h_k²) (the output is linear).
 */
class DtpTheoryTest {

    // ---------------------------------------------------------------- check 3

    /** Forward layers tanh(u W + b) (hidden) and u W + b (output) with well-conditioned square W. */
    private static DenseNetwork invertibleNetwork(int n, int layers, long seed) {
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        for (int i = 0; i < layers; i++) {
            INDArray noise = Nd4j.createUninitialized(DataType.DOUBLE, n, n);
            Nd4j.randn(0.0, 0.3 / Math.sqrt(n), noise, SmallNetworks.rng(seed + i));
            w[i] = Nd4j.eye(n).castTo(DataType.DOUBLE).muli(0.8).addi(noise);
            b[i] = Nd4j.createUninitialized(DataType.DOUBLE, 1, n);
            Nd4j.randn(0.0, 0.1, b[i], SmallNetworks.rng(seed + 100 + i));
        }
        return DenseNetwork.of(w, b);
    }

    /** g_i = f_i⁻¹ exactly: (atanh(u) − b_i) W_i⁻¹ for hidden layers, (u − b_L) W_L⁻¹ for the output. */
    private static LayerwiseFeedback.Maps exactInverses(DenseNetwork net) {
        INDArray[] inv = new INDArray[net.numLayers() + 1];
        for (int i = 1; i <= net.numLayers(); i++) {
            inv[i] = InvertMatrix.invert(net.weight(i), false);
        }
        return (i, u) -> {
            INDArray v = net.isHidden(i) ? Transforms.atanh(u, true) : u.dup();
            return MatMul.times(v.subiRowVector(net.bias(i)), inv[i]);
        };
    }

    private static INDArray[] clean(LayerwiseFeedback.Maps g, ForwardPass pass) {
        INDArray[] c = new INDArray[pass.numLayers() + 1];
        for (int i = 2; i <= pass.numLayers(); i++) {
            c[i] = g.apply(i, pass.h(i));
        }
        return c;
    }

    /** Δ_L J_i⁻¹ per sample, plain loops (Gauss-Jordan), for the displacement Δ_L = h_L − τ_L. */
    private static double[][] linearised(DenseNetwork net, ForwardPass pass, int i, double[][] outDisp) {
        int n = net.width(i);
        int last = net.numLayers();
        double[][] h = null;
        double[][] out = new double[outDisp.length][];
        for (int s = 0; s < outDisp.length; s++) {
            double[][] m = identity(n);
            for (int k = i + 1; k <= last; k++) {
                double[][] w = net.weight(k).toDoubleMatrix();
                h = pass.h(k).toDoubleMatrix();
                double[][] next = new double[n][w[0].length];
                for (int r = 0; r < n; r++) {
                    for (int col = 0; col < w[0].length; col++) {
                        double a = 0;
                        for (int p = 0; p < w.length; p++) {
                            a += m[r][p] * w[p][col];
                        }
                        next[r][col] = k < last ? a * (1 - h[s][col] * h[s][col]) : a;
                    }
                }
                m = next;
            }
            double[][] mi = invert(m);
            out[s] = new double[n];
            for (int col = 0; col < n; col++) {
                for (int p = 0; p < n; p++) {
                    out[s][col] += outDisp[s][p] * mi[p][col];
                }
            }
        }
        return out;
    }

    static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int k = 0; k < n; k++) {
            m[k][k] = 1;
        }
        return m;
    }

    /** Gauss-Jordan inverse with partial pivoting. */
    static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(a[r], 0, m[r], 0, n);
            m[r][n + r] = 1;
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
                    piv = r;
                }
            }
            double[] tmp = m[col];
            m[col] = m[piv];
            m[piv] = tmp;
            double d = m[col][col];
            for (int k = 0; k < 2 * n; k++) {
                m[col][k] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double f = m[r][col];
                    for (int k = 0; k < 2 * n; k++) {
                        m[r][k] -= f * m[col][k];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(m[r], n, inv[r], 0, n);
        }
        return inv;
    }

    private static double relative(INDArray got, double[][] want) {
        INDArray w = Nd4j.createFromArray(want);
        return got.sub(w).norm2Number().doubleValue() / w.norm2Number().doubleValue();
    }

    /**
     * Check 3 (Lemma 1 / Theorem 2): on a square invertible network with g_i = f_i⁻¹ exactly, the targets
     * of the shared recursion satisfy h_i − τ_i = (h_L − τ_L) J_i⁻¹ + O(β²): the relative error, O(β), halves
     * with β (ratio within [0.45, 0.55] for the four smallest β, 0.4·2⁻⁷ … 0.4·2⁻³), and is below 2e-3 at
     * the smallest β (layers 1 and 2 of a 4-4-4-4-4 network; layer L−1, below the linear output, is exact to
     * 1e-11). A constant offset added to every g_i changes nothing (difference correction: relative
     * change &lt; 1e-10), while without the correction it would shift every target by the offset.
     */
    @Test
    void targetsMatchInverseJacobianAsBetaVanishes() {
        int n = 4;
        int layers = 4;
        DenseNetwork net = invertibleNetwork(n, layers, 131);
        INDArray x = SmallNetworks.inputs(6, n, 132).muli(0.5);
        INDArray y = SmallNetworks.onehot(6, n, 133);
        ForwardPass pass = net.forward(x);
        INDArray lossGrad = SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient();
        LayerwiseFeedback.Maps exact = exactInverses(net);
        INDArray[] clean = clean(exact, pass);
        for (int i = 2; i <= layers; i++) {
            assertTrue(relative(clean[i], pass.h(i - 1).toDoubleMatrix()) < 1e-12, "g_i(h_i) = h_{i-1}");
        }
        INDArray offset = Nd4j.createFromArray(new double[][] {{0.3, -0.2, 0.1, 0.25}});
        LayerwiseFeedback.Maps shifted = (i, u) -> exact.apply(i, u).addiRowVector(offset);
        INDArray[] cleanShifted = clean(shifted, pass);

        int steps = 8;
        double[][] errors = new double[layers][steps];
        StringBuilder report = new StringBuilder();
        for (int k = 0; k < steps; k++) {
            double beta = 0.4 / (1 << k);
            INDArray outDisp = LocalUpdate.outputDisplacement(lossGrad, beta);
            INDArray[] d = LayerwiseFeedback.displacements(pass, outDisp, exact, clean);
            INDArray[] ds = LayerwiseFeedback.displacements(pass, outDisp, shifted, cleanShifted);
            for (int i = 1; i < layers; i++) {
                errors[i][k] = relative(d[i], linearised(net, pass, i, outDisp.toDoubleMatrix()));
                double offsetEffect = ds[i].sub(d[i]).norm2Number().doubleValue() / d[i].norm2Number().doubleValue();
                assertTrue(offsetEffect < 1e-10, "difference correction cancels a constant offset: " + offsetEffect);
            }
            report.append(String.format("β=%.5f  err1=%.3e  err2=%.3e  err3=%.3e%n", beta, errors[1][k],
                    errors[2][k], errors[3][k]));
        }
        for (int k = 0; k < steps; k++) {
            // Below a linear output layer the inverse is affine: exact up to roundoff, whatever β.
            assertTrue(errors[layers - 1][k] < 1e-11, "layer L−1\n" + report);
        }
        for (int i = 1; i < layers - 1; i++) {
            for (int k = steps - 4; k < steps; k++) {
                double ratio = errors[i][k] / errors[i][k - 1];
                assertTrue(ratio > 0.45 && ratio < 0.55, "layer " + i + " ratio " + ratio + "\n" + report);
            }
            assertTrue(errors[i][steps - 1] < 2e-3, "layer " + i + "\n" + report);
        }
        System.out.print("check 3 (dtp targets, exact inverses):\n" + report);
    }

    // ---------------------------------------------------------------- check 4 (DTP part)

    /** Per-sample J_1 = W_2 D_2 W_3 (n_1 × n_L) of a 3-layer network. */
    private static INDArray jacobian(DenseNetwork net, ForwardPass pass, int s) {
        INDArray d2 = LocalUpdate.tanhDerivative(pass.h(2).getRow(s, true));
        INDArray w2d = net.weight(2).mulRowVector(d2);
        return w2d.mmul(net.weight(3));
    }

    /** (JᵀJ + λI)⁻¹ Jᵀ, the damped pseudo-inverse in row convention (n_L × n_1). */
    private static INDArray dampedPinv(INDArray j, double lambda) {
        INDArray jtj = j.transpose().mmul(j).addi(Nd4j.eye(j.columns()).castTo(DataType.DOUBLE).muli(lambda));
        return InvertMatrix.invert(jtj, false).mmul(j.transpose());
    }

    /** The Jacobian of dtp's target map τ_L ↦ τ_1 at τ_L = a_L, sample s: Q_3 D^g_3 Q_2 D^g_2. */
    private static INDArray dtpFeedbackJacobian(LayerwiseFeedback fb, ForwardPass pass, int s) {
        INDArray m = null;
        for (int i = 3; i >= 2; i--) {
            INDArray gi = fb.map(i).apply(pass.h(i).getRow(s, true));
            INDArray qd = fb.map(i).q().mulRowVector(LocalUpdate.tanhDerivative(gi));
            m = m == null ? qd : m.mmul(qd);
        }
        return m;
    }

    private interface FeedbackJacobian {
        INDArray at(int sample);
    }

    /** {mean relative distance to the damped pseudo-inverse, mean ‖Q J − I‖_F/√n_L}. */
    private static double[] distances(DenseNetwork net, ForwardPass pass, FeedbackJacobian q, double lambda) {
        double dist = 0;
        double inv = 0;
        int b = pass.batchSize();
        for (int s = 0; s < b; s++) {
            INDArray j = jacobian(net, pass, s);
            INDArray p = dampedPinv(j, lambda);
            INDArray qs = q.at(s);
            dist += qs.sub(p).norm2Number().doubleValue() / p.norm2Number().doubleValue();
            INDArray qj = qs.mmul(j).subi(Nd4j.eye(j.columns()).castTo(DataType.DOUBLE));
            inv += qj.norm2Number().doubleValue() / Math.sqrt(j.columns());
        }
        return new double[] {dist / b, inv / b};
    }

    /**
     * Check 4, DTP part (Theorem 4 and its converse): on a 6-4-4-3 network whose top layer (4 → 3) is not
     * invertible and whose middle layer is a shear, near its linear regime, feedback-only training with
     * coupled weight decay wd = 1e-4 (500 Adam steps, one batch of 50, fresh noise, σ = 0.05) brings
     * ddtp-linear's DRL-trained Q_1 within 10 % (relative Frobenius distance, mean over samples) of the damped
     * pseudo-inverse Jᵀ(JJᵀ + λI)⁻¹, λ = n_1·wd/2, of J = ∂a_L/∂h_1 (λ = 2e-4 here is too small to tell from the
     * plain pseudo-inverse at this tolerance: this test claims the minimum-norm inverse, not the value of λ, which
     * DirectFeedbackRulesTest's check 4 tells apart from wd/2), whereas the Jacobian of dtp's layer-wise
     * target map τ_L ↦ τ_1 stays more than 30 % (and 4× ddtp-linear's distance) away, although it does invert
     * J on the output space (‖QJ − I‖_F/√n_L &lt; 0.15): it picks another generalised inverse, not the
     * minimum-norm one. Figures at these seeds: 0.034 vs 0.81 (‖QJ − I‖: 0.031 and 0.079).
     */
    @Test
    void layerwiseDtpFeedbackDoesNotReachTheDampedPseudoInverse() {
        int[] widths = {6, 4, 4, 3};
        DenseNetwork net = SmallNetworks.network(widths, SmallNetworks.allBiases(3), 141);
        // Layer 2: a shear (invertible, far from orthogonal); layer 3: 4 → 3, not invertible.
        net.weight(2).assign(Nd4j.createFromArray(new double[][] {
                {1, 0.8, 0, 0}, {0, 1, 0.8, 0}, {0, 0, 1, 0.8}, {0, 0, 0, 1}}));
        net.weight(3).assign(Nd4j.createFromArray(new double[][] {
                {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.5, -0.5, 0.5}}));
        for (int i = 1; i <= 3; i++) {
            net.bias(i).muli(0.1);
        }
        INDArray x = SmallNetworks.inputs(50, 6, 142).muli(0.15);
        ForwardPass pass = net.forward(x);
        double wd = 1e-4;
        double lambda = widths[1] * wd / 2;        // λ = n_i·wd/2 (check 4)
        double sigma = 0.05;

        DirectLinearFeedback linear = new DirectLinearFeedback(widths, DataType.DOUBLE, SmallNetworks.rng(143));
        DdtpLinearRule ddtp = new DdtpLinearRule(net, linear, 0.1, sigma, new GaussianNoise(144));
        LayerwiseFeedback layerwise = new LayerwiseFeedback(widths, DataType.DOUBLE, SmallNetworks.rng(145));
        DtpRule dtp = new DtpRule(net, layerwise, 0.1, sigma, new GaussianNoise(146));
        // Feedback-only training on one batch (fresh noise every step): Adam at lr 3e-2, then 3e-3 to settle.
        for (double lr : new double[] {3e-2, 3e-3}) {
            Adam ddtpAdam = new Adam(new AdamSettings(lr, 0.9, 0.999, 1e-8, wd), ddtp.feedbackParameters());
            Adam dtpAdam = new Adam(new AdamSettings(lr, 0.9, 0.999, 1e-8, wd), dtp.feedbackParameters());
            for (int k = 0; k < 250; k++) {
                ddtp.computeFeedbackGradients(pass);
                ddtpAdam.step();
                dtp.computeFeedbackGradients(pass);
                dtpAdam.step();
            }
        }
        double[] reached = distances(net, pass, s -> linear.q(1), lambda);
        double[] layerwiseDtp = distances(net, pass, s -> dtpFeedbackJacobian(layerwise, pass, s), lambda);
        String report = String.format("check 4, layer 1: ddtp-linear ‖Q − J⁺‖/‖J⁺‖ = %.4f (‖QJ − I‖ %.4f); "
                + "dtp %.4f (‖QJ − I‖ %.4f)", reached[0], reached[1], layerwiseDtp[0], layerwiseDtp[1]);
        System.out.println(report);
        assertTrue(reached[0] < 0.1, "ddtp-linear's DRL reaches the damped pseudo-inverse: " + report);
        assertTrue(layerwiseDtp[1] < 0.15, "dtp's feedback has learned to invert J on the output: " + report);
        assertTrue(layerwiseDtp[0] > 0.3 && layerwiseDtp[0] > 4 * reached[0],
                "dtp's layer-wise loss does not reach the damped pseudo-inverse: " + report);
    }
}
