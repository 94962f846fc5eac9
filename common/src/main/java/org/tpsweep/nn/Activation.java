package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The hidden nonlinearity φ of a network: tanh (every method's default) or, for dtp-iterative (ALGORITHMS.md
 * §3c), leaky-ReLU with slope s &gt; 0, φ(v) = v for v &gt; 0 and s·v otherwise (injective, so layers can be
 * inverted).
 */
public final class Activation {
    /** tanh. */
    public static final Activation TANH = new Activation(Double.NaN);

    /** NaN for tanh, else the leaky-ReLU slope s. */
    private final double slope;

    private Activation(double slope) {
        this.slope = slope;
    }

    /** Leaky-ReLU with slope {@code s} &gt; 0 on the negative side. */
    public static Activation leakyRelu(double s) {
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("leaky-ReLU slope must be finite and > 0, got " + s);
        }
        return new Activation(s);
    }

    /** True for tanh. */
    public boolean isTanh() {
        return Double.isNaN(slope);
    }

    /** The leaky-ReLU slope s (NaN for tanh). */
    public double slope() {
        return slope;
    }

    /** φ(v) in place; returns v. */
    public INDArray applyInPlace(INDArray v) {
        if (isTanh()) {
            return FastTanh.tanhInPlace(v);
        }
        return Transforms.leakyRelu(v, slope, false);            // v for v > 0, s·v otherwise
    }

    /** φ(v) written into {@code out} (same shape as v, not v); returns out. */
    public INDArray applyInto(INDArray v, INDArray out) {
        if (isTanh()) {
            return FastTanh.tanhInPlace(out.assign(v));
        }
        return Nd4j.getExecutioner().exec(new LeakyReLU(v, out, slope));
    }

    /** φ(v), a new array. */
    public INDArray apply(INDArray v) {
        return applyInPlace(v.dup());
    }

    /** φ'(v), a new array (leaky-ReLU: 1 where v &gt; 0, s elsewhere). */
    public INDArray derivative(INDArray v) {
        if (isTanh()) {
            INDArray t = Transforms.tanh(v, true);
            return t.muli(t).rsubi(1.0);
        }
        return v.gt(0.0).castTo(v.dataType()).muli(1.0 - slope).addi(slope);
    }

    @Override
    public String toString() {
        return isTanh() ? "tanh" : "leaky-relu(" + slope + ")";
    }
}
