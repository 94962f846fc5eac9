package org.tpsweep.rules;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.BatchStandardize;
import org.tpsweep.nn.FastTanh;
import org.tpsweep.nn.Initializers;
import org.tpsweep.nn.MatMul;
import org.tpsweep.optim.Parameter;

/**
 * One trained feedback map g(u) = φ(u Q + c) on a batch u (B × in), φ = tanh or identity: the building block
 * of every trained feedback path (dtp's layer-wise g_i, ddtp-rhl's maps from z, ddtp-linear/control's direct
 * linear maps). Q (in × out) is Xavier-normal, c = 0 or absent. {@link #accumulateGradient} back-propagates
 * a loss gradient through one application into Q and c only, so a feedback loss that applies the map twice
 * (the difference correction g(t) − g(h)) adds both contributions.
 */
public final class AffineFeedback {
    private final Parameter q;
    private final Parameter c;
    private final boolean tanh;
    private final boolean batchNorm;

    /**
     * @param name  parameter name stem, e.g. "Q3" (the bias is named with 'c' instead of 'Q')
     * @param bias  whether the map has a bias c
     * @param tanh  φ = tanh (else identity)
     */
    public AffineFeedback(String name, int in, int out, boolean bias, boolean tanh, DataType dtype, Random rng) {
        this(name, Initializers.xavierNormal(in, out, dtype, rng), bias, tanh);
    }

    /**
     * A map with the given initial Q (in × out, used as it is) and, with {@code bias}, c = 0.
     *
     * @param name parameter name stem, e.g. "Q3" (the bias is named with 'c' instead of 'Q')
     */
    public AffineFeedback(String name, INDArray q0, boolean bias, boolean tanh) {
        this(name, q0, bias, tanh, false);
    }

    /** As {@link #AffineFeedback(String, INDArray, boolean, boolean)}, with [F]'s BN after φ when {@code batchNorm}. */
    public AffineFeedback(String name, INDArray q0, boolean bias, boolean tanh, boolean batchNorm) {
        this.q = Parameter.of(name, q0);
        this.c = bias ? Parameter.of(name.replace('Q', 'c'), Nd4j.zeros(q0.dataType(), 1, q0.columns())) : null;
        this.tanh = tanh;
        this.batchNorm = batchNorm;
    }

    /** g(u) = φ(u Q + c) (then BN over the batch where the map has it), a new B × out array. */
    public INDArray apply(INDArray u) {
        INDArray a = MatMul.times(u, q.value());
        if (c != null) {
            a.addiRowVector(c.value());
        }
        INDArray g = tanh ? FastTanh.tanhInPlace(a) : a;
        return batchNorm ? BatchStandardize.forward(g).output() : g;
    }

    /** Sets the gradient buffers of Q and c to zero (call before a loss's first {@link #accumulateGradient}). */
    public void zeroGradient() {
        q.gradient().assign(0);
        if (c != null) {
            c.gradient().assign(0);
        }
    }

    /**
     * Adds ∂loss/∂Q and ∂loss/∂c of one application g(u) = {@code out}, given ∂loss/∂out (B × out, consumed).
     */
    public void accumulateGradient(INDArray u, INDArray out, INDArray gradOut) {
        INDArray delta;
        if (batchNorm) {                    // out = BN(φ(a)): back through BN (batch statistics differentiated), then φ
            INDArray a = MatMul.times(u, q.value());
            if (c != null) {
                a.addiRowVector(c.value());
            }
            INDArray t = tanh ? FastTanh.tanhInPlace(a) : a;
            delta = BatchStandardize.forward(t).backward(gradOut);
            if (tanh) {
                delta.muli(LocalUpdate.tanhDerivative(t));
            }
        } else {
            delta = tanh ? gradOut.muli(LocalUpdate.tanhDerivative(out)) : gradOut;
        }
        Nd4j.gemm(u, delta, q.gradient(), true, false, 1.0, 1.0);
        if (c != null) {
            c.gradient().addi(delta.sum(true, 0));
        }
    }

    /** The live Q (in × out). */
    public INDArray q() {
        return q.value();
    }

    /** The live c, or null. */
    public INDArray c() {
        return c == null ? null : c.value();
    }

    /** Q then c (where present). */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        all.add(q);
        if (c != null) {
            all.add(c);
        }
        return all;
    }
}
