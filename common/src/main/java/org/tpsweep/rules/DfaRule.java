package org.tpsweep.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.optim.Parameter;

/**
 * dfa, direct feedback alignment in [M]'s form (its DMLPDTP2 with fixed linear feedback, ALGORITHMS.md §3a):
 * fixed Xavier-normal Q_i, never trained; no b_{L-1}. τ_i = h_i + Q_i(τ_L − a_L), so the hidden teaching
 * signal is e_i,b = 2β φ'(a_i,b) ⊙ Q_i ∂ℒ/∂a_L,b (∂ℒ/∂a_L carries the 1/B), ∇W_i = (1/B) e_iᵀ h_{i-1},
 * and the output layer gets its local update (2β/B)·G_BP. Algebraically this is ddtp-linear's forward step
 * with Q_i held fixed; both use {@link #directFeedbackGradients}.
 *
 * <p>The Q_i live in a {@link DirectLinearFeedback} (stored n_L × n_i, one sample per row); its zero c_i
 * cancel in the targets and are in no optimiser.
 */
public final class DfaRule extends ForwardRule {
    private final DirectLinearFeedback feedback;
    private final double beta;

    /**
     * @param net      forward network (the factory builds it without b_{L-1})
     * @param feedback the fixed Q_i
     * @param beta     output target step size β
     */
    public DfaRule(DenseNetwork net, DirectLinearFeedback feedback, double beta) {
        super(net);
        this.feedback = feedback;
        this.beta = beta;
    }

    /**
     * The {@link RuleFactory} of dfa: the forward network without b_{L-1}, then Q_1 … Q_{L-1} from the same
     * init stream; β = {@code target_stepsize}.
     */
    public static DfaRule create(RunConfig config, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        DenseNetwork net = DenseNetwork.xavierNormal(widths, LearningRules.withoutLastHiddenBias(widths), dtype, init);
        DirectLinearFeedback fb = new DirectLinearFeedback(widths, dtype, init);
        return new DfaRule(net, fb, config.getDouble(Methods.TARGET_STEPSIZE));
    }

    /** Q_i, the fixed n_L × n_i feedback matrix of hidden layer i (live array). */
    public INDArray q(int i) {
        return feedback.q(i);
    }

    /** Q_1 … Q_{L-1}, the fixed feedback matrices. */
    @Override
    public Map<String, INDArray> fixedFeedback() {
        Map<String, INDArray> fixed = new LinkedHashMap<>();
        for (int i = 1; i < net.numLayers(); i++) {
            fixed.put("Q" + i, feedback.q(i));
        }
        return fixed;
    }

    /** None: the feedback is fixed, so {@link #trainsFeedback()} is false. */
    @Override
    public List<Parameter> feedbackParameters() {
        return List.of();
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        directFeedbackGradients(net, feedback, pass, lossGradient, beta, grads);
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        throw new UnsupportedOperationException("dfa has no trained feedback weights");
    }

    /**
     * The forward step of every rule with direct linear output-to-layer feedback and difference-corrected
     * targets (dfa; ddtp-linear with its current Q_i): h_L − τ_L = β ∂ℒ/∂a_L, h_i − τ_i = (h_L − τ_L) Q_i for
     * hidden layers, then the local update of every layer incl. the output (ALGORITHMS.md §1).
     */
    public static void directFeedbackGradients(DenseNetwork net, DirectLinearFeedback feedback, ForwardPass pass,
                                               INDArray lossGradient, double beta, ForwardGradients grads) {
        int last = net.numLayers();
        INDArray outDisp = LocalUpdate.outputDisplacement(lossGradient, beta);
        for (int i = 1; i < last; i++) {
            LocalUpdate.apply(pass, i, feedback.propagate(i, outDisp), true, grads.weight(i), grads.bias(i));
        }
        LocalUpdate.apply(pass, last, outDisp, false, grads.weight(last), grads.bias(last));
    }
}
