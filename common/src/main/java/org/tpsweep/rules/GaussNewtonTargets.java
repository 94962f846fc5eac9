package org.tpsweep.rules;

import java.util.function.IntToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.MatMul;

/**
 * Damped Gauss-Newton target displacements (ALGORITHMS.md §3a gnt, §4 GNT angle): per sample b,
 * Δh_i,b = J_bᵀ(J_b J_bᵀ + λI)⁻¹ e_b with J_b = ∂a_L/∂h_i (n_L × n_i) and e_b a row of the output error;
 * λ = 0 gives the pseudo-inverse J_b⁺ e_b. For i = L, J_b = I and Δh_L = e/(1+λ).
 *
 * <p><b>Batching.</b> The Jacobians of one layer for the whole batch are one (B·n_L) × n_i matrix, rows
 * b·n_L … b·n_L + n_L − 1 holding J_b ("stacked"). With one sample per row, a_k = h_{k-1} W_k + b_k, so
 * J_b for layer i = W_Lᵀ D_{L-1,b} W_{L-1}ᵀ ⋯ D_{i+1,b} W_{i+1}ᵀ with D_{k,b} = diag(φ'(a_k,b)). Layer L−1
 * needs no stack (J_b = W_Lᵀ for every b: one Gram matrix, one gemm for Δh). The stack for layer L−2 is the
 * broadcast product φ'(a_{L-1}) (B × 1 × n_{L-1}) ⊙ W_Lᵀ (1 × n_L × n_{L-1}) times W_{L-1}ᵀ; the one for
 * layer k−1 is (J ⊙ φ'(a_k)) W_kᵀ: one broadcast multiply of the B × n_L × n_k view by the B × n_k
 * derivatives and one (B·n_L) × n_k × n_{k-1} gemm. G_b = J_b J_bᵀ and Δh_b = J_bᵀ y_b are rank-3 batched
 * matmuls; only the B small n_L × n_L solves run in a plain Java loop on double[] (Cholesky, or an
 * eigen-decomposition pseudo-inverse when G_b + λI is numerically singular).
 */
public final class GaussNewtonTargets {
    private static final double EPS = Math.ulp(1.0);

    private GaussNewtonTargets() {
    }

    /**
     * Stacked Jacobians J_b = ∂a_L/∂h_i for layer i = 1..L: (B·n_L) × n_i, a new array (for i = L the
     * identity, tiled).
     */
    public static INDArray jacobians(DenseNetwork net, ForwardPass pass, int i) {
        int last = net.numLayers();
        if (i < 1 || i > last) {
            throw new IllegalArgumentException("layer " + i + " outside 1.." + last);
        }
        if (i == last) {
            return Nd4j.tile(Nd4j.eye(net.width(last)).castTo(net.dataType()), pass.batchSize(), 1);
        }
        if (i == last - 1) {
            return Nd4j.tile(net.weight(last).transpose().dup('c'), pass.batchSize(), 1);
        }
        INDArray j = jacobiansBelowLastHidden(net, pass);
        for (int k = last - 2; k > i; k--) {
            j = jacobiansBelowInPlace(net, pass, k, j);
        }
        return j;
    }

    /**
     * Δh_i for layer i = 1..L and damping λ ≥ 0 (B × n_i, a new array).
     *
     * @param outputError e, B × n_L (for gnt the raw ∂ℒ/∂a_L, carrying the 1/B)
     */
    public static INDArray displacement(DenseNetwork net, ForwardPass pass, int i, INDArray outputError,
                                        double lambda) {
        if (i == net.numLayers()) {
            return outputDisplacement(outputError, lambda);
        }
        return displacement(jacobians(net, pass, i), outputError, lambda);
    }

    /**
     * Δh_i for every layer i = 1..L in one downward sweep (each layer's Jacobians derived from the layer
     * above's), layer i with damping {@code lambda.applyAsDouble(i)}. Element i of the result is Δh_i
     * (B × n_i); element 0 is null.
     */
    public static INDArray[] displacements(DenseNetwork net, ForwardPass pass, INDArray outputError,
                                           IntToDoubleFunction lambda) {
        int last = net.numLayers();
        INDArray[] dh = new INDArray[last + 1];
        dh[last] = outputDisplacement(outputError, lambda.applyAsDouble(last));
        if (last >= 2) {
            dh[last - 1] = lastHiddenDisplacement(net, outputError, lambda.applyAsDouble(last - 1));
        }
        INDArray j = null;
        for (int i = last - 2; i >= 1; i--) {
            j = i == last - 2 ? jacobiansBelowLastHidden(net, pass) : jacobiansBelowInPlace(net, pass, i + 1, j);
            dh[i] = displacement(j, outputError, lambda.applyAsDouble(i));
        }
        return dh;
    }

