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
    // |r| ≤ ln2/2: 2^k·p(r) + (2^k − 1) with p(r) = e^r − 1 as a Taylor polynomial (Horner, written out so
    // that no vector is carried around a loop). k is rounded with the 1.5·2^52 trick, whose bits also give
    // 2^k. Only +, −, ×, ÷, fma and integer bit operations, all exactly rounded: interpreted, C1 and C2 code
    // give bit-identical results (the Vector API's own TANH calls another library once compiled, which broke
    // run-to-run determinism).
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double INV_LN2 = 1.44269504088896338700e+00;
    private static final double ROUND = 0x1.8p52;
    private static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);
    private static final double Y_MAX = 40.0;                    // tanh(20) rounds to 1 in double and float
    private static final double C2 = 1.0 / 2, C3 = C2 / 3, C4 = C3 / 4, C5 = C4 / 5, C6 = C5 / 6, C7 = C6 / 7,
            C8 = C7 / 8, C9 = C8 / 9, C10 = C9 / 10, C11 = C10 / 11, C12 = C11 / 12, C13 = C12 / 13;
    private static final float LN2_HI_F = 0.693145751953125f;
    private static final float LN2_LO_F = 1.428606765330187e-06f;
    private static final float ROUND_F = 0x1.8p23f;
    private static final int ROUND_BITS_F = Float.floatToRawIntBits(ROUND_F);
    private static final float F2 = (float) C2, F3 = (float) C3, F4 = (float) C4, F5 = (float) C5,
            F6 = (float) C6, F7 = (float) C7, F8 = (float) C8;

    static void tanhDouble(ByteBuffer bb, int n) {
        int step = D.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            int off = i * Double.BYTES;
            DoubleVector x = DoubleVector.fromByteBuffer(D, bb, off, ORDER);
            DoubleVector y = x.abs().mul(2.0).min(Y_MAX);
            DoubleVector t = y.mul(INV_LN2).add(ROUND);
            DoubleVector kd = t.sub(ROUND);
            DoubleVector r = kd.mul(-LN2_HI).add(y).sub(kd.mul(LN2_LO));
            DoubleVector p = r.fma(C13, C12);
            p = p.fma(r, DoubleVector.broadcast(D, C11));
            p = p.fma(r, DoubleVector.broadcast(D, C10));
            p = p.fma(r, DoubleVector.broadcast(D, C9));
            p = p.fma(r, DoubleVector.broadcast(D, C8));
            p = p.fma(r, DoubleVector.broadcast(D, C7));
            p = p.fma(r, DoubleVector.broadcast(D, C6));
            p = p.fma(r, DoubleVector.broadcast(D, C5));
            p = p.fma(r, DoubleVector.broadcast(D, C4));
            p = p.fma(r, DoubleVector.broadcast(D, C3));
            p = p.fma(r, DoubleVector.broadcast(D, C2));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0));
            p = p.mul(r);                                                        // e^r − 1
            DoubleVector twoK = t.reinterpretAsLongs().sub(ROUND_BITS - 1023L)
                    .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector m = twoK.mul(p).add(twoK.sub(1.0));                    // expm1(y)
            DoubleVector th = m.div(m.add(2.0));
            th.blend(th.neg(), x.lt(0.0)).intoByteBuffer(bb, off, ORDER);
        }
        for (; i < n; i++) {
            int off = i * Double.BYTES;
            bb.putDouble(off, tanhScalar(bb.getDouble(off)));
        }
    }

    /** The scalar twin of the vector loop, operation for operation. */
    static double tanhScalar(double x) {
        double y = Math.min(Math.abs(x) * 2.0, Y_MAX);
        double t = y * INV_LN2 + ROUND;
        double kd = t - ROUND;
        double r = kd * -LN2_HI + y - kd * LN2_LO;
        double p = Math.fma(r, C13, C12);
        p = Math.fma(p, r, C11);
        p = Math.fma(p, r, C10);
        p = Math.fma(p, r, C9);
        p = Math.fma(p, r, C8);
        p = Math.fma(p, r, C7);
        p = Math.fma(p, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1.0);
        p = p * r;
        double twoK = Double.longBitsToDouble((Double.doubleToRawLongBits(t) - (ROUND_BITS - 1023L)) << 52);
        double m = twoK * p + (twoK - 1.0);
        double th = m / (m + 2.0);
        return x < 0.0 ? -th : th;
    }

    static void tanhFloat(ByteBuffer bb, int n) {
        int step = F.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            int off = i * Float.BYTES;
            FloatVector x = FloatVector.fromByteBuffer(F, bb, off, ORDER);
            FloatVector y = x.abs().mul(2.0f).min((float) Y_MAX);
            FloatVector t = y.mul((float) INV_LN2).add(ROUND_F);
            FloatVector kd = t.sub(ROUND_F);
            FloatVector r = kd.mul(-LN2_HI_F).add(y).sub(kd.mul(LN2_LO_F));
            FloatVector p = r.fma(F8, F7);
            p = p.fma(r, FloatVector.broadcast(F, F6));
            p = p.fma(r, FloatVector.broadcast(F, F5));
            p = p.fma(r, FloatVector.broadcast(F, F4));
            p = p.fma(r, FloatVector.broadcast(F, F3));
            p = p.fma(r, FloatVector.broadcast(F, F2));
            p = p.fma(r, FloatVector.broadcast(F, 1.0f));
            p = p.mul(r);
            FloatVector twoK = t.reinterpretAsInts().sub(ROUND_BITS_F - 127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector m = twoK.mul(p).add(twoK.sub(1.0f));
            FloatVector th = m.div(m.add(2.0f));
            th.blend(th.neg(), x.lt(0.0f)).intoByteBuffer(bb, off, ORDER);
        }
        for (; i < n; i++) {
            int off = i * Float.BYTES;
            bb.putFloat(off, tanhScalar(bb.getFloat(off)));
        }
    }

    /** The scalar twin of the float vector loop. */
    static float tanhScalar(float x) {
        float y = Math.min(Math.abs(x) * 2.0f, (float) Y_MAX);
        float t = y * (float) INV_LN2 + ROUND_F;
        float kd = t - ROUND_F;
        float r = kd * -LN2_HI_F + y - kd * LN2_LO_F;
        float p = Math.fma(r, F8, F7);
        p = Math.fma(p, r, F6);
        p = Math.fma(p, r, F5);
        p = Math.fma(p, r, F4);
        p = Math.fma(p, r, F3);
        p = Math.fma(p, r, F2);
        p = Math.fma(p, r, 1.0f);
        p = p * r;
        float twoK = Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUND_BITS_F - 127)) << 23);
        float m = twoK * p + (twoK - 1.0f);
        float th = m / (m + 2.0f);
        return x < 0.0f ? -th : th;
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
