package org.tpsweep.metrics;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.BatchStandardize;
import org.tpsweep.nn.FastTanh;
import org.tpsweep.nn.MatMul;

/**
 * [F]'s Jacobian conditions (Shibuya et al. 2023; ALGORITHMS.md §4) for one layer i at one sample h:
 * J_f = ∂f_i/∂h (n_i × n_{i-1}), u = f_i(h), J_g = ∂g_i/∂u at u (n_{i-1} × n_i, g_i without difference
 * correction), M = J_f J_g (n_i × n_i, not symmetric). Reports tr(M) and the share of eigenvalues of M whose
 * real part is strictly positive (strict as in [F]'s code). Eigenvalues come from LAPACK's dgeev where it loads,
 * else from Apache Commons Math 3's {@link EigenDecomposition} (real Schur form for non-symmetric matrices; pure
 * Java, about 0.5 s for n_i = 256 and 15 s for n_i = 1024 on one core), on M in float64.
 * {@link Jacobians} gives the analytical J_f and J_g of [F]'s maps; {@link Mean} averages over evaluation
 * minibatches.
 */
public final class JacobianConditions {
    private JacobianConditions() {
    }

    /** tr(M) and the share of M's eigenvalues with real part &gt; 0 (strict); NaN, NaN for a non-finite M. */
    public record Values(double trace, double positiveShare) {
    }

    /** The eigenvalues λ_k = real[k] + i·imaginary[k] of a real square matrix (complex ones in conjugate pairs). */
    public record Eigenvalues(double[] real, double[] imaginary) {
    }

    /** The conditions of M = J_f J_g, J_f n_i × n_{i-1}, J_g n_{i-1} × n_i (any floating dtype; M in float64). */
    public static Values of(INDArray jf, INDArray jg) {
        if (jf.rank() != 2 || jg.rank() != 2 || jf.columns() != jg.rows() || jf.rows() != jg.columns()) {
            throw new IllegalArgumentException("J_f " + Arrays.toString(jf.shape()) + " and J_g "
                    + Arrays.toString(jg.shape()) + " do not give a square M = J_f J_g");
        }
        return ofMatrix(MatMul.times(jf.castTo(DataType.DOUBLE), jg.castTo(DataType.DOUBLE)));
    }

    /**
     * tr(M) (from M's diagonal) and the share of eigenvalues of M with real part strictly &gt; 0, M read in float64:
     * eigenvalues from LAPACK's dgeev ({@link LapackEigenvalues}) where available, else from Commons Math
     * ({@link #eigenvalues}); NaN, NaN for a non-finite M.
     */
    public static Values ofMatrix(INDArray m) {
        double[][] a = squareMatrix(m);
        double trace = 0;
        for (int k = 0; k < a.length; k++) {
            trace += a[k][k];
        }
        if (!Double.isFinite(trace) || !allFinite(a)) {
            return new Values(Double.NaN, Double.NaN);
        }
        double[] real = LapackEigenvalues.realParts(m.castTo(DataType.DOUBLE).dup('c').ravel().toDoubleVector(),
                a.length);
        int positive = 0;
        for (double re : real != null ? real : eigenvalues(a).real()) {
            if (re > 0) {
                positive++;
            }
        }
        return new Values(trace, (double) positive / a.length);
    }

    /**
     * The eigenvalues of a real square matrix with finite entries. M is first divided by its largest |entry|
     * (Commons Math rejects a non-symmetric matrix whose Schur form has an entry sum below 1e-12, "zero norm",
     * e.g. one with entries ~1e-14); the eigenvalues are scaled back, so signs and values are unaffected.
     */
    public static Eigenvalues eigenvalues(INDArray m) {
        double[][] a = squareMatrix(m);
        if (!allFinite(a)) {
            throw new IllegalArgumentException("M has non-finite entries");
        }
        return eigenvalues(a);
    }

