package org.tpsweep.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** [F]'s plain SGD (ALGORITHMS.md §1b): θ ← θ − lr·∇ on every parameter, nothing else. */
class SgdTest {

    @Test
    void eachStepSubtractsLrTimesTheGradient() {
        Parameter w = Parameter.of("W1", Nd4j.createFromArray(new double[][] {{1.0, -2.0}, {0.5, 4.0}}));
        Parameter b = Parameter.of("b1", Nd4j.createFromArray(new double[][] {{0.25, 0.0}}));
        Sgd sgd = new Sgd(0.1, List.of(w, b));
        w.gradient().assign(Nd4j.createFromArray(new double[][] {{2.0, 1.0}, {-4.0, 0.0}}));
        b.gradient().assign(Nd4j.createFromArray(new double[][] {{1.0, -3.0}}));

        sgd.step();
        sgd.step();                                    // the same gradient twice: no momentum, no decay

        assertArrayEquals(new double[] {1.0 - 0.4, -2.0 - 0.2, 0.5 + 0.8, 4.0}, flat(w.value()), 1e-15);
        assertArrayEquals(new double[] {0.25 - 0.2, 0.6}, flat(b.value()), 1e-15);
        assertEquals(2, sgd.steps());
    }

    /** Heavy ball as PyTorch runs it (dampening 0): v₁ = g₁, v_t = μ v_{t−1} + g_t, θ ← θ − lr v_t. */
    @Test
    void momentumAccumulatesTheVelocityFromTheFirstGradient() {
        Parameter w = Parameter.of("Q2", Nd4j.createFromArray(new double[][] {{1.0, -1.0}}));
        Sgd sgd = new Sgd(0.5, 0.9, List.of(w));
        double[][] grads = {{1.0, 2.0}, {-1.0, 0.0}, {0.5, 4.0}};
        double[] theta = {1.0, -1.0};
        double[] v = {0.0, 0.0};
        for (int t = 0; t < grads.length; t++) {
            w.gradient().assign(Nd4j.createFromArray(new double[][] {grads[t]}));
            sgd.step();
            for (int k = 0; k < 2; k++) {
                v[k] = t == 0 ? grads[t][k] : 0.9 * v[k] + grads[t][k];
                theta[k] -= 0.5 * v[k];
            }
        }
        // by hand: v = (1, 2), (−0.1, 1.8), (0.41, 5.62); θ = (0.5, −2), (0.55, −2.9), (0.345, −5.71)
        assertArrayEquals(new double[] {0.345, -5.71}, theta, 1e-12);
        assertArrayEquals(theta, flat(w.value()), 1e-12);
        assertEquals(0.9, sgd.momentum());
    }

    @Test
    void aMomentumOutsideZeroToOneIsRefused() {
        Parameter w = Parameter.of("W1", Nd4j.zeros(2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 1.0, List.of(w)));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, -0.1, List.of(w)));
    }

    @Test
    void aNegativeOrInfiniteLearningRateIsRefused() {
        Parameter w = Parameter.of("W1", Nd4j.zeros(2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-0.1, List.of(w)));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(Double.POSITIVE_INFINITY, List.of(w)));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(Double.NaN, List.of(w)));
    }

    private static double[] flat(INDArray a) {
        return a.dup('c').data().asDouble();
    }
}
