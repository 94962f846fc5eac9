package org.tpsweep.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ALGORITHMS.md §6 check 11: the hand-written Adam equals PyTorch 1.5's formula step by step, with coupled
 * weight decay reaching every parameter it holds (biases included) and t counting on across calls.
 */
class AdamTest {

    @Test
    void matchesThePublishedFormulaStepByStep() {
        checkAgainstFormula(false);
    }

    @Test
    void ndArrayPathOnViewsMatchesTheFormulaToo() {
        // Views are never fused: this exercises the ND4J-ops path that runs without the Vector API.
        checkAgainstFormula(true);
    }

    private static INDArray row(double[] values, boolean asView) {
        if (!asView) {
            return Nd4j.createFromArray(values.clone()).reshape(1, values.length);
        }
        INDArray wide = Nd4j.zeros(DataType.DOUBLE, 2, values.length + 1);
        INDArray view = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, values.length + 1)).reshape(1, values.length);
        view.assign(Nd4j.createFromArray(values.clone()).reshape(1, values.length));
        assertTrue(view.isView());
        return view;
    }

    private static void checkAgainstFormula(boolean views) {
        double lr = 1e-2;
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 2.8e-4;     // a large tuned ε as in [M]: the ε placement matters
        double wd = 0.05;
        double[] w0 = {0.5, -1.25, 2.0};
        double[] c0 = {0.1, -0.3};
        INDArray w = row(w0, views);
        INDArray c = row(c0, views);
        Parameter pw = new Parameter("W", w, row(new double[3], views));
        Parameter pc = new Parameter("c", c, row(new double[2], views));
        Adam adam = new Adam(new AdamSettings(lr, b1, b2, eps, wd), List.of(pw, pc));

        double[][] theta = {w0.clone(), c0.clone()};
        double[][] m = {new double[3], new double[2]};
        double[][] v = {new double[3], new double[2]};
        java.util.Random r = new java.util.Random(5);
        for (int t = 1; t <= 25; t++) {
            double[][] grads = new double[2][];
            for (int p = 0; p < 2; p++) {
                grads[p] = new double[theta[p].length];
                for (int k = 0; k < grads[p].length; k++) {
                    // Bias c gets a zero loss gradient half of the time: only weight decay moves it then.
                    grads[p][k] = (p == 1 && t % 2 == 0) ? 0.0 : r.nextGaussian() * 1e-3;
                }
            }
            pw.gradient().assign(Nd4j.createFromArray(grads[0].clone()).reshape(1, 3));
            pc.gradient().assign(Nd4j.createFromArray(grads[1].clone()).reshape(1, 2));
            adam.step();
            for (int p = 0; p < 2; p++) {
                for (int k = 0; k < theta[p].length; k++) {
                    double g = grads[p][k] + wd * theta[p][k];
                    m[p][k] = b1 * m[p][k] + (1 - b1) * g;
                    v[p][k] = b2 * v[p][k] + (1 - b2) * g * g;
                    double denom = Math.sqrt(v[p][k]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                    theta[p][k] -= lr / (1 - Math.pow(b1, t)) * m[p][k] / denom;
                }
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(theta[0][k], w.getDouble(0, k), 1e-14, "W[" + k + "] at t=" + t);
            }
            for (int k = 0; k < 2; k++) {
                assertEquals(theta[1][k], c.getDouble(0, k), 1e-14, "c[" + k + "] at t=" + t);
            }
        }
        assertEquals(25, adam.steps());
    }

    @Test
    void epsilonIsAddedAfterTheBiasCorrection() {
        // At t = 1 with g ≠ 0: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε). ND4J's placement would give
        // lr·g/(|g| + ε/√(1 − β2)), 10× more ε for β2 = 0.99: distinguishable with ε ≈ |g|.
        INDArray theta = Nd4j.zeros(DataType.DOUBLE, 1, 1);
        Parameter p = Parameter.of("x", theta);
        Adam adam = new Adam(new AdamSettings(0.1, 0.9, 0.99, 1e-3, 0), List.of(p));
        p.gradient().assign(1e-3);
        adam.step();
        assertEquals(-0.1 * 1e-3 / (1e-3 + 1e-3), theta.getDouble(0), 1e-15);
        assertTrue(Math.abs(theta.getDouble(0) - (-0.1 * 1e-3 / (1e-3 + 1e-2))) > 1e-3);
    }
}