    /** Δh_L = e/(1+λ): J_b = I (a new array). */
    public static INDArray outputDisplacement(INDArray outputError, double lambda) {
        checkDamping(lambda);
        return outputError.div(1.0 + lambda);
    }

    /**
     * Δh_b = J_bᵀ(J_b J_bᵀ + λI)⁻¹ e_b for every sample, from stacked Jacobians (B·n_L) × n_i (not modified)
     * and the output error e (B × n_L). Returns B × n_i, a new array of the Jacobians' dtype.
     */
    public static INDArray displacement(INDArray stackedJacobians, INDArray outputError, double lambda) {
        checkDamping(lambda);
        int b = (int) outputError.rows();
        int nOut = (int) outputError.columns();
        int n = (int) stackedJacobians.columns();
        if (stackedJacobians.rows() != (long) b * nOut) {
            throw new IllegalArgumentException("stacked Jacobians have " + stackedJacobians.rows() + " rows, expected "
                    + b + "·" + nOut);
        }
        INDArray j3 = stackedJacobians.reshape('c', b, nOut, n);
        INDArray gram = Nd4j.matmul(j3, j3, null, false, true, false);        // B × n_L × n_L
        double[] y = solveDamped(doubles(gram), doubles(outputError), b, nOut, lambda);
        INDArray y3 = Nd4j.create(y, new long[] {b, 1, nOut}, DataType.DOUBLE);
        if (y3.dataType() != j3.dataType()) {
            y3 = y3.castTo(j3.dataType());
        }
        return Nd4j.matmul(y3, j3).reshape('c', b, n);                         // B × 1 × n_i → B × n_i
    }

    /**
     * Δh_{L-1}: J_b = W_Lᵀ for every sample, so one Gram matrix W_Lᵀ W_L serves the whole batch and
     * Δh = Y W_Lᵀ (rows y_bᵀ J).
     */
    private static INDArray lastHiddenDisplacement(DenseNetwork net, INDArray outputError, double lambda) {
        checkDamping(lambda);
        INDArray w = net.weight(net.numLayers());                              // n_{L-1} × n_L
        int b = (int) outputError.rows();
        int nOut = (int) w.columns();
        double[] g = doubles(MatMul.times(w, w, true, false));                 // J Jᵀ = W_Lᵀ W_L
        double[] grams = new double[b * nOut * nOut];
        for (int s = 0; s < b; s++) {
            System.arraycopy(g, 0, grams, s * nOut * nOut, g.length);
        }
        double[] y = solveDamped(grams, doubles(outputError), b, nOut, lambda);
        INDArray ys = Nd4j.create(y, new long[] {b, nOut}, DataType.DOUBLE);
        if (ys.dataType() != w.dataType()) {
            ys = ys.castTo(w.dataType());
        }
        return MatMul.times(ys, w, false, true);
    }

    /**
     * Stacked Jacobians of layer L−2: J_b = W_Lᵀ D_{L-1,b} W_{L-1}ᵀ; the (B·n_L) × n_{L-1} stack of
     * W_Lᵀ D_{L-1,b} is one broadcast product of φ'(a_{L-1}) (B × 1 × n_{L-1}) and W_Lᵀ (1 × n_L × n_{L-1}).
     */
    private static INDArray jacobiansBelowLastHidden(DenseNetwork net, ForwardPass pass) {
        int last = net.numLayers();
        int b = pass.batchSize();
        int nOut = net.width(last);
        int n = net.width(last - 1);
        INDArray wt = net.weight(last).transpose().dup('c').reshape('c', 1, nOut, n);
        INDArray phi = LocalUpdate.tanhDerivative(pass.h(last - 1)).reshape('c', b, 1, n);
        INDArray scaled = phi.mul(wt).reshape('c', (long) b * nOut, n);
        return MatMul.times(scaled, net.weight(last - 1), false, true);
    }

    /**
     * From the stacked Jacobians of layer k (consumed: multiplied by φ'(a_k) in place) to those of layer k−1:
     * (J ⊙ φ'(a_k)) W_kᵀ, a new array.
     */
    private static INDArray jacobiansBelowInPlace(DenseNetwork net, ForwardPass pass, int k, INDArray j) {
        int b = pass.batchSize();
        int nK = net.width(k);
        INDArray j3 = j.reshape('c', b, j.rows() / b, nK);
        Broadcast.mul(j3, LocalUpdate.tanhDerivative(pass.h(k)), j3, 0, 2);
        return MatMul.times(j, net.weight(k), false, true);
    }

