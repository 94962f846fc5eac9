package org.tpsweep.rules;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.NoiseSource;

/**
 * L-DRL, the local difference reconstruction loss of Ernoult et al. 2022 [E] as [F] implements it (l-drl-f,
 * ALGORITHMS.md §3b): dtp's layer-wise feedback and difference targets; per layer i, with x = h_{i-1},
 * y = f_i(x), r = g_i(y) and fresh dx, dy ~ N(0, σ²I),
 * <pre>
 *   ℓ_i = s · ( −2 Σ_units dx ⊙ (g_i(f_i(x + dx)) − r) + Σ_units (g_i(y + dy) − r)² ), averaged over the batch
 * </pre>
 * with s = 1/2 and r held constant in [F]'s code (its −Σ dx ⊙ (…) + ½ Σ (…)²), s = 1 and r differentiated in
 * [E]'s form. To first order in σ its expectation is s σ² (‖J_g‖_F² − 2 tr(J_g J_f)), minimised at J_g = J_fᵀ.
 * Under the mean reduction the sums over units become means over B × n.
 */
public final class LDrlRule extends LayerwiseRule {
    private final double scale;
    private final boolean rGrad;
    private final boolean perSampleSum;

    /**
     * @param scale        s: 1/2 ([F]) or 1 ([E])
     * @param rGrad        whether r = g_i(y) is differentiated ([E]) or constant ([F])
     * @param perSampleSum mean_b Σ_units ([F]'s sum reduction) instead of the mean over B × n
     */
    public LDrlRule(DenseNetwork net, LayerwiseFeedback feedback, OutputTarget target, double sigma, double scale,
                    boolean rGrad, boolean perSampleSum, NoiseSource noise) {
        super(net, feedback, target, sigma, noise);
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("l-drl needs sigma > 0, got " + sigma);
        }
        this.scale = scale;
        this.rGrad = rGrad;
        this.perSampleSum = perSampleSum;
    }

    /** The {@link RuleFactory} of l-drl-f: [F]'s form (s = 1/2, r constant) under the config's conventions. */
    public static LDrlRule create(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        DenseNetwork net = LearningRules.forwardNetwork(c, widths, LearningRules.allBiases(widths), dtype, init);
        LayerwiseFeedback fb = new LayerwiseFeedback(widths, LearningRules.biases(c),
                LearningRules.learnedFeedbackInit(c), true, dtype, init);
        OutputTarget target = LearningRules.outputTarget(c);
        return new LDrlRule(net, fb, target, c.getDouble(Methods.SIGMA), 0.5, false, target.sum(), noise);
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        double total = 0;
        for (int i = 2; i <= net.numLayers(); i++) {
            total += computeLayerFeedbackGradients(pass, i);
        }
        feedback.forgetCleanOutputs();
        return total;
    }

    @Override
    public double computeLayerFeedbackGradients(ForwardPass pass, int layer) {
        INDArray dx = DifferenceReconstruction.drawNoise(pass.h(layer - 1), noise).muli(sigma);
        INDArray dy = DifferenceReconstruction.drawNoise(pass.h(layer), noise).muli(sigma);
        return layerLoss(pass, layer, dx, dy);
    }

    /** ℓ_i for the given perturbations dx (B × n_{i-1}) and dy (B × n_i), writing ∂ℓ_i/∂(Q_i, c_i). */
    double layerLoss(ForwardPass pass, int i, INDArray dx, INDArray dy) {
        AffineFeedback g = feedback.map(i);
        INDArray y = pass.h(i);
        INDArray r = g.apply(y);                                               // r = g_i(y)
        INDArray u1 = net.layer(i, pass.h(i - 1).add(dx));                     // f_i(x + dx), a constant
        INDArray g1 = g.apply(u1);
        INDArray u2 = y.add(dy);
        INDArray g2 = g.apply(u2);
        INDArray d1 = g1.sub(r);                                               // g_i(f_i(x + dx)) − r
        INDArray d2 = g2.sub(r);                                               // g_i(y + dy) − r
        double count = perSampleSum ? dx.rows() : dx.length();
        double loss = scale * (-2 * dx.mul(d1).sumNumber().doubleValue() + d2.mul(d2).sumNumber().doubleValue())
                / count;
        double f = 2 * scale / count;
        g.zeroGradient();
        g.accumulateGradient(u1, g1, dx.mul(-f));
        g.accumulateGradient(u2, g2, d2.mul(f));
        if (rGrad) {
            g.accumulateGradient(y, r, dx.mul(f).subi(d2.mul(f)));
        }
        return loss;
    }
}
