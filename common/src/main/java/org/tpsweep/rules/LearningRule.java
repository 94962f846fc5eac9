package org.tpsweep.rules;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.optim.Parameter;

/**
 * A learning rule: how one minibatch's forward pass turns into gradients for the forward weights and, for
 * rules with trained feedback, for the feedback weights. The training loop ({@code org.tpsweep.train.Trainer})
 * owns the schedule and the optimisers; a rule only fills the gradient buffers of its {@link Parameter}s.
 */
public interface LearningRule {

    /** The forward network the rule trains. */
    DenseNetwork network();

    /** Forward parameters (W_i, b_i) with their gradient buffers, in layer order. */
    List<Parameter> forwardParameters();

    /** The gradient buffer of W_i ({@code layer} = i, 1-based) among {@link #forwardParameters()}. */
    default INDArray weightGradient(int layer) {
        String name = "W" + layer;
        for (Parameter p : forwardParameters()) {
            if (p.name().equals(name)) {
                return p.gradient();
            }
        }
        throw new IllegalStateException("no parameter " + name);
    }

    /** Trained feedback parameters (Q_i, c_i); empty for rules without trained feedback. */
    List<Parameter> feedbackParameters();

    /**
     * Feedback arrays that are part of the rule but never trained (dfa's Q_i, ddtp-rhl's R and r), by name,
     * as live arrays; empty for most rules.
     */
    default Map<String, INDArray> fixedFeedback() {
        return Map.of();
    }

    /**
     * The trained feedback parameters of layer i's feedback map, for [F]'s layer-by-layer feedback iteration
     * (ALGORITHMS.md §1b); empty for a layer without trained feedback.
     */
    default List<Parameter> feedbackParameters(int layer) {
        return List.of();
    }

    /**
     * [F]'s feedback iteration for one layer (ALGORITHMS.md §1b): fresh noise, the rule's loss ℓ_i with the
     * feedback weights as they are now (those of upper layers already updated in this iteration), its gradient
     * into layer i's feedback parameters only; returns ℓ_i. Rules without it throw.
     */
    default double computeLayerFeedbackGradients(ForwardPass pass, int layer) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no layer-by-layer feedback "
                + "iteration ([F]'s schedule)");
    }

    /** True when the rule has feedback parameters trained by a feedback loss (pre-training, feedback epochs). */
    default boolean trainsFeedback() {
        return !feedbackParameters().isEmpty();
    }

    /**
     * Writes the forward-parameter gradients of this minibatch into their buffers (not applied).
     *
     * @param pass          the forward pass of the minibatch
     * @param lossGradient  ∂ℒ/∂a_L of the batch-mean loss, B × n_L (it carries the 1/B)
     */
    void computeForwardGradients(ForwardPass pass, INDArray lossGradient);

    /**
     * The forward-parameter gradients of {@link #computeForwardGradients} for an analysis pass with every weight
     * frozen ([M]'s λ search): writes the same buffers but changes no other state of the rule. Rules whose step
     * trains something itself (dtp-iterative's decoder step S1) override it.
     */
    default void computeFrozenForwardGradients(ForwardPass pass, INDArray lossGradient) {
        computeForwardGradients(pass, lossGradient);
    }

    /**
     * Writes the feedback-parameter gradients of this minibatch, all computed with the current (pre-step)
     * feedback weights, and returns the feedback loss summed over trained layers. Only called when
     * {@link #trainsFeedback()}.
     */
    double computeFeedbackGradients(ForwardPass pass);

    /**
     * True when the rule's update needs no optimiser (dtp-iterative): its gradient buffers hold −ΔW, which the
     * trainer applies with plain SGD of learning rate 1 (the rule's own keys then set the step size).
     */
    default boolean writesUpdates() {
        return false;
    }

    /** Epochs of the rule's own pre-training before the first training epoch (dtp-iterative: decoder-only). */
    default int ownPretrainEpochs() {
        return 0;
    }

    /** One step of the rule's own pre-training on {@code pass}; only called when {@link #ownPretrainEpochs()} &gt; 0. */
    default void ownPretrainStep(ForwardPass pass) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no pre-training of its own");
    }

    /**
     * Arrays the rule changes during training that are neither forward nor feedback parameters (dtp-iterative's
     * decoders, which its own step trains), by name, as live arrays in a fixed order: a checkpoint saves them
     * and assigns them back on resume. Empty for most rules.
     */
    default Map<String, INDArray> trainedState() {
        return Map.of();
    }

    /**
     * Warnings about this configuration (e.g. dtp-iterative's decoder step past its stability bound), which the
     * run's message carries: on a cluster the rule's stderr is only in an executor's log. Empty for most rules.
     */
    default List<String> warnings() {
        return List.of();
    }

    /** The rule's per-epoch diagnostics since the last call, labelled {@code epoch} (empty for most rules). */
    default List<org.tpsweep.metrics.RuleDiagnostic> flushDiagnostics(int epoch) {
        return List.of();
    }
}
