package org.tpsweep.rules;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.optim.Parameter;

/** The forward parameters W_i, b_i of a network paired with their gradient buffers, addressed by layer. */
public final class ForwardGradients {
    private final Parameter[] weights;
    private final Parameter[] biases;
    private final List<Parameter> all = new ArrayList<>();

    public ForwardGradients(DenseNetwork net) {
        int layers = net.numLayers();
        weights = new Parameter[layers + 1];
        biases = new Parameter[layers + 1];
        for (int i = 1; i <= layers; i++) {
            weights[i] = Parameter.of("W" + i, net.weight(i));
            all.add(weights[i]);
            if (net.bias(i) != null) {
                biases[i] = Parameter.of("b" + i, net.bias(i));
                all.add(biases[i]);
            }
        }
    }

    /** Gradient buffer of W_i. */
    public INDArray weight(int i) {
        return weights[i].gradient();
    }

    /** Gradient buffer of b_i, or null when layer i has no bias. */
    public INDArray bias(int i) {
        return biases[i] == null ? null : biases[i].gradient();
    }

    /** Every forward parameter, layer by layer (W_i then b_i). */
    public List<Parameter> parameters() {
        return List.copyOf(all);
    }
}
