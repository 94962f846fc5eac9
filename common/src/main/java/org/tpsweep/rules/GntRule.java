package org.tpsweep.rules;

import java.util.List;
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
 * gnt ([M]'s GN2, ALGORITHMS.md §3a): ideal damped Gauss-Newton targets for every layer i = 1..L, output
 * included, τ_i = h_i − Δh_i with Δh_i,b = J_bᵀ(J_b J_bᵀ + λI)⁻¹ e_b, J_b = ∂a_L/∂h_i, e = ∂ℒ/∂a_L (raw,
 * carrying the 1/B; β is not used), then the local update. For the output Δh_L = e/(1+λ), so its update is
 * 2/(B(1+λ))·G_BP. No feedback weights; every layer keeps its bias. The Jacobians and solves are batched
 * ({@link GaussNewtonTargets}).
 */
public final class GntRule extends ForwardRule {
    private final double lambda;

    /**
     * @param net    forward network (all biases)
     * @param lambda damping λ ≥ 0 ({@code gn_damping_training}; 0: pseudo-inverse)
     */
    public GntRule(DenseNetwork net, double lambda) {
        super(net);
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("gnt needs a finite damping >= 0, got " + lambda);
        }
        this.lambda = lambda;
    }

    /** The {@link RuleFactory} of gnt: the forward network with every bias; λ = {@code gn_damping_training}. */
    public static GntRule create(RunConfig config, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        DenseNetwork net = DenseNetwork.xavierNormal(widths, LearningRules.allBiases(widths), dtype, init);
        return new GntRule(net, config.getDouble(Methods.GN_DAMPING_TRAINING));
    }

    /** λ. */
    public double damping() {
        return lambda;
    }

    @Override
    public List<Parameter> feedbackParameters() {
        return List.of();
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        int last = net.numLayers();
        INDArray[] dh = GaussNewtonTargets.displacements(net, pass, lossGradient, i -> lambda);
        for (int i = 1; i <= last; i++) {
            LocalUpdate.apply(pass, i, dh[i], net.isHidden(i), grads.weight(i), grads.bias(i));
        }
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        throw new UnsupportedOperationException("gnt has no feedback weights");
    }
}
