package org.tpsweep.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.metrics.JacobianConditions.Jacobians;
import org.tpsweep.metrics.JacobianConditions.Values;
import org.tpsweep.nn.BatchStandardize;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.rules.AffineFeedback;

/**
 * [F]'s Jacobian conditions (ALGORITHMS.md §4, §6 check 8). Mistakes and the tests that catch them: counting
 * Re λ ≥ 0 — the zero eigenvalue of {@link #traceAndShareOfKnownSpectra}; counting only real eigenvalues, or
 * |λ| — its complex pairs; reading signs off M's diagonal — {@link #nonNormalMatrixWithPositiveDiagonal} and
 * the similarity transform; a transposed stored layout, φ' on the wrong side or at the wrong point, a wrong
 * BN composition — {@link #analyticalJacobiansMatchFiniteDifferences} (non-square layers); M = J_g J_f
 * instead of J_f J_g — {@link #mIsTheNiByNiProduct}.
 */
class JacobianConditionsTest {
    private static final int[] WIDTHS = {4, 6, 6, 3};

    /** [[a, −b], [b, a]]: eigenvalues a ± ib. */
    private static double[][] rotationScaling(double a, double b) {
        return new double[][] {{a, -b}, {b, a}};
    }

    private static INDArray blockDiagonal(double[][]... blocks) {
        int n = Arrays.stream(blocks).mapToInt(b -> b.length).sum();
        INDArray m = Nd4j.zeros(DataType.DOUBLE, n, n);
        int at = 0;
        for (double[][] block : blocks) {
            for (int r = 0; r < block.length; r++) {
                for (int c = 0; c < block.length; c++) {
                    m.putScalar(at + r, at + c, block[r][c]);
                }
            }
            at += block.length;
        }
        return m;
    }

    /**
     * Spectrum {0.5 ± 2i, −0.3 ± i, 0, 1.5, −2}: 3 of 7 with Re λ &gt; 0 (the exact 0 not counted; ≥ would give
     * 4/7, counting real eigenvalues only 1/3 or 1/7, |λ| &gt; 0 6/7); tr = −0.1. Tolerance 1e-12: the matrix is
     * already quasi-triangular, so the Schur iteration only rounds.
     */
    @Test
    void traceAndShareOfKnownSpectra() {
        INDArray m = blockDiagonal(rotationScaling(0.5, 2.0), rotationScaling(-0.3, 1.0), new double[][] {{0}},
                new double[][] {{1.5}}, new double[][] {{-2.0}});
        Values v = JacobianConditions.ofMatrix(m);
        assertEquals(-0.1, v.trace(), 1e-12);
        assertEquals(3.0 / 7, v.positiveShare(), 0.0);
        double[] re = JacobianConditions.eigenvalues(m).real().clone();
        double[] im = JacobianConditions.eigenvalues(m).imaginary().clone();
        Arrays.sort(re);
        Arrays.sort(im);
        assertArrayEquals(new double[] {-2, -0.3, -0.3, 0, 0.5, 0.5, 1.5}, re, 1e-12);
        assertArrayEquals(new double[] {-2, -1, 0, 0, 0, 1, 2}, im, 1e-12);
    }

    /**
     * The same kind of spectrum ({0.5 ± 2i, −0.3 ± i, −0.7, 1.5, −2}, no zero: roundoff would decide its sign)
     * hidden by a similarity S M S⁻¹ with a random S: non-normal, no block structure, a diagonal whose signs say
     * nothing. Trace and share are unchanged (trace to 1e-10: S's condition number times roundoff).
     */
    @Test
    void shareIsInvariantUnderSimilarity() {
        INDArray m = blockDiagonal(rotationScaling(0.5, 2.0), rotationScaling(-0.3, 1.0), new double[][] {{-0.7}},
                new double[][] {{1.5}}, new double[][] {{-2.0}});
        INDArray s = Nd4j.eye(7).castTo(DataType.DOUBLE).addi(gaussian(7, 7, 0.4, 11));
        INDArray similar = s.mmul(m).mmul(org.nd4j.linalg.inverse.InvertMatrix.invert(s, false));
        Values v = JacobianConditions.ofMatrix(similar);
        assertEquals(1.5 - 0.6 + 1.0 - 0.7 - 2.0, v.trace(), 1e-10);
        assertEquals(3.0 / 7, v.positiveShare(), 0.0);
    }

