package org.tpsweep.rules;

import java.util.List;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.optim.Parameter;

/**
 * Base of every learning rule: the forward network and its gradient buffers, which every rule has in the same
 * form. A subclass says only how the gradients are computed and which feedback parameters it trains.
 */
public abstract class ForwardRule implements LearningRule {
    /** The forward network being trained. */
    protected final DenseNetwork net;
    /** Gradient buffers of W_i, b_i. */
    protected final ForwardGradients grads;

    protected ForwardRule(DenseNetwork net) {
        this.net = net;
        this.grads = new ForwardGradients(net);
    }

    @Override
    public final DenseNetwork network() {
        return net;
    }

    @Override
    public final List<Parameter> forwardParameters() {
        return grads.parameters();
    }
}
