package org.tpsweep.rules;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.MatMul;
import org.tpsweep.optim.Parameter;

/** bp: exact backpropagation of the batch-mean loss through the whole network (ALGORITHMS.md §3a). */
public final class BackpropRule extends ForwardRule {

    public BackpropRule(DenseNetwork net) {
        super(net);
    }

    @Override
    public List<Parameter> feedbackParameters() {
        return List.of();
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        INDArray delta = lossGradient;                       // ∂ℒ/∂a_L
        for (int i = net.numLayers(); i >= 1; i--) {
            LocalUpdate.outerProduct(pass.h(i - 1), delta, 1.0, grads.weight(i), grads.bias(i));
            if (i > 1) {
                INDArray back = MatMul.times(delta, net.weight(i), false, true);   // ∂ℒ/∂h_{i-1}
                delta = back.muli(LocalUpdate.tanhDerivative(pass.h(i - 1)));   // ∂ℒ/∂a_{i-1}
            }
        }
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        throw new UnsupportedOperationException("bp has no feedback weights");
    }
}