    /** [[1, 4], [−1, −2]]: a positive diagonal entry, yet λ = −0.5 ± i√7/2, so the share is 0; tr = −1. */
    @Test
    void nonNormalMatrixWithPositiveDiagonal() {
        Values v = JacobianConditions.ofMatrix(Nd4j.createFromArray(new double[][] {{1, 4}, {-1, -2}}));
        assertEquals(-1.0, v.trace(), 1e-15);
        assertEquals(0.0, v.positiveShare(), 0.0);
    }

    /**
     * Tiny matrices (entries ~1e-14, which Commons Math alone rejects as "zero norm") give the share of their
     * scaled-up copies; the zero matrix gives 0 and 0; a NaN gives NaN, NaN.
     */
    @Test
    void tinyZeroAndNonFiniteMatrices() {
        INDArray m = blockDiagonal(rotationScaling(0.5, 2.0), rotationScaling(-0.3, 1.0), new double[][] {{1.5}});
        Values tiny = JacobianConditions.ofMatrix(m.mul(1e-14));
        assertEquals(3.0 / 5, tiny.positiveShare(), 0.0);
        assertEquals(1.9e-14, tiny.trace(), 1e-26);
        Values zero = JacobianConditions.ofMatrix(Nd4j.zeros(DataType.DOUBLE, 4, 4));
        assertEquals(0.0, zero.trace(), 0.0);
        assertEquals(0.0, zero.positiveShare(), 0.0);
        m.putScalar(0, 1, Double.NaN);
        Values nan = JacobianConditions.ofMatrix(m);
        assertTrue(Double.isNaN(nan.trace()) && Double.isNaN(nan.positiveShare()));
    }

    /**
     * Every analytical Jacobian against central finite differences (step 1e-6: truncation ~1e-12, roundoff
     * ~1e-10 relative) of the map as tp-sweep computes it — {@link DenseNetwork#layer} for f,
     * {@link AffineFeedback#apply} for g, {@link BatchStandardize#perSample} for BNq — on 4-6-6-3 (the 4 → 6
     * and 6 → 3 layers are non-square, so a transposed layout cannot pass). Relative error &lt; 1e-6.
     */
    @Test
    void analyticalJacobiansMatchFiniteDifferences() {
        DenseNetwork net = network(21);
        INDArray h0 = gaussian(1, 4, 1.0, 22);
        INDArray h1 = net.layer(1, h0);
        INDArray h2 = net.layer(2, h1);
        for (int i = 1; i <= 2; i++) {
            int layer = i;
            INDArray h = i == 1 ? h0 : h1;
            INDArray w = net.weight(i);
            assertRelative(fdJacobian(x -> net.layer(layer, x), h), Jacobians.tanhForward(w, h), "tanh f_" + i);
            assertRelative(fdJacobian(x -> BatchStandardize.perSample(net.layer(layer, x)), h),
                    Jacobians.tanhBnForward(w, h), "BNq∘tanh f_" + i);
        }
        INDArray w3 = net.weight(3);
        assertRelative(fdJacobian(x -> net.layer(3, x), h2), Jacobians.linearForward(w3), "linear f_3");
        assertRelative(fdJacobian(x -> BatchStandardize.perSample(net.layer(3, x)), h2),
                Jacobians.linearBnForward(w3, h2), "BNq∘linear f_3");
        // Feedback maps g_2: R^6 → R^6 (at h2), g_3: R^3 → R^6 (at the output), and a 6 → 4 one (at h1).
        INDArray u3 = net.layer(3, h2);
        for (AffineFeedback g : new AffineFeedback[] {feedback(6, 6, 23), feedback(3, 6, 24), feedback(6, 4, 25)}) {
            INDArray u = g.q().rows() == 3 ? u3 : g.q().columns() == 4 ? h1 : h2;
            String name = "g " + Arrays.toString(g.q().shape());
            assertRelative(fdJacobian(g::apply, u), Jacobians.tanhFeedback(g.q(), u), "tanh " + name);
            assertRelative(fdJacobian(x -> BatchStandardize.perSample(g.apply(x)), u),
                    Jacobians.tanhBnFeedback(g.q(), u), "BNq∘tanh " + name);
        }
        // float32 weights and sample give the float64 Jacobian to float32 precision (1e-5 relative) in float32.
        INDArray w32 = net.weight(2).castTo(DataType.FLOAT);
        INDArray j32 = Jacobians.tanhBnForward(w32, h1.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, j32.dataType());
        INDArray j64 = Jacobians.tanhBnForward(net.weight(2), h1);
        assertTrue(j64.sub(j32.castTo(DataType.DOUBLE)).norm2Number().doubleValue()
                < 1e-5 * j64.norm2Number().doubleValue(), "float32 BNq∘tanh f_2");
    }

