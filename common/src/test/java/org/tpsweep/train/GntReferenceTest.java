package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.SoftmaxCrossEntropy;
import org.tpsweep.rules.GntRule;
import org.tpsweep.metrics.Angles;

/**
 * The damped GNT update of the alignment monitor and of the gnt rule (ALGORITHMS.md §4, check 5) against an
 * independent computation (issue 15 item 7, replacing gnt's 0° angle against its own reference): per sample the
 * Jacobian J_b = ∂a_L/∂h_i by central differences of a plain-loop forward pass, Δh_b = J_bᵀ(J_b J_bᵀ + λI)⁻¹ e_b
 * with an explicit inverse, and G_i = (1/B) Σ_b [2φ'(a_i,b) ⊙ Δh_b] h_{i-1,b}ᵀ, at a λ where damping matters.
 */
class GntReferenceTest {

    @Test
    void theMonitorsAndTheRulesDampedGntUpdateEqualAnIndependentSolve() {
        int[] widths = {4, 6, 5, 3};
        int b = 3;
        double lambda = 0.5;
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(21);
        DenseNetwork net = DenseNetwork.xavierNormal(widths, new boolean[] {true, true, true}, DataType.DOUBLE, rng);
        for (int i = 1; i <= 3; i++) {
            Nd4j.randn(0.0, 0.3, net.bias(i), rng);
        }
        INDArray x = Nd4j.createUninitialized(DataType.DOUBLE, b, 4);
        Nd4j.randn(0.0, 1.0, x, rng);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, b, 3);
        for (int s = 0; s < b; s++) {
            y.putScalar(s, s % 3, 1.0);
        }
        ForwardPass pass = net.forward(x);
        INDArray e = SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient();   // carries the 1/B

        GntReference monitor = new GntReference(net);
        monitor.compute(pass, e, i -> lambda);
        GntRule rule = new GntRule(net, lambda);
        rule.computeForwardGradients(pass, e);
        GntReference other = new GntReference(net);
        other.compute(pass, e, i -> 2 * lambda);

        for (int i = 1; i <= 2; i++) {
            INDArray want = Nd4j.zeros(DataType.DOUBLE, widths[i - 1], widths[i]);
            for (int s = 0; s < b; s++) {
                double[] h = pass.h(i).getRow(s).toDoubleVector();
                INDArray jac = Nd4j.create(jacobian(net, i, h));                         // n_L × n_i
                INDArray gram = jac.mmul(jac.transpose()).addi(Nd4j.eye(3).muli(lambda));
                INDArray dh = jac.transpose().mmul(InvertMatrix.invert(gram, false)).mmul(e.getRow(s).reshape(3, 1));
                INDArray local = dh.reshape(1, widths[i]).muli(2);
                for (int u = 0; u < widths[i]; u++) {
                    local.putScalar(0, u, local.getDouble(0, u) * (1 - h[u] * h[u]));
                }
                want.addi(pass.h(i - 1).getRow(s).reshape(widths[i - 1], 1).mmul(local).divi(b));
            }
            double monitorErr = relativeError(monitor.gradient(i), want);
            double ruleErr = relativeError(rule.weightGradient(i), want);
            assertTrue(monitorErr < 1e-7, "monitor's G_GNT," + i + ": relative error " + monitorErr);
            assertTrue(ruleErr < 1e-7, "gnt rule's ∇W_" + i + ": relative error " + ruleErr);
            // and λ matters here: twice the damping is a visibly different direction
            assertTrue(Angles.degrees(other.gradient(i), want) > 0.5, "layer " + i + " at 2λ: "
                    + Angles.degrees(other.gradient(i), want) + "°");
        }
    }

    /** ∂a_L/∂h_i at h by central differences of a plain-loop forward pass through layers i+1..L. */
    private static double[][] jacobian(DenseNetwork net, int i, double[] h) {
        int out = net.width(net.numLayers());
        double[][] jac = new double[out][h.length];
        double step = 1e-6;
        for (int u = 0; u < h.length; u++) {
            double[] up = h.clone();
            double[] down = h.clone();
            up[u] += step;
            down[u] -= step;
            double[] fu = logits(net, i, up);
            double[] fd = logits(net, i, down);
            for (int o = 0; o < out; o++) {
                jac[o][u] = (fu[o] - fd[o]) / (2 * step);
            }
        }
        return jac;
    }

    private static double[] logits(DenseNetwork net, int from, double[] h) {
        double[] cur = h;
        for (int k = from + 1; k <= net.numLayers(); k++) {
            double[][] w = net.weight(k).toDoubleMatrix();
            double[] bias = net.bias(k).toDoubleVector();
            double[] next = new double[w[0].length];
            for (int v = 0; v < next.length; v++) {
                double a = bias[v];
                for (int p = 0; p < cur.length; p++) {
                    a += cur[p] * w[p][v];
                }
                next[v] = net.isHidden(k) ? Math.tanh(a) : a;
            }
            cur = next;
        }
        return cur;
    }

    private static double relativeError(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
    }
}
