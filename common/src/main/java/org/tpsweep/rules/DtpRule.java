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
 * dtp and dtp-pretrained ([M], ALGORITHMS.md §3a; the two differ only in their schedule and feedback weight
 * decay, which the trainer applies): layer-wise feedback g_i(u) = tanh(Q_i u + c_i), difference-corrected
 * targets and local updates in every layer ({@link LayerwiseFeedback}); each g_i trained by the layer-wise
 * reconstruction loss on the current minibatch, h̃ = h_{i-1} + σε (fresh ε per layer and step),
 * ℓ_i = mean((g_i(f_i(h̃)) − h̃)²) / max(σ, 0.02)² over B × n_{i-1}, gradient w.r.t. (Q_i, c_i) only.
 * Under [F]'s sum reduction (dtp-f, ALGORITHMS.md §3b) the same loss is ℓ_i = mean_b Σ_units (…)², with no σ
 * scale and no floor.
 */
public final class DtpRule extends LayerwiseRule {
    /** The floor of σ in the loss scale 1/max(σ, 0.02)² (dtp and dtp-pretrained only; the noise uses σ). */
    public static final double SIGMA_FLOOR = 0.02;

    private final double lossScale;
    private final boolean perSampleSum;

    /**
     * @param net   forward network (every layer with its bias)
     * @param beta  output target step size β
     * @param sigma feedback noise std σ ≥ 0
     * @param noise the run's noise stream
     */
    public DtpRule(DenseNetwork net, LayerwiseFeedback feedback, double beta, double sigma, NoiseSource noise) {
        this(net, feedback, OutputTarget.mean(beta), sigma, false, noise);
    }

    /**
     * @param target       the output target (β, loss reduction)
     * @param perSampleSum [F]'s loss form mean_b Σ_units (no σ scale) instead of [M]'s mean over elements / σ²
     */
    public DtpRule(DenseNetwork net, LayerwiseFeedback feedback, OutputTarget target, double sigma,
                   boolean perSampleSum, NoiseSource noise) {
        super(net, feedback, target, sigma, noise);
        if (!(sigma >= 0)) {
            throw new IllegalArgumentException("dtp needs sigma >= 0, got " + sigma);
        }
        double floored = Math.max(sigma, SIGMA_FLOOR);
        this.lossScale = 1.0 / (floored * floored);
        this.perSampleSum = perSampleSum;
    }

    /**
     * The {@link RuleFactory} of dtp, dtp-pretrained and tp: forward weights, then g_2 … g_L, from {@code init},
     * under the config's conventions (biases, initialisations, loss reduction; {@link LearningRules}); tp (plain
     * target propagation, ALGORITHMS.md §3b) propagates τ_{i-1} = g_i(τ_i) without the difference correction;
     * dtp-bn adds [F]'s BN (hidden layers and every g_i BN∘tanh, targets through BN, linear output).
     */
    public static DtpRule create(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        DenseNetwork net = LearningRules.forwardNetwork(c, widths, LearningRules.allBiases(widths), dtype, init);
        boolean bn = Methods.DTP_BN.equals(c.method());
        if (bn) {                                             // dtp-bn: hidden layers BN∘tanh, output linear
            boolean[] flags = new boolean[net.numLayers()];
            java.util.Arrays.fill(flags, 0, flags.length - 1, true);
            net = net.withBatchNorm(flags);
        }
        LayerwiseFeedback fb = new LayerwiseFeedback(widths, LearningRules.biases(c),
                LearningRules.learnedFeedbackInit(c), !Methods.TP.equals(c.method()), bn, dtype, init);
        OutputTarget target = LearningRules.outputTarget(c);
        return new DtpRule(net, fb, target, c.getDouble(Methods.SIGMA), target.sum(), noise);
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        double total = 0;
        for (int i = 2; i <= net.numLayers(); i++) {
            total += layerLoss(pass, i, DifferenceReconstruction.drawNoise(pass.h(i - 1), noise));
        }
        feedback.forgetCleanOutputs();          // the feedback step follows
        return total;
    }

    @Override
    public double computeLayerFeedbackGradients(ForwardPass pass, int layer) {
        return layerLoss(pass, layer, DifferenceReconstruction.drawNoise(pass.h(layer - 1), noise));
    }

    /**
     * ℓ_i for the given noise ε (B × n_{i-1}, consumed), writing ∂ℓ_i/∂(Q_i, c_i) into their gradient buffers.
     */
    double layerLoss(ForwardPass pass, int i, INDArray eps) {
        INDArray hTilde = eps.muli(sigma).addi(pass.h(i - 1));           // h̃ = h_{i-1} + σε
        INDArray f = net.layer(i, hTilde);                                // f_i(h̃), a constant
        AffineFeedback g = feedback.map(i);
        INDArray rec = g.apply(f);                                        // g_i(f_i(h̃))
        INDArray r = rec.sub(hTilde);
        double count = perSampleSum ? r.rows() : r.length();         // mean_b Σ_units, or mean over B × n
        double scale = perSampleSum ? 1.0 : lossScale;
        double norm = r.norm2Number().doubleValue();
        double loss = norm * norm * scale / count;
        g.zeroGradient();
        g.accumulateGradient(f, rec, r.muli(2 * scale / count));
        return loss;
    }
}
