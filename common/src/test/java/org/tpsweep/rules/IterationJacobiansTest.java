package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.IterativeKeys;
import org.tpsweep.nn.Activation;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.GaussianNoise;

/**
 * The sweep Jacobians of dtp-iterative's contraction record (ALGORITHMS.md §3c "Record") against finite differences
 * of the production maps: I − J_g J_f is the Jacobian of one eq.-35 sweep of τ_{i-1} at a_{i-1}; J_f and J_g are the
 * Jacobians of f_i at a_{i-1} and of g_i at a_i, and eq. 27's matrix is I − J_f J_g; the rule picks the form its
 * refinement iterates, at the requested sample.
 */
class IterationJacobiansTest {
    private static final DataType D = DataType.DOUBLE;
    private static final double H = 1e-6;

    private static INDArray randn(int r, int c, double std, long seed) {
        INDArray x = Nd4j.createUninitialized(D, r, c);
        Nd4j.randn(0.0, std, x, SmallNetworks.rng(seed));
        return x;
    }

    /** A 3-5-4-2 net (widths deliberately unequal) with random decoders Ω_2 (4 × 5), Ω_3 (2 × 4) and biases. */
    private static IterativeLayers maps(Activation phi) {
        INDArray[] w = {randn(3, 5, 0.8, 1), randn(5, 4, 0.8, 2), randn(4, 2, 0.8, 3)};
        INDArray[] b = {randn(1, 5, 0.3, 4), randn(1, 4, 0.3, 5), randn(1, 2, 0.3, 6)};
        INDArray[] omega = {null, null, randn(4, 5, 0.7, 7), randn(2, 4, 0.7, 8)};
        INDArray[] c = {null, null, randn(1, 5, 0.2, 9), randn(1, 4, 0.2, 10)};
        return new IterativeLayers(DenseNetwork.of(w, b).withActivation(phi, false), omega, c);
    }

    /** a_1..a_3 of one input row. */
    private static INDArray[] preActivations(IterativeLayers maps, INDArray x) {
        INDArray[] a = new INDArray[4];
        a[1] = maps.preActivation(1, x);
        a[2] = maps.f(2, a[1]);
        a[3] = maps.f(3, a[2]);
        return a;
    }

    /** The column-convention Jacobian ∂F_r/∂v_k of a map of rows, by central differences at the row v. */
    private static INDArray finiteDifference(UnaryOperator<INDArray> map, INDArray v) {
        int n = (int) v.columns();
        int m = (int) map.apply(v).columns();
        INDArray j = Nd4j.zeros(D, m, n);
        for (int k = 0; k < n; k++) {
            INDArray up = v.dup();
            INDArray down = v.dup();
            up.putScalar(0, k, v.getDouble(0, k) + H);
            down.putScalar(0, k, v.getDouble(0, k) - H);
            j.putColumn(k, map.apply(up).sub(map.apply(down)).divi(2 * H).reshape(m, 1));
        }
        return j;
    }

    private static void assertNoKinkWithin(INDArray[] a, double margin) {
        for (int i = 1; i <= 3; i++) {
            assertTrue(org.nd4j.linalg.ops.transforms.Transforms.abs(a[i]).minNumber().doubleValue() > margin,
                    "a pre-activation too close to the leaky-ReLU kink for differences: " + a[i]);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < tol, what + ": largest difference " + diff);
    }

    @Test
    void eq35MatrixIsTheJacobianOfOneSweepAtTheForwardPass() {
        for (Activation phi : new Activation[] {Activation.leakyRelu(0.5), Activation.TANH}) {
            IterativeLayers maps = maps(phi);
            INDArray[] a = preActivations(maps, randn(1, 3, 1.0, 11));
            assertNoKinkWithin(a, 1e-3);
            for (int i = 2; i <= 3; i++) {
                int layer = i;
                INDArray tau = a[i].add(randn(1, (int) a[i].columns(), 0.1, 12));
                // one sweep of eq. 35 for τ_{i-1} with τ_i held: v + g_i(τ_i) − g_i(f_i(v))
                INDArray fd = finiteDifference(v -> v.add(maps.g(layer, tau)).subi(maps.g(layer, maps.f(layer, v))),
                        a[i - 1]);
                assertClose(fd, IterationJacobians.eq35(maps, i, a[i - 1], a[i]), 1e-8, phi + " layer " + i);
            }
        }
    }

    @Test
    void eq27MatrixIsIMinusJfJgWithBothFactorsFiniteDifferenceJacobians() {
        for (Activation phi : new Activation[] {Activation.leakyRelu(0.3), Activation.TANH}) {
            IterativeLayers maps = maps(phi);
            INDArray[] a = preActivations(maps, randn(1, 3, 1.0, 13));
            assertNoKinkWithin(a, 1e-3);
            for (int i = 2; i <= 3; i++) {
                int layer = i;
                INDArray jf = finiteDifference(v -> maps.f(layer, v), a[i - 1]);
                INDArray jg = finiteDifference(v -> maps.g(layer, v), a[i]);
                assertClose(jf, IterationJacobians.jacobianF(maps, i, a[i - 1]), 1e-8, phi + " J_f " + i);
                assertClose(jg, IterationJacobians.jacobianG(maps, i, a[i]), 1e-8, phi + " J_g " + i);
                INDArray expected = Nd4j.eye(jf.rows()).castTo(D).sub(jf.mmul(jg));
                assertClose(expected, IterationJacobians.eq27(maps, i, a[i - 1], a[i]), 1e-7, phi + " eq27 " + i);
            }
        }
    }

    private static DtpIterativeRule rule(IterativeLayers maps, String refine) {
        IterativeTargets.Settings s = new IterativeTargets.Settings(IterativeKeys.DIFFERENCE,
                IterativeKeys.SYNCHRONOUS, refine, 1e-4, 100, true);
        return new DtpIterativeRule(maps, s, 0.05, false, 0.0, IterativeKeys.INFLUENCE, 0, 0.5, new GaussianNoise(1));
    }

    @Test
    void theRuleTakesTheFormOfItsRefinementAtTheRequestedSample() {
        IterativeLayers maps = maps(Activation.leakyRelu(0.5));
        INDArray x = randn(3, 3, 1.0, 14);
        ForwardPass pass = maps.network().forward(x);
        INDArray[] a = preActivations(maps, x.getRow(2, true));
        for (String refine : new String[] {IterativeKeys.EQ35, IterativeKeys.EQ27_THEN_35}) {
            INDArray m = rule(maps, refine).sweepJacobian(pass, 2, 3);
            assertClose(IterationJacobians.eq35(maps, 3, a[2], a[3]), m, 1e-12, refine);
            assertEquals(4, m.rows(), refine + ": n_2 × n_2");
        }
        for (String refine : new String[] {IterativeKeys.EQ27, IterativeKeys.EQ27_34}) {
            INDArray m = rule(maps, refine).sweepJacobian(pass, 2, 3);
            assertClose(IterationJacobians.eq27(maps, 3, a[2], a[3]), m, 1e-12, refine);
            assertEquals(2, m.rows(), refine + ": n_3 × n_3");
        }
        assertTrue(rule(maps, IterativeKeys.EQ35).sweepJacobian(pass, 0, 2)
                .sub(rule(maps, IterativeKeys.EQ35).sweepJacobian(pass, 2, 2)).amaxNumber().doubleValue() > 1e-6,
                "another sample, another matrix");
    }
}