    /**
     * ALGORITHMS.md §6 check 8, second half: tr(M) from the analytical Jacobians equals tr(J_f J_g) with both
     * Jacobians by central finite differences (relative 1e-6), for layers 2 (6 → 6, tanh) and 3 (6 → 3, linear
     * output), without BN and with [F]'s per-sample BN, for learned-size (Xavier) and fw-dtp-size
     * (U(−1e-3, 1e-3)) feedback. Without BN the share also agrees (asserted only when no eigenvalue's real part
     * lies within 1e-6·‖M‖ of 0, far above the finite-difference error — a precondition the seeds meet).
     */
    @Test
    void traceEqualsFiniteDifferenceTrace() {
        DenseNetwork net = network(31);
        INDArray h1 = net.layer(1, gaussian(1, 4, 1.0, 32));
        INDArray h2 = net.layer(2, h1);
        for (double fixedRange : new double[] {0.0, 1e-3}) {
            AffineFeedback g2 = feedback(6, 6, 33);
            AffineFeedback g3 = feedback(3, 6, 34);
            if (fixedRange > 0) {
                Nd4j.rand(g2.q(), -fixedRange, fixedRange, rng(35));
                Nd4j.rand(g3.q(), -fixedRange, fixedRange, rng(36));
            }
            String set = fixedRange > 0 ? "fixed U(-1e-3,1e-3) Q" : "Xavier Q";
            // Layer 2, tanh.
            UnaryOperator<INDArray> f2 = x -> net.layer(2, x);
            INDArray u2 = f2.apply(h1);
            checkTrace(fdJacobian(f2, h1), fdJacobian(g2::apply, u2), Jacobians.tanhForward(net.weight(2), h1),
                    Jacobians.tanhFeedback(g2.q(), u2), true, set + " layer 2");
            // Layer 3, linear output.
            INDArray u3 = net.layer(3, h2);
            checkTrace(fdJacobian(x -> net.layer(3, x), h2), fdJacobian(g3::apply, u3),
                    Jacobians.linearForward(net.weight(3)), Jacobians.tanhFeedback(g3.q(), u3), true,
                    set + " layer 3");
            // The same layers with the per-sample BN quirk (fw-dtp-bn; the output as linear-BN).
            UnaryOperator<INDArray> f2bn = x -> BatchStandardize.perSample(net.layer(2, x));
            UnaryOperator<INDArray> g2bn = x -> BatchStandardize.perSample(g2.apply(x));
            INDArray u2bn = f2bn.apply(h1);
            checkTrace(fdJacobian(f2bn, h1), fdJacobian(g2bn, u2bn), Jacobians.tanhBnForward(net.weight(2), h1),
                    Jacobians.tanhBnFeedback(g2.q(), u2bn), false, set + " BN layer 2");
            UnaryOperator<INDArray> f3bn = x -> BatchStandardize.perSample(net.layer(3, x));
            UnaryOperator<INDArray> g3bn = x -> BatchStandardize.perSample(g3.apply(x));
            INDArray u3bn = f3bn.apply(h2);
            checkTrace(fdJacobian(f3bn, h2), fdJacobian(g3bn, u3bn), Jacobians.linearBnForward(net.weight(3), h2),
                    Jacobians.tanhBnFeedback(g3.q(), u3bn), false, set + " BN layer 3");
        }
    }

    /**
     * A documented property of the per-sample quirk, not a check of the code: BNq ignores a common offset, so
     * J_BNq 1 = 0 and M = J_BNq(·) … has an eigenvalue that is 0 up to roundoff, whose sign — and so 1/n of the
     * share — roundoff decides. (It also nearly ignores scale, J_BNq y = y·ε/(s + ε)², a second near-zero.)
     */
    @Test
    void perSampleBnGivesRoundoffZeroEigenvalues() {
        DenseNetwork net = network(41);
        INDArray h1 = net.layer(1, gaussian(1, 4, 1.0, 42));
        AffineFeedback g2 = feedback(6, 6, 43);
        INDArray jf = Jacobians.tanhBnForward(net.weight(2), h1);
        INDArray u = BatchStandardize.perSample(net.layer(2, h1));
        INDArray m = jf.mmul(Jacobians.tanhBnFeedback(g2.q(), u));
        double scale = m.norm2Number().doubleValue();
        double[] re = JacobianConditions.eigenvalues(m).real();
        double[] im = JacobianConditions.eigenvalues(m).imaginary();
        int nearZero = 0;
        for (int k = 0; k < re.length; k++) {
            if (Math.hypot(re[k], im[k]) < 1e-10 * scale) {
                nearZero++;
            }
        }
        assertTrue(nearZero >= 2, "eigenvalues " + Arrays.toString(re) + " + i" + Arrays.toString(im));
    }

