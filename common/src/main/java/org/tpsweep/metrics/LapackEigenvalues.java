package org.tpsweep.metrics;

import org.bytedeco.openblas.global.openblas;

/**
 * Eigenvalues of a real square matrix through LAPACK's {@code dgeev} (eigenvalues only, real and imaginary parts) in the OpenBLAS that ND4J's
 * CPU backend ships, ≈ 10× faster than Commons Math's {@link org.apache.commons.math3.linear.EigenDecomposition}
 * at n = 256. {@link #AVAILABLE} is false where the library cannot be loaded or fails a check on a matrix with
 * known eigenvalues; callers then use {@link JacobianConditions#eigenvalues} (also the reference in the tests).
 */
public final class LapackEigenvalues {
    /** True when LAPACK's dgeev loaded and passed the check of {@link #probe()}. */
    public static final boolean AVAILABLE = probe();

    private LapackEigenvalues() {
    }

    /**
     * The real parts of the eigenvalues of the n × n matrix stored in {@code a} (row- or column-major: A and Aᵀ
     * have the same eigenvalues); {@code a} is overwritten. Null when LAPACK is unavailable or reports a failure
     * (no convergence); the caller then falls back to Commons Math.
     */
    public static double[] realParts(double[] a, int n) {
        JacobianConditions.Eigenvalues e = eigenvalues(a, n);
        return e == null ? null : e.real();
    }

    /**
     * The eigenvalues (real and imaginary parts) of the n × n matrix stored column-major in {@code a}; {@code a} is
     * overwritten. Null when LAPACK is unavailable or reports a failure; the caller then falls back to Commons Math.
     */
    public static JacobianConditions.Eigenvalues eigenvalues(double[] a, int n) {
        if (!AVAILABLE) {
            return null;
        }
        return dgeev(a, n);
    }

    private static JacobianConditions.Eigenvalues dgeev(double[] a, int n) {
        if (a.length != (long) n * n) {
            throw new IllegalArgumentException(a.length + " entries for an " + n + " × " + n + " matrix");
        }
        double[] re = new double[n];
        double[] im = new double[n];
        double[] unused = new double[1];
        int info = openblas.LAPACKE_dgeev(openblas.LAPACK_COL_MAJOR, (byte) 'N', (byte) 'N', n, a, n, re, im, unused, 1,
                unused, 1);
        return info == 0 ? new JacobianConditions.Eigenvalues(re, im) : null;
    }

    /** Loads the library and checks dgeev on [[0, 1], [−2, −3]] (eigenvalues −1, −2) and on a rotation (±i). */
    private static boolean probe() {
        try {
            JacobianConditions.Eigenvalues real = dgeev(new double[] {0, -2, 1, -3}, 2);
            JacobianConditions.Eigenvalues rotation = dgeev(new double[] {0, 1, -1, 0}, 2);
            if (real == null || rotation == null) {
                return false;
            }
            double[] re = real.real().clone();
            java.util.Arrays.sort(re);
            return Math.abs(re[0] + 2) < 1e-12 && Math.abs(re[1] + 1) < 1e-12 && Math.abs(rotation.real()[0]) < 1e-12
                    && Math.abs(rotation.real()[1]) < 1e-12
                    && Math.abs(Math.abs(rotation.imaginary()[0]) - 1) < 1e-12
                    && Math.abs(rotation.imaginary()[0] + rotation.imaginary()[1]) < 1e-12;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
