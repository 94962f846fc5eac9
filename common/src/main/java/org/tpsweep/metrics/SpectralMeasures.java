package org.tpsweep.metrics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The spectral radius ρ(M) = max_k |λ_k| and the spectral norm ‖M‖₂ = σ_max(M) of a real square matrix, in
 * float64, for dtp-iterative's contraction diagnostic (ALGORITHMS.md §3c "Record", §6 check 7): a fixed-point
 * sweep with Jacobian M contracts at every step where ‖M‖₂ &lt; 1, while ρ(M) &lt; 1 alone bounds only the
 * asymptotic rate. Eigenvalues and singular values come from LAPACK ({@link LapackEigenvalues},
 * {@link LapackSingularValues}) where it loads, else from Commons Math.
 */
public final class SpectralMeasures {
    private SpectralMeasures() {
    }

    /** ρ(M) and ‖M‖₂; NaN, NaN for a matrix with a non-finite entry. */
    public record Values(double radius, double norm) {
    }

    /** ρ and ‖·‖₂ of the square matrix {@code m} (any floating dtype, read in float64). */
    public static Values of(INDArray m) {
        if (m.rank() != 2 || m.rows() != m.columns()) {
            throw new IllegalArgumentException("M must be square, got shape " + java.util.Arrays.toString(m.shape()));
        }
        INDArray d = m.castTo(DataType.DOUBLE);
        int n = (int) d.rows();
        double[] columnMajor = d.dup('f').data().asDouble();
        for (double v : columnMajor) {
            if (!Double.isFinite(v)) {
                return new Values(Double.NaN, Double.NaN);
            }
        }
        return new Values(radius(d, columnMajor.clone(), n), norm(d, columnMajor.clone(), n));
    }

    private static double radius(INDArray m, double[] columnMajor, int n) {
        JacobianConditions.Eigenvalues e = LapackEigenvalues.eigenvalues(columnMajor, n);
        if (e == null) {
            e = JacobianConditions.eigenvalues(m);
        }
        double rho = 0;
        for (int k = 0; k < n; k++) {
            rho = Math.max(rho, Math.hypot(e.real()[k], e.imaginary()[k]));
        }
        return rho;
    }

    private static double norm(INDArray m, double[] columnMajor, int n) {
        double[] s = LapackSingularValues.of(columnMajor, n, n);
        if (s != null) {
            return s.length == 0 ? 0 : s[0];
        }
        return new SingularValueDecomposition(new Array2DRowRealMatrix(m.toDoubleMatrix(), false)).getNorm();
    }
}
