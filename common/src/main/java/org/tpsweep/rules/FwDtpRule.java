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
import org.tpsweep.nn.Initializers;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.optim.Parameter;

/**
 * fw-dtp, fixed-weight difference target propagation ([F], ALGORITHMS.md §3b): dtp's layer-wise feedback
 * g_i(u) = tanh(u Q_i) (no bias under [F]'s conventions) whose Q_i (n_i × n_{i-1}) are drawn once from
 * U(−a, a) and never trained — no reconstruction loss, no pre-training; per minibatch only the forward pass,
 * the difference-corrected targets τ_{i-1} = g_i(τ_i) + h_{i-1} − g_i(h_i) and the local update of every layer
 * ({@link LayerwiseFeedback}); linear output. fw-dtp-bn, [F]'s "FW-DTP", adds BN (§1b): hidden layers BN∘tanh,
 * every g_i BN∘tanh, the targets through BN, and the output linear or linear-BN ({@code last_activation}).
 */
public final class FwDtpRule extends ForwardRule {
    private final LayerwiseFeedback feedback;
    private final OutputTarget target;

    public FwDtpRule(DenseNetwork net, LayerwiseFeedback feedback, OutputTarget target) {
        super(net);
        this.feedback = feedback;
        this.target = target;
    }

    /**
     * The {@link RuleFactory} of fw-dtp: forward weights, then Q_2 … Q_L ~ U(−a, a) with a = {@code feedback_scale},
     * from {@code init}, under the config's conventions.
     */
    public static FwDtpRule create(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        DenseNetwork net = LearningRules.forwardNetwork(c, widths, LearningRules.allBiases(widths), dtype, init);
        boolean bn = Methods.FW_DTP_BN.equals(c.method());
        if (bn) {
            boolean[] flags = new boolean[net.numLayers()];
            java.util.Arrays.fill(flags, true);
            flags[flags.length - 1] = Methods.LINEAR_BN.equals(c.getString(Methods.LAST_ACTIVATION));
            net = net.withBatchNorm(flags);
        }
        double a = c.getDouble(Methods.FEEDBACK_SCALE);
        LayerwiseFeedback fb = new LayerwiseFeedback(widths, LearningRules.biases(c),
                (rows, cols, t, rng) -> Initializers.uniform(rows, cols, a, t, rng), true, bn, dtype, init);
        return new FwDtpRule(net, fb, LearningRules.outputTarget(c));
    }

    /** The fixed feedback maps. */
    public LayerwiseFeedback feedback() {
        return feedback;
    }

    /** None: the feedback is fixed. */
    @Override
    public List<Parameter> feedbackParameters() {
        return List.of();
    }

    /** Q_2 … Q_L (and c_i where the conventions keep biases), never trained. */
    @Override
    public Map<String, INDArray> fixedFeedback() {
        Map<String, INDArray> fixed = new LinkedHashMap<>();
        for (Parameter p : feedback.parameters()) {
            fixed.put(p.name(), p.value());
        }
        return fixed;
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        feedback.localUpdates(pass, target.displacement(lossGradient), grads);
        feedback.forgetCleanOutputs();
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        throw new UnsupportedOperationException("fw-dtp has no trained feedback weights");
    }
}
