package org.tpsweep.metrics;

import org.bytedeco.openblas.global.openblas;

/**
 * Singular values of a real matrix through LAPACK's {@code dgesvd} (values only) in the OpenBLAS that ND4J's CPU
 * backend ships. {@link #AVAILABLE} is false where the library cannot be loaded or fails a check on matrices with
 * known singular values; callers then use Commons Math ({@link SpectralMeasures}).
 */
public final class LapackSingularValues {
    /** True when LAPACK's dgesvd loaded and passed the check of {@link #probe()}. */
    public static final boolean AVAILABLE = probe();

    private LapackSingularValues() {
    }

    /**
     * The singular values, largest first, of the m × n matrix stored column-major in {@code a}; {@code a} is
     * overwritten. Null when LAPACK is unavailable or reports a failure (no convergence).
     */
    public static double[] of(double[] a, int m, int n) {
        if (!AVAILABLE) {
            return null;
        }
        return dgesvd(a, m, n);
    }

    private static double[] dgesvd(double[] a, int m, int n) {
        if (a.length != (long) m * n) {
            throw new IllegalArgumentException(a.length + " entries for an " + m + " × " + n + " matrix");
        }
        int k = Math.min(m, n);
        double[] s = new double[k];
        double[] unused = new double[1];
        double[] superb = new double[Math.max(1, k - 1)];
        int info = openblas.LAPACKE_dgesvd(openblas.LAPACK_COL_MAJOR, (byte) 'N', (byte) 'N', m, n, a, m, s, unused, 1,
                unused, 1, superb);
        return info == 0 ? s : null;
    }

    /** Loads the library and checks dgesvd on diag(3, −2) (3, 2) and on [[1, 1], [0, 1]] (the golden ratio φ, 1/φ). */
    private static boolean probe() {
        try {
            double[] diagonal = dgesvd(new double[] {3, 0, 0, -2}, 2, 2);
            double[] shear = dgesvd(new double[] {1, 0, 1, 1}, 2, 2);
            if (diagonal == null || shear == null) {
                return false;
            }
            double golden = (1 + Math.sqrt(5)) / 2;
            return Math.abs(diagonal[0] - 3) < 1e-12 && Math.abs(diagonal[1] - 2) < 1e-12
                    && Math.abs(shear[0] - golden) < 1e-12 && Math.abs(shear[1] - 1 / golden) < 1e-12;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
