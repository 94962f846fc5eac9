package org.tpsweep.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * [F]'s batch normalisation (Shibuya et al. 2023; ALGORITHMS.md §1b "BN"): no affine parameters, no running
 * statistics. Per unit over the minibatch (one sample per row, x ∈ R^{B×n}):
 * <pre>  y = (x − mean_b x) / (s + ε),   s = √(Σ_b (x − mean_b x)² / (B − 1)),   ε = 1e-12</pre>
 * with the <em>unbiased</em> std s. {@link #backward} is the gradient autograd gives for this formula, with the
 * batch mean and std differentiated (samples coupled):
 * <pre>  ∂ℒ/∂x = (g − mean_b g)/(s + ε) − y ⊙ Σ_b (g ⊙ y) / ((B − 1) s),   g = ∂ℒ/∂y.</pre>
 * Where a unit has s = 0 exactly (then y = 0) the second term, 0/0 there, is taken as 0. Works in the input's
 * dtype (float64 or float32); the input is never modified.
 *
 * <p>{@link #perSample} and {@link #perSampleJacobian} are [F]'s "per-sample quirk" of its Jacobian evaluation
 * (ALGORITHMS.md §4): the same formula applied across the n features of one 1-D sample.
 */
public final class BatchStandardize {
    /** The ε added to the std in the denominator ([F]'s code). */
    public static final double EPSILON = 1e-12;

    private final INDArray y;
    /** The unbiased std s, 1 × n. */
    private final INDArray std;
    /** s + ε, 1 × n. */
    private final INDArray denominator;
    /** (B − 1)·s with exact zeros replaced by 1 (those units have y = 0, so the std term vanishes), 1 × n. */
    private final INDArray stdTermScale;

    private BatchStandardize(INDArray y, INDArray std, INDArray denominator, INDArray stdTermScale) {
        this.y = y;
        this.std = std;
        this.denominator = denominator;
        this.stdTermScale = stdTermScale;
    }

    /**
     * Standardises each column of {@code x} (B × n, one sample per row) over the batch.
     *
     * @throws IllegalArgumentException if B &lt; 2 (the unbiased std divides by B − 1: B = 1 gives NaN)
     */
    public static BatchStandardize forward(INDArray x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("BN expects a B × n batch (one sample per row), got shape "
                    + Arrays.toString(x.shape()));
        }
        if (x.rows() < 2) {
            throw new IllegalArgumentException("BN needs at least 2 samples per minibatch (the unbiased std divides "
                    + "by B − 1, so B = 1 gives NaN); got B = " + x.rows());
        }
        return standardiseColumns(x);
    }

    /** y = (x − mean_b x)/(s + ε), B × n, in the input's dtype (the live array; do not modify it). */
    public INDArray output() {
        return y;
    }

    /** The unbiased per-unit std s, 1 × n (a new array). */
    public INDArray std() {
        return std.dup();
    }

    /** ∂ℒ/∂x given g = ∂ℒ/∂y (B × n, not modified), with mean and std differentiated; a new array. */
    public INDArray backward(INDArray dLdy) {
        if (!Arrays.equals(dLdy.shape(), y.shape())) {
            throw new IllegalArgumentException("dL/dy has shape " + Arrays.toString(dLdy.shape())
                    + ", expected " + Arrays.toString(y.shape()));
        }
        INDArray g = dLdy.castTo(y.dataType());
        // Second term's per-unit coefficient Σ_b g_b y_b / ((B − 1) s): the std's dependence on every sample.
        INDArray stdCoefficient = g.mul(y).sum(true, 0).divi(stdTermScale);
        INDArray dx = g.subRowVector(g.mean(true, 0)).diviRowVector(denominator);
        return dx.subi(y.mulRowVector(stdCoefficient));
    }

    /**
     * [F]'s per-sample quirk: the n values of one sample v (a vector, row or rank 1) standardised by their own
     * mean and unbiased std over the n features; same shape and dtype as v.
     *
     * @throws IllegalArgumentException if n &lt; 2
     */
    public static INDArray perSample(INDArray v) {
        return standardiseColumns(asColumn(v)).y.reshape(v.shape());
    }

    /**
     * The n × n Jacobian ∂y_j/∂v_k of {@link #perSample} at v, in v's dtype:
     * J = (I − 11ᵀ/n)/(s + ε) − y yᵀ / ((n − 1) s)  (second term 0 where s = 0).
     */
    public static INDArray perSampleJacobian(INDArray v) {
        BatchStandardize bn = standardiseColumns(asColumn(v));
        int n = (int) bn.y.rows();
        INDArray jacobian = Nd4j.eye(n).castTo(bn.y.dataType()).subi(1.0 / n).divi(bn.denominator.getDouble(0));
        INDArray yyT = MatMul.times(bn.y, bn.y, false, true);
        return jacobian.subi(yyT.divi(bn.stdTermScale.getDouble(0)));
    }

    private static INDArray asColumn(INDArray v) {
        boolean oneSample = v.rank() == 1 || (v.rank() == 2 && (v.rows() == 1 || v.columns() == 1));
        if (!oneSample) {
            throw new IllegalArgumentException("the per-sample quirk expects one 1-D sample, got shape "
                    + Arrays.toString(v.shape()));
        }
        if (v.length() < 2) {
            throw new IllegalArgumentException("per-sample BN needs at least 2 features (the unbiased std divides "
                    + "by n − 1); got n = " + v.length());
        }
        return v.reshape(v.length(), 1);
    }

    /** The formula over the rows of x (≥ 2 rows), per column. */
    private static BatchStandardize standardiseColumns(INDArray x) {
        long b = x.rows();
        INDArray d = x.subRowVector(x.mean(true, 0));
        INDArray sumSquares = d.mul(d).sum(true, 0);
        INDArray s = Transforms.sqrt(sumSquares.divi(b - 1), false);
        INDArray denominator = s.add(EPSILON);
        INDArray stdTermScale = s.mul(b - 1);
        // Exact zeros only, compared in Java: a scan of n values, not of the B × n batch.
        double[] sValues = s.toDoubleVector();
        for (int j = 0; j < sValues.length; j++) {
            if (sValues[j] == 0.0) {
                stdTermScale.putScalar(0, j, 1.0);
            }
        }
        return new BatchStandardize(d.diviRowVector(denominator), s, denominator, stdTermScale);
    }
}