    private static Eigenvalues eigenvalues(double[][] a) {
        int n = a.length;
        double maxAbs = 0;
        for (double[] row : a) {
            for (double v : row) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        if (maxAbs == 0) {
            return new Eigenvalues(new double[n], new double[n]);
        }
        double[][] scaled = new double[n][];
        for (int r = 0; r < n; r++) {
            scaled[r] = a[r].clone();
            for (int c = 0; c < n; c++) {
                scaled[r][c] /= maxAbs;
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(scaled, false));
        double[] re = eig.getRealEigenvalues();
        double[] im = eig.getImagEigenvalues();
        for (int k = 0; k < n; k++) {
            re[k] *= maxAbs;
            im[k] *= maxAbs;
        }
        return new Eigenvalues(re, im);
    }

    private static double[][] squareMatrix(INDArray m) {
        if (m.rank() != 2 || m.rows() != m.columns()) {
            throw new IllegalArgumentException("M must be square, got shape " + Arrays.toString(m.shape()));
        }
        return m.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private static boolean allFinite(double[][] a) {
        for (double[] row : a) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Analytical Jacobians of [F]'s layer maps (no biases) at one sample, taking tp-sweep's stored layouts:
     * <ul>
     * <li>forward weights input-major, W_i ∈ R^{n_{i-1}×n_i}, f_i(h) = φ(h W_i) on a row h
     * ({@link org.tpsweep.nn.DenseNetwork}); J_f = ∂f_i/∂h is n_i × n_{i-1};</li>
     * <li>feedback weights Q_i ∈ R^{n_i×n_{i-1}}, g_i(u) = φ(u Q_i) on a row u
     * ({@link org.tpsweep.rules.AffineFeedback}); J_g = ∂g_i/∂u is n_{i-1} × n_i.</li>
     * </ul>
     * h and u are one sample (1 × n or rank 1). BNq = {@link BatchStandardize#perSample}, [F]'s per-sample quirk
     * (standardisation across the features of the one sample). Results are in the weights' dtype.
     */
    public static final class Jacobians {
        private Jacobians() {
        }

        /** f(h) = tanh(h W): J_f = diag(1 − f²) Wᵀ. */
        public static INDArray tanhForward(INDArray w, INDArray h) {
            return ofRowMap(w, h, true, false);
        }

        /** f(h) = h W (linear output): J_f = Wᵀ. */
        public static INDArray linearForward(INDArray w) {
            return w.transpose().dup('c');
        }

        /** f(h) = BNq(tanh(h W)): J_f = J_BNq(tanh(h W)) diag(1 − tanh²(h W)) Wᵀ. */
        public static INDArray tanhBnForward(INDArray w, INDArray h) {
            return ofRowMap(w, h, true, true);
        }

        /** f(h) = BNq(h W) (fw-dtp-bn's linear-BN output): J_f = J_BNq(h W) Wᵀ. */
        public static INDArray linearBnForward(INDArray w, INDArray h) {
            return ofRowMap(w, h, false, true);
        }

        /** g(u) = tanh(u Q): J_g = diag(1 − g²) Qᵀ. */
        public static INDArray tanhFeedback(INDArray q, INDArray u) {
            return ofRowMap(q, u, true, false);
        }

        /** g(u) = BNq(tanh(u Q)): J_g = J_BNq(tanh(u Q)) diag(1 − tanh²(u Q)) Qᵀ. */
        public static INDArray tanhBnFeedback(INDArray q, INDArray u) {
            return ofRowMap(q, u, true, true);
        }

        /** ∂/∂x of [BNq ∘] [tanh ∘] (x S) for a stored S (in × out): [J_BNq(t)] [diag(1 − t²)] Sᵀ, out × in. */
        private static INDArray ofRowMap(INDArray stored, INDArray x, boolean tanh, boolean bn) {
            if (x.length() != stored.rows()) {
                throw new IllegalArgumentException("sample of length " + x.length() + " does not fit a map stored as "
                        + Arrays.toString(stored.shape()) + " (in × out)");
            }
            INDArray t = MatMul.times(x.castTo(stored.dataType()).reshape(1, stored.rows()), stored);
            INDArray jacobian = stored.transpose().dup('c');
            if (tanh) {
                FastTanh.tanhInPlace(t);
                jacobian.muliColumnVector(t.mul(t).rsubi(1.0).reshape(t.length(), 1));
            }
            return bn ? MatMul.times(BatchStandardize.perSampleJacobian(t), jacobian) : jacobian;
        }
    }

    /** Mean of per-evaluation-minibatch values: [F]'s per-epoch value is the mean over evaluation minibatches. */
    public static final class Mean {
        private double traceSum;
        private double shareSum;
        private int count;

        /** Adds one evaluation minibatch's values. */
        public void add(Values values) {
            traceSum += values.trace();
            shareSum += values.positiveShare();
            count++;
        }

        /** The number of values added. */
        public int count() {
            return count;
        }

        /** The means of tr(M) and of the positive share; NaN, NaN before any {@link #add}. */
        public Values mean() {
            return count == 0 ? new Values(Double.NaN, Double.NaN) : new Values(traceSum / count, shareSum / count);
        }
    }
}
