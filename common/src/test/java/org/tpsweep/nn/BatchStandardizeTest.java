package org.tpsweep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * [F]'s BN (ALGORITHMS.md §1b) and its per-sample quirk (§4). Mistakes and the tests that catch them:
 * biased std — every forward test and the column statistics; a missing or misplaced ε — the ε column of the
 * forward and backward tests (a unit whose std is 1e-12, so ε halves y); a detached batch mean or std in the
 * backward pass — the finite-difference test and the invariance test; stats over the wrong axis — the
 * non-square batches with per-column offsets and scales.
 */
class BatchStandardizeTest {
    private static final int B = 6;
    private static final int N = 5;

    /** Column j = offset_j + scale_j·z; the last column is 1e-12·z around 0, so ε is as large as the std there. */
    private static double[][] smallBatch(long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] offset = {0.0, 3.0, -2.0, 0.5, 0.0};
        double[] scale = {1.0, 0.1, 5.0, 2e-3, 1e-12};
        double[][] x = new double[B][N];
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < N; j++) {
                x[b][j] = offset[j] + scale[j] * r.nextGaussian();
            }
        }
        return x;
    }

    /** The formula in plain Java, per column, in float64. */
    private static double[][] reference(double[][] x) {
        int b = x.length;
        int n = x[0].length;
        double[][] y = new double[b][n];
        for (int j = 0; j < n; j++) {
            double mean = 0;
            for (double[] row : x) {
                mean += row[j];
            }
            mean /= b;
            double ss = 0;
            for (double[] row : x) {
                ss += (row[j] - mean) * (row[j] - mean);
            }
            double std = Math.sqrt(ss / (b - 1));
            for (int k = 0; k < b; k++) {
                y[k][j] = (x[k][j] - mean) / (std + 1e-12);
            }
        }
        return y;
    }

    @Test
    void forwardMatchesPlainJavaInBothDtypes() {
        double[][] x = smallBatch(1);
        double[][] expected = reference(x);
        // float64: the same operations in another order, so a few ulps of |y| ≤ √(B−1) ≈ 2.2.
        INDArray y64 = BatchStandardize.forward(Nd4j.createFromArray(x)).output();
        assertEquals(DataType.DOUBLE, y64.dataType());
        assertClose(expected, y64.toDoubleMatrix(), 1e-14);
        // float32, against the reference on the float32-rounded inputs. x − mean cancels: its relative error is
        // about u·max|x|/s (u = 2^-24 ≈ 6e-8; 250·u in the column 0.5 ± 2e-3), so the tolerance is per column,
        // 10·u·(1 + max_b |x_bj| / s_j): 2e-6 in the unit-scale columns, where a biased std errs by 10 %.
        INDArray x32 = Nd4j.createFromArray(x).castTo(DataType.FLOAT);
        double[][] x32d = x32.castTo(DataType.DOUBLE).toDoubleMatrix();
        INDArray y32 = BatchStandardize.forward(x32).output();
        assertEquals(DataType.FLOAT, y32.dataType());
        double[][] expected32 = reference(x32d);
        double[][] actual32 = y32.castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int j = 0; j < N; j++) {
            double[] col = new double[B];
            double maxAbs = 0;
            for (int b = 0; b < B; b++) {
                col[b] = x32d[b][j];
                maxAbs = Math.max(maxAbs, Math.abs(col[b]));
            }
            double tol = 10 * 0x1p-24 * (1 + maxAbs / unbiasedStd(col));
            for (int b = 0; b < B; b++) {
                assertEquals(expected32[b][j], actual32[b][j], tol, "float32 [" + b + "][" + j + "]");
            }
        }
        // The ε column really is halved (about): std ≈ 1e-12, so y ≈ (x − mean)/(2e-12).
        double s = BatchStandardize.forward(Nd4j.createFromArray(x)).std().getDouble(N - 1);
        assertEquals(s / (s + 1e-12), unbiasedStd(column(y64, N - 1)), 1e-12);
        assertTrue(s / (s + 1e-12) < 0.8, "test set-up: ε must matter in the last column");
    }

    @Test
    void backwardMatchesCentralFiniteDifferences() {
        double[][] x = smallBatch(2);
        INDArray c = Nd4j.createUninitialized(DataType.DOUBLE, B, N);
        Nd4j.randn(0.0, 1.0, c, Nd4j.getRandomFactory().getNewRandomInstance(3));
        INDArray analytic = BatchStandardize.forward(Nd4j.createFromArray(x)).backward(c);
        double[] colScale = {1.0, 0.1, 5.0, 2e-3, 1e-12};
        for (int j = 0; j < N; j++) {
            // Step 1e-5 of the column's spread: O(h²) truncation ~1e-10, roundoff ~1e-16/1e-5 relative.
            double h = 1e-5 * colScale[j];
            double[] fd = new double[B];
            for (int b = 0; b < B; b++) {
                double orig = x[b][j];
                x[b][j] = orig + h;
                double up = loss(x, c);
                x[b][j] = orig - h;
                double down = loss(x, c);
                x[b][j] = orig;
                fd[b] = (up - down) / (2 * h);
            }
            // Per column: the ε column's gradient (~1e12) would otherwise hide errors in the others.
            double[] an = column(analytic, j);
            assertTrue(relativeError(fd, an) < 1e-6, "column " + j + ": relative error " + relativeError(fd, an));
        }
    }

    /**
     * The fused Vector API kernels (row-major arrays) and the ND4J ops (the same batch column-major) compute the
     * same formulas: forward and backward agree to rounding, 256 × 67 (67 columns: whole vectors and a scalar tail).
     */
    @Test
    void fusedKernelsAgreeWithTheNd4jOps() {
        assertTrue(FastTanh.vectorised(), "tests run with the Vector API, so the fused kernels are under test");
        for (DataType dtype : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray x = Nd4j.createUninitialized(DataType.DOUBLE, 256, 67);
            Nd4j.randn(0.5, 2.0, x, Nd4j.getRandomFactory().getNewRandomInstance(11));
            INDArray g = Nd4j.createUninitialized(DataType.DOUBLE, 256, 67);
            Nd4j.randn(0.0, 1.0, g, Nd4j.getRandomFactory().getNewRandomInstance(12));
            x = x.castTo(dtype);
            g = g.castTo(dtype);
            BatchStandardize fused = BatchStandardize.forward(x);
            BatchStandardize ops = BatchStandardize.forward(x.dup('f'));
            double tol = dtype == DataType.DOUBLE ? 1e-13 : 2e-5;
            assertTrue(relativeError(flatten(ops.output().castTo(DataType.DOUBLE)),
                    flatten(fused.output().castTo(DataType.DOUBLE))) < tol, dtype + " forward");
            assertTrue(relativeError(flatten(ops.backward(g.dup('f')).castTo(DataType.DOUBLE)),
                    flatten(fused.backward(g).castTo(DataType.DOUBLE))) < tol, dtype + " backward");
            assertTrue(relativeError(ops.std().castTo(DataType.DOUBLE).toDoubleVector(),
                    fused.std().castTo(DataType.DOUBLE).toDoubleVector()) < tol, dtype + " std");
        }
    }

    @Test
    void backwardInFloat32AgreesWithFloat64() {
        INDArray x = Nd4j.createUninitialized(DataType.DOUBLE, 64, 16);
        Nd4j.randn(0.0, 2.0, x, Nd4j.getRandomFactory().getNewRandomInstance(4));
        INDArray g = Nd4j.createUninitialized(DataType.DOUBLE, 64, 16);
        Nd4j.randn(0.0, 1.0, g, Nd4j.getRandomFactory().getNewRandomInstance(5));
        INDArray dx64 = BatchStandardize.forward(x).backward(g);
        INDArray dx32 = BatchStandardize.forward(x.castTo(DataType.FLOAT)).backward(g.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, dx32.dataType());
        // float32 unit roundoff 6e-8, amplified by the sums over 64 samples: 1e-5 relative is ample.
        assertTrue(relativeError(flatten(dx64), flatten(dx32.castTo(DataType.DOUBLE))) < 1e-5);
    }

    /**
     * At a realistic size (256 × 1024), each output column has mean 0 and unbiased std s/(s + ε) (≈ 1 − 1e-12/s),
     * checked with ND4J's own std (bias-corrected), independent of the code under test. Tolerances: float64 1e-13
     * (a 256-term sum of O(1) values errs by at most 256·1.1e-16 ≈ 3e-14); float32 2e-5 (same bound with
     * 6e-8). A biased std gives std √(256/255) ≈ 1.002.
     */
    @Test
    void realisticBatchColumnsHaveMeanZeroAndUnbiasedStdOne() {
        for (DataType dtype : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double tol = dtype == DataType.DOUBLE ? 1e-13 : 2e-5;
            INDArray x = realisticBatch(dtype, 6);
            BatchStandardize bn = BatchStandardize.forward(x);
            INDArray y = bn.output().castTo(DataType.DOUBLE);
            INDArray s = bn.std().castTo(DataType.DOUBLE);
            INDArray expectedStd = s.div(s.add(1e-12));
            assertTrue(y.mean(0).amaxNumber().doubleValue() < tol, dtype + " column means");
            double stdError = y.std(true, 0).reshape(1, 1024).sub(expectedStd).amaxNumber().doubleValue();
            assertTrue(stdError < tol, dtype + " column stds off by " + stdError);
        }
    }

    /**
     * The gradient of a standardised output is invariant under shifting or scaling a column of x, so each column
     * of ∂ℒ/∂x sums to 0 (a detached mean breaks this) and is orthogonal to x − mean up to ε/(s + ε) (a detached
     * std breaks this). Float32 at 256 × 1024; tolerance 1e-4 relative to ‖g‖·‖x − mean‖ per column.
     */
    @Test
    void realisticBackwardIsShiftAndScaleInvariant() {
        INDArray x = realisticBatch(DataType.FLOAT, 7);
        INDArray g = Nd4j.createUninitialized(DataType.FLOAT, 256, 1024);
        Nd4j.randn(0.0, 1.0, g, Nd4j.getRandomFactory().getNewRandomInstance(8));
        BatchStandardize bn = BatchStandardize.forward(x);
        INDArray dx = bn.backward(g).castTo(DataType.DOUBLE);
        INDArray centred = x.castTo(DataType.DOUBLE).subRowVector(x.castTo(DataType.DOUBLE).mean(true, 0));
        INDArray gNorm = g.castTo(DataType.DOUBLE).norm2(0);
        INDArray columnSums = dx.sum(0).mul(bn.std().castTo(DataType.DOUBLE).reshape(1024)).div(gNorm);
        INDArray projections = dx.mul(centred).sum(0).div(gNorm.mul(centred.norm2(0)));
        assertTrue(columnSums.amaxNumber().doubleValue() < 1e-4, "Σ_b ∂ℒ/∂x");
        assertTrue(projections.amaxNumber().doubleValue() < 1e-4, "Σ_b ∂ℒ/∂x ⊙ (x − mean)");
    }

    @Test
    void perSampleStandardisesTheFeaturesOfOneSample() {
        double[] v = {0.3, -1.2, 2.5, 0.0, 0.7, -0.4, 1.1};
        double[][] asColumn = new double[v.length][1];
        for (int k = 0; k < v.length; k++) {
            asColumn[k][0] = v[k];
        }
        double[][] expected = reference(asColumn);
        INDArray row = Nd4j.createFromArray(new double[][] {v});
        INDArray y = BatchStandardize.perSample(row);
        assertEquals(1, y.rows());
        for (int k = 0; k < v.length; k++) {
            assertEquals(expected[k][0], y.getDouble(0, k), 1e-14);
        }
        INDArray y32 = BatchStandardize.perSample(Nd4j.createFromArray(v).castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, y32.dataType());
        for (int k = 0; k < v.length; k++) {
            assertEquals(expected[k][0], y32.getDouble(k), 2e-6);
        }
    }

    @Test
    void perSampleJacobianMatchesCentralFiniteDifferences() {
        double[] v = {0.3, -1.2, 2.5, 0.0, 0.7, -0.4, 1.1};
        int n = v.length;
        INDArray jacobian = BatchStandardize.perSampleJacobian(Nd4j.createFromArray(v));
        assertEquals(n, jacobian.rows());
        assertEquals(n, jacobian.columns());
        double h = 1e-6;
        double[] fd = new double[n * n];
        for (int k = 0; k < n; k++) {
            double[] up = v.clone();
            double[] down = v.clone();
            up[k] += h;
            down[k] -= h;
            INDArray diff = BatchStandardize.perSample(Nd4j.createFromArray(up))
                    .sub(BatchStandardize.perSample(Nd4j.createFromArray(down))).div(2 * h);
            for (int j = 0; j < n; j++) {
                fd[j * n + k] = diff.getDouble(j);
            }
        }
        double err = relativeError(fd, flatten(jacobian));
        assertTrue(err < 1e-6, "relative error " + err);
        // Shift invariance: J 1 = 0 exactly up to roundoff (the standardisation ignores a common offset).
        assertTrue(jacobian.sum(1).amaxNumber().doubleValue() < 1e-14);
        // float32 Jacobian agrees with float64 to float32 precision.
        INDArray j32 = BatchStandardize.perSampleJacobian(Nd4j.createFromArray(v).castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, j32.dataType());
        assertTrue(relativeError(flatten(jacobian), flatten(j32.castTo(DataType.DOUBLE))) < 1e-5);
    }

    @Test
    void aBatchOfOneIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchStandardize.forward(Nd4j.createFromArray(new double[][] {{1.0, 2.0, 3.0}})));
        assertTrue(e.getMessage().contains("at least 2 samples per minibatch"), e.getMessage());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> BatchStandardize.perSample(Nd4j.createFromArray(new double[] {1.0})));
        assertTrue(one.getMessage().contains("at least 2 features"), one.getMessage());
    }

    private static INDArray realisticBatch(DataType dtype, long seed) {
        INDArray z = Nd4j.createUninitialized(DataType.DOUBLE, 256, 1024);
        Nd4j.randn(0.0, 1.0, z, Nd4j.getRandomFactory().getNewRandomInstance(seed));
        INDArray scale = Nd4j.rand(Nd4j.create(DataType.DOUBLE, 1, 1024), 0.1, 3.1,
                Nd4j.getRandomFactory().getNewRandomInstance(seed + 100));
        INDArray offset = Nd4j.rand(Nd4j.create(DataType.DOUBLE, 1, 1024), -2.0, 2.0,
                Nd4j.getRandomFactory().getNewRandomInstance(seed + 200));
        return z.mulRowVector(scale).addiRowVector(offset).castTo(dtype);
    }

    /** Σ c ⊙ BN(x), the scalar loss of the gradient check. */
    private static double loss(double[][] x, INDArray c) {
        return BatchStandardize.forward(Nd4j.createFromArray(x)).output().mul(c).sumNumber().doubleValue();
    }

    private static double[] column(INDArray a, int j) {
        return a.getColumn(j).dup().toDoubleVector();
    }

    private static double[] flatten(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    private static double unbiasedStd(double[] v) {
        double mean = 0;
        for (double e : v) {
            mean += e;
        }
        mean /= v.length;
        double ss = 0;
        for (double e : v) {
            ss += (e - mean) * (e - mean);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /** ‖a − b‖ / max(‖a‖, ‖b‖). */
    private static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            diff += (a[k] - b[k]) * (a[k] - b[k]);
            na += a[k] * a[k];
            nb += b[k] * b[k];
        }
        return Math.sqrt(diff) / Math.sqrt(Math.max(na, nb));
    }

    private static void assertClose(double[][] expected, double[][] actual, double tol) {
        for (int b = 0; b < expected.length; b++) {
            for (int j = 0; j < expected[b].length; j++) {
                assertEquals(expected[b][j], actual[b][j], tol, "[" + b + "][" + j + "]");
            }
        }
    }
}
