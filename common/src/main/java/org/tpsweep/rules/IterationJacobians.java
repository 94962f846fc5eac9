package org.tpsweep.rules;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Jacobians of dtp-iterative's per-layer refinement maps at one sample (ALGORITHMS.md §3c "Record", §6 check 7),
 * in float64 and the column-vector convention of the text: J_{f_i} = W_i diag(φ'(a_{i-1})) (n_i × n_{i-1}) and
 * J_{g_i} = Ω_i diag(φ'(a_i)) (n_{i-1} × n_i), W_i and Ω_i without their bias columns, at the forward pass's
 * pre-activations a_{i-1}, a_i. Eq. 35's sweep of τ_{i-1} (τ_i held) has the Jacobian I − J_g J_f; eq. 27's sweep
 * of u_i has I − J_f J_g.
 */
public final class IterationJacobians {
    private IterationJacobians() {
    }

    /** I − J_{g_i} J_{f_i} (n_{i-1} × n_{i-1}) at the rows {@code aPrev} = a_{i-1} and {@code a} = a_i, i = 2..L. */
    public static INDArray eq35(IterativeLayers maps, int i, INDArray aPrev, INDArray a) {
        INDArray product = jacobianG(maps, i, a).mmul(jacobianF(maps, i, aPrev));
        return Nd4j.eye(product.rows()).castTo(DataType.DOUBLE).subi(product);
    }

    /** I − J_{f_i} J_{g_i} (n_i × n_i) at the rows {@code aPrev} = a_{i-1} and {@code a} = a_i, i = 2..L. */
    public static INDArray eq27(IterativeLayers maps, int i, INDArray aPrev, INDArray a) {
        INDArray product = jacobianF(maps, i, aPrev).mmul(jacobianG(maps, i, a));
        return Nd4j.eye(product.rows()).castTo(DataType.DOUBLE).subi(product);
    }

    /** J_{f_i} = W_i diag(φ'(a_{i-1})), n_i × n_{i-1}: the stored W_i (n_{i-1} × n_i) transposed, columns scaled. */
    public static INDArray jacobianF(IterativeLayers maps, int i, INDArray aPrev) {
        INDArray w = maps.network().weight(i).castTo(DataType.DOUBLE).transpose().dup('c');
        return w.muliRowVector(derivative(maps, aPrev));
    }

    /** J_{g_i} = Ω_i diag(φ'(a_i)), n_{i-1} × n_i: the stored Ω_i (n_i × n_{i-1}) transposed, columns scaled. */
    public static INDArray jacobianG(IterativeLayers maps, int i, INDArray a) {
        INDArray omega = maps.omega(i).castTo(DataType.DOUBLE).transpose().dup('c');
        return omega.muliRowVector(derivative(maps, a));
    }

    /** φ'(v) of one sample as a float64 row. */
    private static INDArray derivative(IterativeLayers maps, INDArray v) {
        if (v.rank() != 2 || v.rows() != 1) {
            throw new IllegalArgumentException("one sample (a 1 × n row) expected, got shape "
                    + java.util.Arrays.toString(v.shape()));
        }
        return maps.phi().derivative(v.castTo(DataType.DOUBLE));
    }
}
