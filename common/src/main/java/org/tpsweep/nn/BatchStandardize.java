package org.tpsweep.nn;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
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
 *
 * <p>With the Vector API ({@link FastTanh#vectorised()}) and dense row-major arrays, forward and backward run as
 * fused kernels ({@link BatchNormKernels}); otherwise as ND4J ops. Both compute the same formulas.
 */
public final class BatchStandardize {
    /** The ε added to the std in the denominator ([F]'s code). */
    public static final double EPSILON = 1e-12;

    private final INDArray y;
    /** The unbiased std s per unit. */
    private final double[] std;
    /** s + ε per unit. */
    private final double[] denominator;
    /** (B − 1)·s with exact zeros replaced by 1 (those units have y = 0, so the std term vanishes). */
    private final double[] stdTermScale;

    private BatchStandardize(INDArray y, double[] std, double[] denominator) {
        this.y = y;
        this.std = std;
        this.denominator = denominator;
        this.stdTermScale = new double[std.length];
        long b = y.rows();
        for (int j = 0; j < std.length; j++) {
            stdTermScale[j] = std[j] == 0.0 ? 1.0 : std[j] * (b - 1);
        }
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

    /** The unbiased per-unit std s, 1 × n (a new array in the input's dtype). */
    public INDArray std() {
        return row(std);
    }

    /** ∂ℒ/∂x given g = ∂ℒ/∂y (B × n, not modified), with mean and std differentiated; a new array. */
    public INDArray backward(INDArray dLdy) {
        if (!Arrays.equals(dLdy.shape(), y.shape())) {
            throw new IllegalArgumentException("dL/dy has shape " + Arrays.toString(dLdy.shape())
                    + ", expected " + Arrays.toString(y.shape()));
        }
        INDArray g = dLdy.castTo(y.dataType());
        if (fused(y)) {
            INDArray dense = fused(g) ? g : g.dup('c');
            INDArray dx = y.ulike();
            int b = (int) y.rows();
            int n = (int) y.columns();
            if (y.dataType() == DataType.DOUBLE) {
                BatchNormKernels.backwardDouble(nio(dense), nio(y), nio(dx), b, n, denominator, stdTermScale);
            } else {
                BatchNormKernels.backwardFloat(nio(dense), nio(y), nio(dx), b, n, denominator, stdTermScale);
            }
            keepAlive(dense, dLdy);
            return dx;
        }
        // Second term's per-unit coefficient Σ_b g_b y_b / ((B − 1) s): the std's dependence on every sample.
        INDArray stdCoefficient = g.mul(y).sum(true, 0).divi(row(stdTermScale));
        INDArray dx = g.subRowVector(g.mean(true, 0)).diviRowVector(row(denominator));
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
        INDArray jacobian = Nd4j.eye(n).castTo(bn.y.dataType()).subi(1.0 / n).divi(bn.denominator[0]);
        INDArray yyT = MatMul.times(bn.y, bn.y, false, true);
        return jacobian.subi(yyT.divi(bn.stdTermScale[0]));
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
        int n = (int) x.columns();
        double[] std = new double[n];
        double[] denominator = new double[n];
        if (fused(x)) {
            INDArray y = x.ulike();
            if (x.dataType() == DataType.DOUBLE) {
                BatchNormKernels.forwardDouble(nio(x), nio(y), (int) x.rows(), n, std, denominator);
            } else {
                BatchNormKernels.forwardFloat(nio(x), nio(y), (int) x.rows(), n, std, denominator);
            }
            keepAlive(x, y);
            return new BatchStandardize(y, std, denominator);
        }
        long b = x.rows();
        INDArray d = x.subRowVector(x.mean(true, 0));
        INDArray sumSquares = d.mul(d).sum(true, 0);
        INDArray s = Transforms.sqrt(sumSquares.divi(b - 1), false);
        INDArray den = s.add(EPSILON);
        System.arraycopy(s.toDoubleVector(), 0, std, 0, n);
        System.arraycopy(den.toDoubleVector(), 0, denominator, 0, n);
        return new BatchStandardize(d.diviRowVector(den), std, denominator);
    }

    /** True when the fused kernels apply: Vector API present, a dense row-major float or double array. */
    private static boolean fused(INDArray a) {
        return FastTanh.vectorised() && HostBuffers.onHost() && !a.isView() && a.ordering() == 'c' && a.offset() == 0
                && a.rank() == 2 && (a.dataType() == DataType.DOUBLE || a.dataType() == DataType.FLOAT)
                && a.length() < Integer.MAX_VALUE / 8;
    }

    /**
     * Keeps arrays reachable until the kernels that write through their {@link #nio} views are done: the views
     * do not hold the arrays, so outside a workspace the JIT could otherwise let them be collected (and their
     * native memory freed) mid-kernel.
     */
    private static void keepAlive(INDArray a, INDArray b) {
        java.lang.ref.Reference.reachabilityFence(a);
        java.lang.ref.Reference.reachabilityFence(b);
    }

    private static ByteBuffer nio(INDArray a) {
        return HostBuffers.bytes(a);
    }

    /** A 1 × n row of {@code values} in the batch's dtype. */
    private INDArray row(double[] values) {
        return Nd4j.createFromArray(new double[][] {values}).castTo(y.dataType());
    }
}
