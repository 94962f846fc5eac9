package org.tpsweep.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels working in place on ND4J's native buffers (native byte order). Only call them when
 * {@link FastTanh#vectorised()} is true, so JVMs without the incubator module never load this class.
 */
public final class VectorKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorKernels() {
    }

    // tanh(x) = sign(x)·m/(m + 2), m = expm1(2|x|) (no cancellation near 0). expm1(y) for y = k·ln2 + r,
    // |r| ≤ ln2/2: 2^k·p(r) + (2^k − 1) with p(r) = e^r − 1 as a Taylor polynomial. Only +, −, ×, ÷, fma and
    // bit operations, all exactly rounded, so interpreted, C1 and C2 code give bit-identical results (the
    // Vector API's own TANH calls a different library once compiled, which broke run-to-run determinism).
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double INV_LN2 = 1.44269504088896338700e+00;
    private static final double Y_MAX = 40.0;                    // tanh(20) rounds to 1 in double and float
    private static final double[] EXPM1_D = new double[14];       // 1/1!, 1/2!, … 1/14!
    private static final float[] EXPM1_F = new float[9];
    private static final float LN2_HI_F = 0.693145751953125f;
    private static final float LN2_LO_F = 1.428606765330187e-06f;

    static {
        double f = 1;
        for (int k = 1; k <= EXPM1_D.length; k++) {
            f *= k;
            EXPM1_D[k - 1] = 1.0 / f;
        }
        for (int k = 0; k < EXPM1_F.length; k++) {
            EXPM1_F[k] = (float) EXPM1_D[k];
        }
    }

    static void tanhDouble(ByteBuffer bb, int n) {
        int step = D.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            int off = i * Double.BYTES;
            DoubleVector x = DoubleVector.fromByteBuffer(D, bb, off, ORDER);
            DoubleVector y = x.abs().mul(2.0).min(Y_MAX);
            DoubleVector kd = y.mul(INV_LN2).add(0.5).convert(VectorOperators.D2L, 0)
                    .convert(VectorOperators.L2D, 0).reinterpretAsDoubles();
            DoubleVector r = kd.mul(-LN2_HI).add(y).sub(kd.mul(LN2_LO));
            DoubleVector p = DoubleVector.broadcast(D, EXPM1_D[EXPM1_D.length - 1]);
            for (int c = EXPM1_D.length - 2; c >= 0; c--) {
                p = p.fma(r, DoubleVector.broadcast(D, EXPM1_D[c]));
            }
            p = p.mul(r);                                                        // e^r − 1
            DoubleVector twoK = kd.convert(VectorOperators.D2L, 0).reinterpretAsLongs().add(1023L)
                    .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector m = twoK.mul(p).add(twoK.sub(1.0));                    // expm1(y)
            DoubleVector t = m.div(m.add(2.0));
            t.blend(t.neg(), x.lt(0.0)).intoByteBuffer(bb, off, ORDER);
        }
        for (; i < n; i++) {
            int off = i * Double.BYTES;
            bb.putDouble(off, tanhScalar(bb.getDouble(off)));
        }
    }

    /** The scalar twin of the vector loop, operation for operation. */
    static double tanhScalar(double x) {
        double y = Math.min(Math.abs(x) * 2.0, Y_MAX);
        double kd = (double) (long) (y * INV_LN2 + 0.5);
        double r = kd * -LN2_HI + y - kd * LN2_LO;
        double p = EXPM1_D[EXPM1_D.length - 1];
        for (int c = EXPM1_D.length - 2; c >= 0; c--) {
            p = Math.fma(p, r, EXPM1_D[c]);
        }
        p = p * r;
        double twoK = Double.longBitsToDouble(((long) kd + 1023L) << 52);
        double m = twoK * p + (twoK - 1.0);
        double t = m / (m + 2.0);
        return x < 0.0 ? -t : t;
    }

    static void tanhFloat(ByteBuffer bb, int n) {
        int step = F.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            int off = i * Float.BYTES;
            FloatVector x = FloatVector.fromByteBuffer(F, bb, off, ORDER);
            FloatVector y = x.abs().mul(2.0f).min((float) Y_MAX);
            FloatVector kd = y.mul((float) INV_LN2).add(0.5f).convert(VectorOperators.F2I, 0)
                    .convert(VectorOperators.I2F, 0).reinterpretAsFloats();
            FloatVector r = kd.mul(-LN2_HI_F).add(y).sub(kd.mul(LN2_LO_F));
            FloatVector p = FloatVector.broadcast(F, EXPM1_F[EXPM1_F.length - 1]);
            for (int c = EXPM1_F.length - 2; c >= 0; c--) {
                p = p.fma(r, FloatVector.broadcast(F, EXPM1_F[c]));
            }
            p = p.mul(r);
            FloatVector twoK = kd.convert(VectorOperators.F2I, 0).reinterpretAsInts().add(127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector m = twoK.mul(p).add(twoK.sub(1.0f));
            FloatVector t = m.div(m.add(2.0f));
            t.blend(t.neg(), x.lt(0.0f)).intoByteBuffer(bb, off, ORDER);
        }
        for (; i < n; i++) {
            int off = i * Float.BYTES;
            bb.putFloat(off, tanhScalar(bb.getFloat(off)));
        }
    }

    /** The scalar twin of the float vector loop. */
    static float tanhScalar(float x) {
        float y = Math.min(Math.abs(x) * 2.0f, (float) Y_MAX);
        float kd = (float) (int) (y * (float) INV_LN2 + 0.5f);
        float r = kd * -LN2_HI_F + y - kd * LN2_LO_F;
        float p = EXPM1_F[EXPM1_F.length - 1];
        for (int c = EXPM1_F.length - 2; c >= 0; c--) {
            p = Math.fma(p, r, EXPM1_F[c]);
        }
        p = p * r;
        float twoK = Float.intBitsToFloat(((int) kd + 127) << 23);
        float m = twoK * p + (twoK - 1.0f);
        float t = m / (m + 2.0f);
        return x < 0.0f ? -t : t;
    }

    /**
     * One fused Adam step (ALGORITHMS.md §1) on n doubles: g = ∇ + wd·θ; m ← β1 m + (1 − β1) g;
     * v ← β2 v + (1 − β2) g²; θ ← θ − stepSize · m / (√v / sqrtBias2 + ε).
     */
    public static void adamDouble(ByteBuffer theta, ByteBuffer grad, ByteBuffer m, ByteBuffer v, int n,
                                  double b1, double b2, double wd, double stepSize, double sqrtBias2, double eps) {
        int step = D.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            int off = i * Double.BYTES;
            DoubleVector th = DoubleVector.fromByteBuffer(D, theta, off, ORDER);
            DoubleVector g = DoubleVector.fromByteBuffer(D, grad, off, ORDER).add(th.mul(wd));
            DoubleVector mv = DoubleVector.fromByteBuffer(D, m, off, ORDER).mul(b1).add(g.mul(1 - b1));
            DoubleVector vv = DoubleVector.fromByteBuffer(D, v, off, ORDER).mul(b2).add(g.mul(g).mul(1 - b2));
            DoubleVector denom = vv.lanewise(VectorOperators.SQRT).div(sqrtBias2).add(eps);
            mv.intoByteBuffer(m, off, ORDER);
            vv.intoByteBuffer(v, off, ORDER);
            th.sub(mv.div(denom).mul(stepSize)).intoByteBuffer(theta, off, ORDER);
        }
        for (; i < n; i++) {
            int off = i * Double.BYTES;
            double th = theta.getDouble(off);
            double g = grad.getDouble(off) + th * wd;
            double mv = m.getDouble(off) * b1 + g * (1 - b1);
            double vv = v.getDouble(off) * b2 + g * g * (1 - b2);
            m.putDouble(off, mv);
            v.putDouble(off, vv);
            theta.putDouble(off, th - mv / (Math.sqrt(vv) / sqrtBias2 + eps) * stepSize);
        }
    }

    /** {@link #adamDouble} for floats (the arithmetic in float, as ND4J's float32 ops do). */
    public static void adamFloat(ByteBuffer theta, ByteBuffer grad, ByteBuffer m, ByteBuffer v, int n,
                                 double b1, double b2, double wd, double stepSize, double sqrtBias2, double eps) {
        float fb1 = (float) b1;
        float fb2 = (float) b2;
        float c1 = (float) (1 - b1);
        float c2 = (float) (1 - b2);
        float fwd = (float) wd;
        float fstep = (float) stepSize;
        float fbias = (float) sqrtBias2;
        float feps = (float) eps;
        int step = F.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            int off = i * Float.BYTES;
            FloatVector th = FloatVector.fromByteBuffer(F, theta, off, ORDER);
            FloatVector g = FloatVector.fromByteBuffer(F, grad, off, ORDER).add(th.mul(fwd));
            FloatVector mv = FloatVector.fromByteBuffer(F, m, off, ORDER).mul(fb1).add(g.mul(c1));
            FloatVector vv = FloatVector.fromByteBuffer(F, v, off, ORDER).mul(fb2).add(g.mul(g).mul(c2));
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(fbias).add(feps);
            mv.intoByteBuffer(m, off, ORDER);
            vv.intoByteBuffer(v, off, ORDER);
            th.sub(mv.div(denom).mul(fstep)).intoByteBuffer(theta, off, ORDER);
        }
        for (; i < n; i++) {
            int off = i * Float.BYTES;
            float th = theta.getFloat(off);
            float g = grad.getFloat(off) + th * fwd;
            float mv = m.getFloat(off) * fb1 + g * c1;
            float vv = v.getFloat(off) * fb2 + g * g * c2;
            m.putFloat(off, mv);
            v.putFloat(off, vv);
            theta.putFloat(off, th - mv / ((float) Math.sqrt(vv) / fbias + feps) * fstep);
        }
    }
}