    private static void checkDamping(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("Gauss-Newton damping must be finite and >= 0, got " + lambda);
        }
    }

    /** The elements of {@code a} in C order as doubles. */
    private static double[] doubles(INDArray a) {
        INDArray c = a.ordering() == 'c' && !a.isView() && a.data().length() == a.length() ? a : a.dup('c');
        return c.data().asDouble();
    }

    /**
     * Solves (G_b + λI) y_b = e_b for every sample b: G holds B row-major n × n symmetric PSD matrices, e
     * holds B rows of n. Cholesky when every pivot exceeds n·ε·max diag; else the eigen-decomposition
     * pseudo-inverse (eigenvalues ≤ n·ε·max eigenvalue dropped), which at λ = 0 makes J_bᵀ y_b = J_b⁺ e_b
     * also for a rank-deficient J_b. Returns y, B rows of n.
     */
    static double[] solveDamped(double[] gram, double[] err, int batch, int n, double lambda) {
        double[] y = new double[batch * n];
        double[] a = new double[n * n];
        double[] rhs = new double[n];
        double[] sol = new double[n];
        for (int s = 0; s < batch; s++) {
            System.arraycopy(gram, s * n * n, a, 0, n * n);
            for (int d = 0; d < n; d++) {
                a[d * n + d] += lambda;
            }
            System.arraycopy(err, s * n, rhs, 0, n);
            if (!choleskySolve(a, rhs, n, sol)) {
                System.arraycopy(gram, s * n * n, a, 0, n * n);
                for (int d = 0; d < n; d++) {
                    a[d * n + d] += lambda;
                }
                pseudoInverseSolve(a, rhs, n, sol);
            }
            System.arraycopy(sol, 0, y, s * n, n);
        }
        return y;
    }

    /** Cholesky solve of the symmetric matrix a (overwritten); false when a pivot is ≤ n·ε·max diag. */
    private static boolean choleskySolve(double[] a, double[] rhs, int n, double[] out) {
        double maxDiag = 0;
        for (int d = 0; d < n; d++) {
            maxDiag = Math.max(maxDiag, a[d * n + d]);
        }
        double tol = n * EPS * maxDiag;
        if (!(maxDiag > 0)) {
            return false;
        }
        // a = L Lᵀ, L stored in the lower triangle of a.
        for (int c = 0; c < n; c++) {
            double pivot = a[c * n + c];
            for (int k = 0; k < c; k++) {
                pivot -= a[c * n + k] * a[c * n + k];
            }
            if (!(pivot > tol)) {
                return false;
            }
            double l = Math.sqrt(pivot);
            a[c * n + c] = l;
            for (int r = c + 1; r < n; r++) {
                double v = a[r * n + c];
                for (int k = 0; k < c; k++) {
                    v -= a[r * n + k] * a[c * n + k];
                }
                a[r * n + c] = v / l;
            }
        }
        for (int r = 0; r < n; r++) {                  // L z = rhs
            double v = rhs[r];
            for (int k = 0; k < r; k++) {
                v -= a[r * n + k] * out[k];
            }
            out[r] = v / a[r * n + r];
        }
        for (int r = n - 1; r >= 0; r--) {             // Lᵀ y = z
            double v = out[r];
            for (int k = r + 1; k < n; k++) {
                v -= a[k * n + r] * out[k];
            }
            out[r] = v / a[r * n + r];
        }
        return true;
    }

    /**
     * y = A⁺ rhs for a symmetric A (overwritten) by cyclic Jacobi eigen-decomposition; eigenvalues
     * ≤ n·ε·max|eigenvalue| count as zero.
     */
    private static void pseudoInverseSolve(double[] a, double[] rhs, int n, double[] out) {
        double[] v = new double[n * n];
        for (int d = 0; d < n; d++) {
            v[d * n + d] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += a[p * n + p] * a[p * n + p];
                for (int q = p + 1; q < n; q++) {
                    off += a[p * n + q] * a[p * n + q];
                }
            }
            if (off <= EPS * EPS * diag * 1e-4 || off == 0) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {          // columns p, q: A ← A R
                        double akp = a[k * n + p];
                        double akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {          // rows p, q: A ← Rᵀ A
                        double apk = a[p * n + k];
                        double aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {          // V ← V R
                        double vkp = v[k * n + p];
                        double vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double maxEig = 0;
        for (int d = 0; d < n; d++) {
            maxEig = Math.max(maxEig, Math.abs(a[d * n + d]));
        }
        double tol = n * EPS * maxEig;
        java.util.Arrays.fill(out, 0);
        for (int k = 0; k < n; k++) {
            double eig = a[k * n + k];
            if (!(eig > tol)) {
                continue;
            }
            double proj = 0;
            for (int r = 0; r < n; r++) {
                proj += v[r * n + k] * rhs[r];
            }
            proj /= eig;
            for (int r = 0; r < n; r++) {
                out[r] += proj * v[r * n + k];
            }
        }
    }
}
