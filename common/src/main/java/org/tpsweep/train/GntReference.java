package org.tpsweep.train;

import java.util.function.IntToDoubleFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.rules.GaussNewtonTargets;
import org.tpsweep.rules.LocalUpdate;

/**
 * The damped GNT reference update of the hidden layers (ALGORITHMS.md §4, GNT angle):
 * G_GNT,i = (1/B) Σ_b [2φ'(a_i,b) ⊙ Δh_i,b] h_{i-1,b}ᵀ with Δh_i,b = J_bᵀ(J_b J_bᵀ + λ_i I)⁻¹ ∂ℒ/∂a_L,b, in
 * buffers allocated once and refilled per logged minibatch. Used by the angle monitor and the λ search.
 */
final class GntReference {
    private final DenseNetwork net;
    private final INDArray[] gradients;

    GntReference(DenseNetwork net) {
        this.net = net;
        this.gradients = new INDArray[net.numLayers()];
        for (int i = 1; i < net.numLayers(); i++) {
            gradients[i] = net.weight(i).ulike();
        }
    }

    /** Recomputes G_GNT,i of every hidden layer i with damping {@code lambda.applyAsDouble(i)}. */
    void compute(ForwardPass pass, INDArray lossGradient, IntToDoubleFunction lambda) {
        int last = net.numLayers();
        INDArray[] dh = GaussNewtonTargets.displacements(net, pass, lossGradient,
                i -> i < last ? lambda.applyAsDouble(i) : 0.0);
        for (int i = 1; i < last; i++) {
            LocalUpdate.apply(pass, i, dh[i], true, gradients[i], null);
        }
    }

    /** G_GNT,i of hidden layer i from the last {@link #compute}. */
    INDArray gradient(int i) {
        return gradients[i];
    }
}
