package org.tpsweep.rules;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.HostBuffers;

/**
 * Row-wise float64 kernels of dtp-iterative's sweeps written as Java loops over the arrays' own buffers: an ND4J
 * element-wise op on a 32 × 256 array costs ≈ 15–50 µs of dispatch, the loop a few µs. Each loop does exactly the
 * IEEE operations the ND4J ops it replaces do, in the same order (element-wise ops are exactly rounded; ND4J sums a
 * contiguous row from its first element to its last, as {@link #rowNorms} and the residual here do), so the results
 * are the same bit for bit. With the Vector API the element-wise steps run in lanes ({@link RowVectors}), else as
 * scalar loops. Only for contiguous C-order float64 arrays on the CPU backend ({@link #direct}); callers keep the
 * ND4J ops for everything else.
 */
final class DirectRows {
    /** Off only in tests that compare these loops with the ND4J ops they replace. */
    static volatile boolean enabled = true;
    /** The Vector API forms ({@link RowVectors}) when the incubator module is present; tests switch it off. */
    static volatile boolean vectors = org.tpsweep.nn.FastTanh.vectorised();

    private DirectRows() {
    }

    /** True on the CPU backend when every array is float64, C-order, contiguous from offset 0 (not a view). */
    static boolean direct(INDArray... arrays) {
        if (!HostBuffers.onHost() || !enabled) {
            return false;
        }
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.DOUBLE || a.isView() || a.ordering() != 'c' || a.offset() != 0
                    || a.rank() != 2) {
                return false;
            }
        }
        return true;
    }

    /** The array's buffer as doubles in C order (a view, not a copy). */
    static DoubleBuffer doubles(INDArray a) {
        return bytes(a).asDoubleBuffer();
    }

    /** The array's buffer in native byte order (a view, not a copy). */
    static ByteBuffer bytes(INDArray a) {
        return HostBuffers.bytes(a);
    }

    /** φ(v) = leaky-ReLU_s(v) written into {@code out} (both direct, same shape). */
    static void leakyRelu(INDArray v, INDArray out, double s) {
        int n = (int) v.length();
        if (vectors) {
            RowVectors.leakyRelu(bytes(v), bytes(out), n, s);
        } else {
            leakyRelu(doubles(v), doubles(out), n, s);
        }
    }

    /**
     * {@link #residualAndDifference(DoubleBuffer, DoubleBuffer, DoubleBuffer, DoubleBuffer, int, int, double,
     * double[], boolean, boolean)} on arrays (rows × width, all direct); {@code squares}: scratch of ≥ width.
     */
    static void residualAndDifference(INDArray pre, INDArray tau, INDArray phiTau, INDArray diff, double s,
                                      double[] residual, boolean first, boolean residualOnly, double[] squares) {
        int rows = (int) pre.rows();
        int width = (int) pre.columns();
        if (vectors) {
            RowVectors.residualAndDifference(bytes(pre), bytes(tau), bytes(phiTau), bytes(diff), rows, width, s,
                    residual, first, residualOnly, squares);
        } else {
            residualAndDifference(doubles(pre), doubles(tau), doubles(phiTau), doubles(diff), rows, width, s,
                    residual, first, residualOnly);
        }
    }

    /** {@link #addMasked(DoubleBuffer, DoubleBuffer, double[], int, int)} on arrays (rows × width, direct). */
    static void addMasked(INDArray target, INDArray inc, double[] mask) {
        int rows = (int) target.rows();
        int width = (int) target.columns();
        if (vectors) {
            RowVectors.addMasked(bytes(target), bytes(inc), mask, rows, width);
        } else {
            addMasked(doubles(target), doubles(inc), mask, rows, width);
        }
    }

    /** out ← leaky-ReLU_s(v) element-wise: v &lt; 0 ? s·v : v, as ND4J's {@code LeakyReLU}. */
    static void leakyRelu(DoubleBuffer v, DoubleBuffer out, int n, double s) {
        for (int k = 0; k < n; k++) {
            double x = v.get(k);
            out.put(k, x < 0 ? s * x : x);
        }
    }

    /**
     * For each row r of the rows × width arrays: d = pre − tau, the sum over the row of d·d (first to last) added
     * to {@code residual[r]} (or stored there when {@code first}); then, unless {@code residualOnly},
     * pre ← φ(pre) (leaky-ReLU s) and diff ← phiTau − φ(pre).
     */
    static void residualAndDifference(DoubleBuffer pre, DoubleBuffer tau, DoubleBuffer phiTau, DoubleBuffer diff,
                                      int rows, int width, double s, double[] residual, boolean first,
                                      boolean residualOnly) {
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            double sum = 0;
            for (int c = 0; c < width; c++) {
                double d = pre.get(base + c) - tau.get(base + c);
                sum += d * d;
            }
            residual[r] = first ? sum : residual[r] + sum;
            if (!residualOnly) {
                for (int c = 0; c < width; c++) {
                    double x = pre.get(base + c);
                    double phi = x < 0 ? s * x : x;
                    pre.put(base + c, phi);
                    diff.put(base + c, phiTau.get(base + c) - phi);
                }
            }
        }
    }

    /** √(Σ_c x_rc²) per row, summed first to last (ND4J's {@code Norm2} along dimension 1). */
    static void rowNorms(DoubleBuffer x, int rows, int width, double[] out) {
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            double sum = 0;
            for (int c = 0; c < width; c++) {
                double v = x.get(base + c);
                sum += v * v;
            }
            out[r] = Math.sqrt(sum);
        }
    }

    /**
     * target ← target + inc ⊙ mask row-wise, with inc ← inc ⊙ mask as ND4J's {@code inc.muli(mask)} leaves it (no
     * multiplication where {@code mask} is null: all ones).
     */
    static void addMasked(DoubleBuffer target, DoubleBuffer inc, double[] mask, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            if (mask == null) {
                for (int c = 0; c < width; c++) {
                    target.put(base + c, target.get(base + c) + inc.get(base + c));
                }
            } else {
                double m = mask[r];
                for (int c = 0; c < width; c++) {
                    double v = inc.get(base + c) * m;
                    inc.put(base + c, v);
                    target.put(base + c, target.get(base + c) + v);
                }
            }
        }
    }

    /** Writes {@code values} into the column {@code out} (rows × 1). */
    static void putColumn(double[] values, INDArray out) {
        doubles(out).put(values, 0, (int) out.rows());
    }
}
