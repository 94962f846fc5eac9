package org.tpsweep.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.optim.Parameter;

/**
 * fa, feedback alignment as [F] runs it (ALGORITHMS.md §3b): backpropagation with each W_iᵀ (i = 2..L) replaced
 * in the backward pass by a fixed random matrix B_i shaped like W_i (stored n_{i-1} × n_i, so that the error
 * goes back as δ_{i-1} = φ'(a_{i-1}) ⊙ (δ_i B_iᵀ) for a batch), drawn once elementwise from
 * N(mean(W_i⁰), std(W_i⁰)²) of the initial W_i⁰; ∇W_i = (1/B) h_{i-1}ᵀ δ_i with δ_L = ∂(Σ_b CE)/∂a_L, i.e. the
 * batch-mean loss's gradient that the trainer passes.
 */
public final class FeedbackAlignmentRule extends ForwardRule {
    private final INDArray[] backward;
    private final boolean preactBug;

    /**
     * @param backward  B_i at index i (i = 2..L; entries 0 and 1 unused), each shaped like W_i
     * @param preactBug [F]'s bug: a_{i-1} instead of h_{i-1} in ∇W_i, i ≥ 2 (reproduction only)
     */
    public FeedbackAlignmentRule(DenseNetwork net, INDArray[] backward, boolean preactBug) {
        super(net);
        this.backward = backward.clone();
        this.preactBug = preactBug;
    }

    /** The {@link RuleFactory} of fa: forward weights, then B_2 … B_L from the same stream. */
    public static FeedbackAlignmentRule create(RunConfig c, int[] widths, DataType dtype, Random init,
                                               NoiseSource noise) {
        DenseNetwork net = LearningRules.forwardNetwork(c, widths, LearningRules.allBiases(widths), dtype, init);
        INDArray[] b = new INDArray[net.numLayers() + 1];
        for (int i = 2; i <= net.numLayers(); i++) {
            INDArray w = net.weight(i);
            b[i] = Nd4j.createUninitialized(dtype, w.rows(), w.columns());
            Nd4j.randn(w.meanNumber().doubleValue(), w.stdNumber().doubleValue(), b[i], init);
        }
        return new FeedbackAlignmentRule(net, b, c.getBoolean(Methods.FA_BP_PREACT_BUG));
    }

    /** None: the feedback is fixed. */
    @Override
    public List<Parameter> feedbackParameters() {
        return List.of();
    }

    /** B_2 … B_L. */
    @Override
    public Map<String, INDArray> fixedFeedback() {
        Map<String, INDArray> fixed = new LinkedHashMap<>();
        for (int i = 2; i < backward.length; i++) {
            fixed.put("B" + i, backward[i]);
        }
        return fixed;
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        BackpropRule.backpropagate(net, pass, lossGradient, i -> backward[i], preactBug, grads);
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        throw new UnsupportedOperationException("fa has no trained feedback weights");
    }
}
