package org.tpsweep.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused Vector API kernels of {@link BatchStandardize} on a row-major B × n batch in ND4J's native buffers: the
 * forward standardisation in three passes (column sums, centred sums of squares, output) and the backward pass in
 * two (Σ_b g and Σ_b g ⊙ y, then ∂ℒ/∂x), instead of about ten ND4J ops with their temporaries. Per-column
 * statistics stay in Java arrays. Only call when {@link FastTanh#vectorised()} is true, so JVMs without the
 * incubator module never load this class.
 */
final class BatchNormKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private BatchNormKernels() {
    }

    /**
     * y = (x − mean_b x)/(s + ε) per column; writes s (unbiased std) and s + ε into {@code std} and
     * {@code denominator} (length n).
     */
    static void forwardDouble(ByteBuffer x, ByteBuffer y, int b, int n, double[] std, double[] denominator) {
        double[] mean = columnSumsDouble(x, null, b, n, null);
        for (int j = 0; j < n; j++) {
            mean[j] /= b;
        }
        double[] squares = columnSumsDouble(x, null, b, n, mean);
        for (int j = 0; j < n; j++) {
            std[j] = Math.sqrt(squares[j] / (b - 1));
            denominator[j] = std[j] + BatchStandardize.EPSILON;
        }
        int step = D.length();
        for (int r = 0; r < b; r++) {
            int row = r * n;
            int j = 0;
            for (; j <= n - step; j += step) {
                int off = (row + j) * Double.BYTES;
                DoubleVector.fromByteBuffer(D, x, off, ORDER).sub(DoubleVector.fromArray(D, mean, j))
                        .div(DoubleVector.fromArray(D, denominator, j)).intoByteBuffer(y, off, ORDER);
            }
            for (; j < n; j++) {
                int off = (row + j) * Double.BYTES;
                y.putDouble(off, (x.getDouble(off) - mean[j]) / denominator[j]);
            }
        }
    }

    /** The float twin of {@link #forwardDouble}: sums in float as ND4J's float reductions, std in double. */
    static void forwardFloat(ByteBuffer x, ByteBuffer y, int b, int n, double[] std, double[] denominator) {
        float[] mean = columnSumsFloat(x, null, b, n, null);
        for (int j = 0; j < n; j++) {
            mean[j] /= b;
        }
        float[] squares = columnSumsFloat(x, null, b, n, mean);
        float[] den = new float[n];
        for (int j = 0; j < n; j++) {
            float s = (float) Math.sqrt(squares[j] / (float) (b - 1));
            den[j] = s + (float) BatchStandardize.EPSILON;
            std[j] = s;
            denominator[j] = den[j];
        }
        int step = F.length();
        for (int r = 0; r < b; r++) {
            int row = r * n;
            int j = 0;
            for (; j <= n - step; j += step) {
                int off = (row + j) * Float.BYTES;
                FloatVector.fromByteBuffer(F, x, off, ORDER).sub(FloatVector.fromArray(F, mean, j))
                        .div(FloatVector.fromArray(F, den, j)).intoByteBuffer(y, off, ORDER);
            }
            for (; j < n; j++) {
                int off = (row + j) * Float.BYTES;
                y.putFloat(off, (x.getFloat(off) - mean[j]) / den[j]);
            }
        }
    }

    /** dx = (g − mean_b g)/(s + ε) − y ⊙ Σ_b(g ⊙ y)/scale per column ({@code scale}: (B − 1)s, zeros replaced). */
    static void backwardDouble(ByteBuffer g, ByteBuffer y, ByteBuffer dx, int b, int n, double[] denominator,
                               double[] scale) {
        double[] meanG = columnSumsDouble(g, null, b, n, null);
        double[] coefficient = columnSumsDouble(g, y, b, n, null);
        for (int j = 0; j < n; j++) {
            meanG[j] /= b;
            coefficient[j] /= scale[j];
        }
        int step = D.length();
        for (int r = 0; r < b; r++) {
            int row = r * n;
            int j = 0;
            for (; j <= n - step; j += step) {
                int off = (row + j) * Double.BYTES;
                DoubleVector first = DoubleVector.fromByteBuffer(D, g, off, ORDER).sub(DoubleVector.fromArray(D, meanG, j))
                        .div(DoubleVector.fromArray(D, denominator, j));
                first.sub(DoubleVector.fromByteBuffer(D, y, off, ORDER).mul(DoubleVector.fromArray(D, coefficient, j)))
                        .intoByteBuffer(dx, off, ORDER);
            }
            for (; j < n; j++) {
                int off = (row + j) * Double.BYTES;
                dx.putDouble(off, (g.getDouble(off) - meanG[j]) / denominator[j] - y.getDouble(off) * coefficient[j]);
            }
        }
    }

    /** The float twin of {@link #backwardDouble}. */
    static void backwardFloat(ByteBuffer g, ByteBuffer y, ByteBuffer dx, int b, int n, double[] denominator,
                              double[] scale) {
        float[] meanG = columnSumsFloat(g, null, b, n, null);
        float[] coefficient = columnSumsFloat(g, y, b, n, null);
        float[] den = new float[n];
        for (int j = 0; j < n; j++) {
            meanG[j] /= b;
            coefficient[j] /= (float) scale[j];
            den[j] = (float) denominator[j];
        }
        int step = F.length();
        for (int r = 0; r < b; r++) {
            int row = r * n;
            int j = 0;
            for (; j <= n - step; j += step) {
                int off = (row + j) * Float.BYTES;
                FloatVector first = FloatVector.fromByteBuffer(F, g, off, ORDER).sub(FloatVector.fromArray(F, meanG, j))
                        .div(FloatVector.fromArray(F, den, j));
                first.sub(FloatVector.fromByteBuffer(F, y, off, ORDER).mul(FloatVector.fromArray(F, coefficient, j)))
                        .intoByteBuffer(dx, off, ORDER);
            }
            for (; j < n; j++) {
                int off = (row + j) * Float.BYTES;
                dx.putFloat(off, (g.getFloat(off) - meanG[j]) / den[j] - y.getFloat(off) * coefficient[j]);
            }
        }
    }

    /**
     * Column sums over the B rows of a (times b when {@code other} is given, or of (a − centre)² when
     * {@code centre} is given). Blocks of four vectors of columns keep their sums in registers down the rows.
     */
    private static double[] columnSumsDouble(ByteBuffer a, ByteBuffer other, int b, int n, double[] centre) {
        double[] sum = new double[n];
        int step = D.length();
        int j = 0;
        for (; j <= n - 4 * step; j += 4 * step) {
            DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0; r < b; r++) {
                int off = (r * n + j) * Double.BYTES;
                s0 = s0.add(term(a, other, centre, off, j));
                s1 = s1.add(term(a, other, centre, off + step * Double.BYTES, j + step));
                s2 = s2.add(term(a, other, centre, off + 2 * step * Double.BYTES, j + 2 * step));
                s3 = s3.add(term(a, other, centre, off + 3 * step * Double.BYTES, j + 3 * step));
            }
            s0.intoArray(sum, j);
            s1.intoArray(sum, j + step);
            s2.intoArray(sum, j + 2 * step);
            s3.intoArray(sum, j + 3 * step);
        }
        for (; j <= n - step; j += step) {
            DoubleVector s0 = DoubleVector.zero(D);
            for (int r = 0; r < b; r++) {
                s0 = s0.add(term(a, other, centre, (r * n + j) * Double.BYTES, j));
            }
            s0.intoArray(sum, j);
        }
        for (; j < n; j++) {
            double s0 = 0;
            for (int r = 0; r < b; r++) {
                int off = (r * n + j) * Double.BYTES;
                double v = a.getDouble(off);
                if (centre != null) {
                    v -= centre[j];
                    v *= v;
                } else if (other != null) {
                    v *= other.getDouble(off);
                }
                s0 += v;
            }
            sum[j] = s0;
        }
        return sum;
    }

    private static DoubleVector term(ByteBuffer a, ByteBuffer other, double[] centre, int off, int j) {
        DoubleVector v = DoubleVector.fromByteBuffer(D, a, off, ORDER);
        if (centre != null) {
            v = v.sub(DoubleVector.fromArray(D, centre, j));
            return v.mul(v);
        }
        return other == null ? v : v.mul(DoubleVector.fromByteBuffer(D, other, off, ORDER));
    }

    /** The float twin of {@link #columnSumsDouble}. */
    private static float[] columnSumsFloat(ByteBuffer a, ByteBuffer other, int b, int n, float[] centre) {
        float[] sum = new float[n];
        int step = F.length();
        int j = 0;
        for (; j <= n - 4 * step; j += 4 * step) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0; r < b; r++) {
                int off = (r * n + j) * Float.BYTES;
                s0 = s0.add(term(a, other, centre, off, j));
                s1 = s1.add(term(a, other, centre, off + step * Float.BYTES, j + step));
                s2 = s2.add(term(a, other, centre, off + 2 * step * Float.BYTES, j + 2 * step));
                s3 = s3.add(term(a, other, centre, off + 3 * step * Float.BYTES, j + 3 * step));
            }
            s0.intoArray(sum, j);
            s1.intoArray(sum, j + step);
            s2.intoArray(sum, j + 2 * step);
            s3.intoArray(sum, j + 3 * step);
        }
        for (; j <= n - step; j += step) {
            FloatVector s0 = FloatVector.zero(F);
            for (int r = 0; r < b; r++) {
                s0 = s0.add(term(a, other, centre, (r * n + j) * Float.BYTES, j));
            }
            s0.intoArray(sum, j);
        }
        for (; j < n; j++) {
            float s0 = 0;
            for (int r = 0; r < b; r++) {
                int off = (r * n + j) * Float.BYTES;
                float v = a.getFloat(off);
                if (centre != null) {
                    v -= centre[j];
                    v *= v;
                } else if (other != null) {
                    v *= other.getFloat(off);
                }
                s0 += v;
            }
            sum[j] = s0;
        }
        return sum;
    }

    private static FloatVector term(ByteBuffer a, ByteBuffer other, float[] centre, int off, int j) {
        FloatVector v = FloatVector.fromByteBuffer(F, a, off, ORDER);
        if (centre != null) {
            v = v.sub(FloatVector.fromArray(F, centre, j));
            return v.mul(v);
        }
        return other == null ? v : v.mul(FloatVector.fromByteBuffer(F, other, off, ORDER));
    }
}
