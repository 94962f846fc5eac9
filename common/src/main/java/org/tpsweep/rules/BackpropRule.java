package org.tpsweep.rules;

import java.util.List;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.MatMul;
import org.tpsweep.optim.Parameter;

/**
 * bp: exact backpropagation of the batch-mean loss through the whole network (ALGORITHMS.md §3a). The backward
 * loop is shared with fa ({@link #backpropagate}), which sends the error back through other matrices. The
 * reproduction-only option {@code fa_bp_preact_bug} (§3b) uses a_{i-1} in place of h_{i-1} in ∇W_i for i ≥ 2, as
 * [F]'s BP and FA code does.
 */
public final class BackpropRule extends ForwardRule {
    private final boolean preactBug;

    public BackpropRule(DenseNetwork net) {
        this(net, false);
    }

    /** @param preactBug [F]'s bug: a_{i-1} instead of h_{i-1} as the input of ∇W_i, i ≥ 2 (reproduction only) */
    public BackpropRule(DenseNetwork net, boolean preactBug) {
        super(net);
        this.preactBug = preactBug;
    }

    @Override
    public List<Parameter> feedbackParameters() {
        return List.of();
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        backpropagate(net, pass, lossGradient, net::weight, preactBug, grads);
    }

    /**
     * The backward loop of bp and fa: δ_L = ∂ℒ/∂a_L, ∇W_i = h_{i-1}ᵀ δ_i (and ∇b_i = Σ_b δ_i),
     * δ_{i-1} = φ'(a_{i-1}) ⊙ (δ_i M_iᵀ) with M_i = {@code backward.apply(i)} (W_i for bp), shaped like W_i.
     *
     * @param preactBug use a_{i-1} = h_{i-2} W_{i-1} + b_{i-1} in place of h_{i-1} in ∇W_i for i ≥ 2 ([F]'s code)
     */
    static void backpropagate(DenseNetwork net, ForwardPass pass, INDArray lossGradient,
                              IntFunction<INDArray> backward, boolean preactBug, ForwardGradients grads) {
        INDArray delta = lossGradient;                       // ∂ℒ/∂a_L
        for (int i = net.numLayers(); i >= 1; i--) {
            INDArray input = preactBug && i >= 2 ? preActivation(net, pass, i - 1) : pass.h(i - 1);
            LocalUpdate.outerProduct(input, delta, 1.0, grads.weight(i), grads.bias(i));
            if (i > 1) {
                INDArray back = MatMul.times(delta, backward.apply(i), false, true);   // δ_i M_iᵀ
                delta = back.muli(LocalUpdate.tanhDerivative(pass.h(i - 1)));       // ∂ℒ/∂a_{i-1}
            }
        }
    }

    /** a_k = h_{k-1} W_k + b_k, recomputed (a new array). */
    private static INDArray preActivation(DenseNetwork net, ForwardPass pass, int k) {
        INDArray a = MatMul.times(pass.h(k - 1), net.weight(k));
        if (net.bias(k) != null) {
            a.addiRowVector(net.bias(k));
        }
        return a;
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        throw new UnsupportedOperationException("bp has no feedback weights");
    }
}
