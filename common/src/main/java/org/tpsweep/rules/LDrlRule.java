package org.tpsweep.rules;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.tpsweep.config.LayerFeedbackSchedule;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.NoiseSource;

/**
 * L-DRL, the local difference reconstruction loss of Ernoult et al. 2022 [E], in [F]'s form (l-drl-f) and in
 * [E]'s (l-drl-e, ALGORITHMS.md §3b): dtp's layer-wise feedback and difference targets; per layer i, with x = h_{i-1},
 * y = f_i(x), r = g_i(y) and fresh dx, dy ~ N(0, σ²I),
 * <pre>
 *   ℓ_i = s · ( −2 Σ_units dx ⊙ (g_i(f_i(x + dx)) − r) + Σ_units (g_i(y + dy) − r)² ), averaged over the batch
 * </pre>
 * with s = 1/2 and r held constant in [F]'s code (its −Σ dx ⊙ (…) + ½ Σ (…)²), s = 1 and r differentiated in
 * [E]'s form. To first order in σ its expectation is s σ² (‖J_g‖_F² − 2 tr(J_g J_f)), minimised at J_g = J_fᵀ.
 * Under the mean reduction the sums over units become means over B × n. σ may differ per layer
 * ({@link LayerFeedbackSchedule}); the layer order, step counts, learning rates and momentum are the trainer's.
 */
public final class LDrlRule extends LayerwiseRule {
    private final double scale;
    private final boolean rGrad;
    private final boolean perSampleSum;
    /** σ of map g_i at index i (indices 0 and 1 unused). */
    private final double[] sigmaByLayer;

    /**
     * @param sigmaByLayer σ of map g_i at index i = 2..L (each &gt; 0; indices 0 and 1 unused)
     * @param scale        s: 1/2 ([F]) or 1 ([E])
     * @param rGrad        whether r = g_i(y) is differentiated ([E]) or constant ([F])
     * @param perSampleSum mean_b Σ_units ([F]'s sum reduction) instead of the mean over B × n
     */
    public LDrlRule(DenseNetwork net, LayerwiseFeedback feedback, OutputTarget target, double[] sigmaByLayer,
                    double scale, boolean rGrad, boolean perSampleSum, NoiseSource noise) {
        super(net, feedback, target, sigmaByLayer[2], noise);
        for (int i = 2; i <= net.numLayers(); i++) {
            if (!(sigmaByLayer[i] > 0)) {
                throw new IllegalArgumentException("l-drl needs sigma > 0, got " + sigmaByLayer[i] + " for g_" + i);
            }
        }
        this.sigmaByLayer = sigmaByLayer.clone();
        this.scale = scale;
        this.rGrad = rGrad;
        this.perSampleSum = perSampleSum;
    }

    /**
     * The {@link RuleFactory} of l-drl-f and l-drl-e: the config's loss scale s and r-gradient ([F]: 1/2, r constant;
     * [E]: 1, r differentiated), per-layer σ, under the config's conventions.
     */
    public static LDrlRule create(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        DenseNetwork net = LearningRules.forwardNetwork(c, widths, LearningRules.allBiases(widths), dtype, init);
        LayerwiseFeedback fb = new LayerwiseFeedback(widths, LearningRules.biases(c),
                LearningRules.learnedFeedbackInit(c), true, dtype, init);
        OutputTarget target = LearningRules.outputTarget(c);
        LayerFeedbackSchedule schedule = LayerFeedbackSchedule.of(c);
        double[] sigmas = new double[net.numLayers() + 1];
        for (int i = 2; i <= net.numLayers(); i++) {
            sigmas[i] = schedule.sigma(i);
        }
        return new LDrlRule(net, fb, target, sigmas, c.getDouble(Methods.LDRL_SCALE), c.getBoolean(Methods.LDRL_R_GRAD),
                target.sum(), noise);
    }

    /** The feedback noise σ of map g_i. */
    public double sigma(int layer) {
        return sigmaByLayer[layer];
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
        double s = sigma(layer);
        INDArray dx = DifferenceReconstruction.drawNoise(pass.h(layer - 1), noise).muli(s);
        INDArray dy = DifferenceReconstruction.drawNoise(pass.h(layer), noise).muli(s);
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
