package org.tpsweep.rules;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DirectRows}' loops with the Vector API: the same exactly rounded operations lane by lane (a select, not a
 * branch, for leaky-ReLU), the row sums still added one element after the other, so the bits do not change. Only
 * called when {@link org.tpsweep.nn.FastTanh#vectorised()} is true, so JVMs without the incubator module never load
 * this class.
 */
final class RowVectors {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private RowVectors() {
    }

    /** out ← v &lt; 0 ? s·v : v for the first n doubles. */
    static void leakyRelu(ByteBuffer v, ByteBuffer out, int n, double s) {
        int step = D.length();
        int k = 0;
        for (; k <= n - step; k += step) {
            int off = k * Double.BYTES;
            DoubleVector x = DoubleVector.fromByteBuffer(D, v, off, ORDER);
            VectorMask<Double> negative = x.compare(VectorOperators.LT, 0.0);
            x.blend(x.mul(s), negative).intoByteBuffer(out, off, ORDER);
        }
        for (; k < n; k++) {
            double x = v.getDouble(k * Double.BYTES);
            out.putDouble(k * Double.BYTES, x < 0 ? s * x : x);
        }
    }

    /** {@link DirectRows#residualAndDifference} with the element-wise steps in lanes; {@code squares}: width scratch. */
    static void residualAndDifference(ByteBuffer pre, ByteBuffer tau, ByteBuffer phiTau, ByteBuffer diff, int rows,
                                      int width, double s, double[] residual, boolean first, boolean residualOnly,
                                      double[] squares) {
        int step = D.length();
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            int c = 0;
            for (; c <= width - step; c += step) {
                int off = (base + c) * Double.BYTES;
                DoubleVector d = DoubleVector.fromByteBuffer(D, pre, off, ORDER)
                        .sub(DoubleVector.fromByteBuffer(D, tau, off, ORDER));
                d.mul(d).intoArray(squares, c);
            }
            for (; c < width; c++) {
                int off = (base + c) * Double.BYTES;
                double d = pre.getDouble(off) - tau.getDouble(off);
                squares[c] = d * d;
            }
            double sum = 0;
            for (int k = 0; k < width; k++) {
                sum += squares[k];
            }
            residual[r] = first ? sum : residual[r] + sum;
            if (residualOnly) {
                continue;
            }
            c = 0;
            for (; c <= width - step; c += step) {
                int off = (base + c) * Double.BYTES;
                DoubleVector x = DoubleVector.fromByteBuffer(D, pre, off, ORDER);
                DoubleVector phi = x.blend(x.mul(s), x.compare(VectorOperators.LT, 0.0));
                phi.intoByteBuffer(pre, off, ORDER);
                DoubleVector.fromByteBuffer(D, phiTau, off, ORDER).sub(phi).intoByteBuffer(diff, off, ORDER);
            }
            for (; c < width; c++) {
                int off = (base + c) * Double.BYTES;
                double x = pre.getDouble(off);
                double phi = x < 0 ? s * x : x;
                pre.putDouble(off, phi);
                diff.putDouble(off, phiTau.getDouble(off) - phi);
            }
        }
    }

    /** {@link DirectRows#addMasked} in lanes. */
    static void addMasked(ByteBuffer target, ByteBuffer inc, double[] mask, int rows, int width) {
        int step = D.length();
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            double m = mask == null ? 1 : mask[r];
            int c = 0;
            for (; c <= width - step; c += step) {
                int off = (base + c) * Double.BYTES;
                DoubleVector v = DoubleVector.fromByteBuffer(D, inc, off, ORDER);
                if (mask != null) {
                    v = v.mul(m);
                    v.intoByteBuffer(inc, off, ORDER);
                }
                DoubleVector.fromByteBuffer(D, target, off, ORDER).add(v).intoByteBuffer(target, off, ORDER);
            }
            for (; c < width; c++) {
                int off = (base + c) * Double.BYTES;
                double v = inc.getDouble(off);
                if (mask != null) {
                    v *= m;
                    inc.putDouble(off, v);
                }
                target.putDouble(off, target.getDouble(off) + v);
            }
        }
    }
}
