package org.tpsweep.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.FastTanh;

/**
 * ALGORITHMS.md §6 check 11: the hand-written Adam equals PyTorch 1.5's formula step by step, with coupled
 * weight decay reaching every parameter it holds (biases included) and t counting on across calls: the fused
 * Vector API pass in float64 and float32 (asserted to be the path taken) and the ND4J-ops path on views.
 */
class AdamTest {

    @Test
    void matchesThePublishedFormulaStepByStep() {
        assertTrue(FastTanh.vectorised(), "the tests run with the Vector API (surefire's --add-modules "
                + "jdk.incubator.vector): the fused Adam step is the path checked here");
        checkAgainstFormula(DataType.DOUBLE, false);
    }

    /** The float32 fused kernel ([M]'s bp and ddtp-rec, every [F] method) against the same formula in float64. */
    @Test
    void float32FusedPathMatchesTheFormulaToo() {
        assertTrue(FastTanh.vectorised(), "the Vector API is present");
        checkAgainstFormula(DataType.FLOAT, false);
    }

    @Test
    void ndArrayPathOnViewsMatchesTheFormulaToo() {
        // Views are never fused: this exercises the ND4J-ops path that runs without the Vector API.
        checkAgainstFormula(DataType.DOUBLE, true);
        checkAgainstFormula(DataType.FLOAT, true);
    }

    private static INDArray row(double[] values, DataType dtype, boolean asView) {
        INDArray plain = Nd4j.createFromArray(values.clone()).reshape(1, values.length).castTo(dtype).dup('c');
        if (!asView) {
            return plain;
        }
        INDArray wide = Nd4j.zeros(dtype, 2, values.length + 1);
        INDArray view = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, values.length + 1)).reshape(1, values.length);
        view.assign(plain);
        assertTrue(view.isView());
        return view;
    }

    /** {@code x} rounded to the precision of {@code dtype}. */
    private static double round(double x, DataType dtype) {
        return dtype == DataType.FLOAT ? (float) x : x;
    }

    /**
     * 25 steps on two parameters of 37 and 19 entries (several whole vector registers of either precision plus a
     * scalar tail), against §1's formula in float64 from the same (rounded) start and gradients.
     */
    private static void checkAgainstFormula(DataType dtype, boolean views) {
        double lr = 1e-2;
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 2.8e-4;     // a large tuned ε as in [M]: the ε placement matters
        double wd = 0.05;
        int[] sizes = {37, 19};
        java.util.Random r = new java.util.Random(5);
        double[][] theta = new double[2][];
        Parameter[] params = new Parameter[2];
        for (int p = 0; p < 2; p++) {
            theta[p] = new double[sizes[p]];
            for (int k = 0; k < sizes[p]; k++) {
                theta[p][k] = round(1.5 * r.nextGaussian(), dtype);
            }
            params[p] = new Parameter(p == 0 ? "W" : "c", row(theta[p], dtype, views),
                    row(new double[sizes[p]], dtype, views));
            assertEquals(!views, Adam.fused(params[p].value(), params[p].gradient()),
                    "the fused pass runs exactly on contiguous arrays");
        }
        Adam adam = new Adam(new AdamSettings(lr, b1, b2, eps, wd), List.of(params));
        double[][] m = {new double[sizes[0]], new double[sizes[1]]};
        double[][] v = {new double[sizes[0]], new double[sizes[1]]};
        double tol = dtype == DataType.FLOAT ? 1e-5 : 1e-14;
        for (int t = 1; t <= 25; t++) {
            for (int p = 0; p < 2; p++) {
                double[] grad = new double[sizes[p]];
                for (int k = 0; k < grad.length; k++) {
                    // Bias c gets a zero loss gradient half of the time: only weight decay moves it then.
                    grad[k] = (p == 1 && t % 2 == 0) ? 0.0 : round(r.nextGaussian() * 1e-3, dtype);
                }
                params[p].gradient().assign(Nd4j.createFromArray(grad.clone()).reshape(1, grad.length).castTo(dtype));
                for (int k = 0; k < grad.length; k++) {
                    double g = grad[k] + wd * theta[p][k];
                    m[p][k] = b1 * m[p][k] + (1 - b1) * g;
                    v[p][k] = b2 * v[p][k] + (1 - b2) * g * g;
                    double denom = Math.sqrt(v[p][k]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                    theta[p][k] -= lr / (1 - Math.pow(b1, t)) * m[p][k] / denom;
                }
            }
            adam.step();
            for (int p = 0; p < 2; p++) {
                for (int k = 0; k < sizes[p]; k++) {
                    assertEquals(theta[p][k], params[p].value().getDouble(0, k), tol,
                            dtype + " " + params[p].name() + "[" + k + "] at t=" + t);
                }
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
