package org.tpsweep.rules;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.optim.Parameter;

/**
 * What dtp, dtp-pretrained and dtp-drl share (ALGORITHMS.md §3a): layer-wise feedback maps g_2 … g_L
 * ({@link LayerwiseFeedback}), difference-corrected targets from τ_L = a_L − β ∂ℒ/∂a_L ({@link OutputTarget}), local updates in
 * every layer, and feedback noise σ. Subclasses define only the feedback loss.
 */
public abstract class LayerwiseRule extends ForwardRule {
    /** The trained feedback maps. */
    protected final LayerwiseFeedback feedback;
    /** The output target (β and the loss reduction). */
    protected final OutputTarget target;
    /** Feedback noise std σ. */
    protected final double sigma;
    /** The run's noise stream. */
    protected final NoiseSource noise;

    protected LayerwiseRule(DenseNetwork net, LayerwiseFeedback feedback, OutputTarget target, double sigma,
                            NoiseSource noise) {
        super(net);
        this.feedback = feedback;
        this.target = target;
        this.sigma = sigma;
        this.noise = noise;
    }

    /** The feedback maps. */
    public final LayerwiseFeedback feedback() {
        return feedback;
    }

    @Override
    public final List<Parameter> feedbackParameters() {
        return feedback.parameters();
    }

    /** Q_i and c_i of g_i (i = 2..L). */
    @Override
    public final List<Parameter> feedbackParameters(int layer) {
        return layer >= 2 && layer <= net.numLayers() ? feedback.map(layer).parameters() : List.of();
    }

    @Override
    public final void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        feedback.localUpdates(pass, target.displacement(lossGradient), grads);
    }
}