    /**
     * M = J_f J_g is n_i × n_i: with J_f = (1 0 0) and J_g = (2 0 0)ᵀ it is [2], share 1; J_g J_f (3 × 3, exact
     * eigenvalues 2, 0, 0) would give 1/3. The trace, tr(J_f J_g) = tr(J_g J_f), cannot tell the two apart.
     */
    @Test
    void mIsTheNiByNiProduct() {
        Values v = JacobianConditions.of(Nd4j.createFromArray(new double[][] {{1, 0, 0}}),
                Nd4j.createFromArray(new double[][] {{2}, {0}, {0}}));
        assertEquals(2.0, v.trace(), 0.0);
        assertEquals(1.0, v.positiveShare(), 0.0);
    }

    @Test
    void meanOverEvaluationBatches() {
        JacobianConditions.Mean mean = new JacobianConditions.Mean();
        assertEquals(0, mean.count());
        assertTrue(Double.isNaN(mean.mean().trace()) && Double.isNaN(mean.mean().positiveShare()));
        mean.add(new Values(1.0, 0.5));
        mean.add(new Values(3.0, 0.25));
        mean.add(new Values(-1.0, 0.0));
        assertEquals(3, mean.count());
        assertEquals(1.0, mean.mean().trace(), 1e-15);
        assertEquals(0.25, mean.mean().positiveShare(), 1e-15);
    }

    private static void checkTrace(INDArray jfFd, INDArray jgFd, INDArray jf, INDArray jg, boolean compareShare,
            String what) {
        INDArray mFd = jfFd.mmul(jgFd);
        Values fd = JacobianConditions.ofMatrix(mFd);
        Values analytic = JacobianConditions.of(jf, jg);
        double relative = Math.abs(fd.trace() - analytic.trace()) / jf.mmul(jg).norm2Number().doubleValue();
        assertTrue(relative < 1e-6, what + ": trace " + analytic.trace() + " vs finite differences " + fd.trace());
        if (compareShare) {
            double[] re = JacobianConditions.eigenvalues(mFd).real();
            double gap = Arrays.stream(re).map(Math::abs).min().orElseThrow();
            assertTrue(gap > 1e-6 * mFd.norm2Number().doubleValue(), what + ": set-up, an eigenvalue near 0");
            assertEquals(fd.positiveShare(), analytic.positiveShare(), 0.0, what + ": share");
        }
    }

    /** ∂map/∂x at a row x (1 × n) by central differences, step 1e-6: out × n. */
    private static INDArray fdJacobian(UnaryOperator<INDArray> map, INDArray x) {
        int n = (int) x.length();
        double h = 1e-6;
        INDArray row = x.reshape(1, n).dup();
        INDArray jacobian = null;
        for (int k = 0; k < n; k++) {
            INDArray up = row.dup();
            INDArray down = row.dup();
            up.putScalar(0, k, up.getDouble(0, k) + h);
            down.putScalar(0, k, down.getDouble(0, k) - h);
            INDArray diff = map.apply(up).sub(map.apply(down)).divi(2 * h);
            if (jacobian == null) {
                jacobian = Nd4j.zeros(DataType.DOUBLE, diff.length(), n);
            }
            jacobian.getColumn(k).assign(diff.reshape(diff.length()));
        }
        return jacobian;
    }

    private static void assertRelative(INDArray expected, INDArray actual, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + ": shape");
        double err = expected.sub(actual).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
        assertTrue(err < 1e-6, what + ": relative error " + err);
    }

    private static void assertArrayEquals(double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], tol, "index " + k + " of " + Arrays.toString(actual));
        }
    }

    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** [F]'s bias-free network 4-6-6-3 (tanh hidden, linear output). */
    private static DenseNetwork network(long seed) {
        return DenseNetwork.xavierNormal(WIDTHS, new boolean[] {false, false, false}, DataType.DOUBLE, rng(seed));
    }

    /** g(u) = tanh(u Q), Q stored in × out (n_i × n_{i-1}), no bias. */
    private static AffineFeedback feedback(int in, int out, long seed) {
        return new AffineFeedback("Q", in, out, false, true, DataType.DOUBLE, rng(seed));
    }

    private static INDArray gaussian(int rows, int cols, double std, long seed) {
        INDArray a = Nd4j.createUninitialized(DataType.DOUBLE, rows, cols);
        Nd4j.randn(0.0, std, a, rng(seed));
        return a;
    }
}
