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
 * dtp-drl ([M]'s DTPDRL, ALGORITHMS.md §3a): dtp's layer-wise feedback and targets ({@link LayerwiseFeedback}),
 * each g_i (i = 2..L) trained by the difference reconstruction loss: h̃_{i-1} = h_{i-1} + σε (fresh ε per
 * layer and step); ã_L = f_L ∘ … ∘ f_i(h̃_{i-1}); t_L = ã_L, t_{k-1} = g_k(t_k) + h_{k-1} − g_k(h_k) for
 * k = L..i+1 with the clean activations; ĥ_{i-1} = g_i(t_i) + h_{i-1} − g_i(h_i);
 * ℓ_i = (1/σ²) mean((h̃_{i-1} − ĥ_{i-1})²) over B × n_{i-1}, exactly 1/σ² (no floor). The gradient reaches
 * only (Q_i, c_i), through both g_i(t_i) and g_i(h_i); the upper maps are constants.
 *
 * <p>[F]'s DRL ("[F]-DRL", ALGORITHMS.md §3b) is this rule with three options: the reference is the clean
 * h_{i-1} ({@code drl_target: clean}), no gradient through g_i(h_i) ({@code diff_term_grad: false}) and no 1/σ²
 * ({@code inv_sigma2_scale: false}); under the sum reduction the loss is mean_b Σ_units instead of the mean over
 * B × n_{i-1}. Caveat of §3b: that objective is 0 at Q_i = 0.
 */
public final class DtpDrlRule extends LayerwiseRule {

    /** The DRL objective's options ([M]: all true; [F]-DRL: all false) and its reduction. */
    public record Objective(boolean noisyTarget, boolean diffTermGrad, boolean invSigma2Scale, boolean perSampleSum) {
        /** [M]'s difference reconstruction loss. */
        public static final Objective MEULEMANS = new Objective(true, true, true, false);
    }

    private final Objective objective;

    /**
     * @param net   forward network (every layer with its bias)
     * @param beta  output target step size β
     * @param sigma feedback noise std σ &gt; 0
     * @param noise the run's noise stream
     */
    public DtpDrlRule(DenseNetwork net, LayerwiseFeedback feedback, double beta, double sigma,
                      NoiseSource noise) {
        this(net, feedback, OutputTarget.mean(beta), sigma, Objective.MEULEMANS, noise);
    }

    /** A dtp-drl rule with the given output target and DRL objective. */
    public DtpDrlRule(DenseNetwork net, LayerwiseFeedback feedback, OutputTarget target, double sigma,
                      Objective objective, NoiseSource noise) {
        super(net, feedback, target, sigma, noise);
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("dtp-drl needs sigma > 0, got " + sigma);
        }
        this.objective = objective;
    }

    /** The {@link RuleFactory} of dtp-drl: forward weights, then g_2 … g_L, from {@code init}. */
    public static DtpDrlRule create(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        DenseNetwork net = LearningRules.forwardNetwork(c, widths, LearningRules.allBiases(widths), dtype, init);
        LayerwiseFeedback fb = new LayerwiseFeedback(widths, LearningRules.biases(c),
                LearningRules.learnedFeedbackInit(c), true, dtype, init);
        OutputTarget target = LearningRules.outputTarget(c);
        Objective objective = new Objective(!Methods.CLEAN.equals(c.getString(Methods.DRL_TARGET)),
                c.getBoolean(Methods.DIFF_TERM_GRAD), c.getBoolean(Methods.INV_SIGMA2_SCALE), target.sum());
        return new DtpDrlRule(net, fb, target, c.getDouble(Methods.SIGMA), objective, noise);
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        INDArray[] clean = feedback.cleanOutputs(pass);    // g_k(h_k), once per step (shared with the targets)
        double total = 0;
        for (int i = 2; i <= net.numLayers(); i++) {
            total += layerLoss(pass, i, DifferenceReconstruction.drawNoise(pass.h(i - 1), noise), clean);
        }
        feedback.forgetCleanOutputs();                      // the feedback step follows
        return total;
    }

    @Override
    public double computeLayerFeedbackGradients(ForwardPass pass, int layer) {
        double loss = layerLoss(pass, layer, DifferenceReconstruction.drawNoise(pass.h(layer - 1), noise),
                feedback.cleanOutputs(pass));
        feedback.forgetCleanOutputs();                      // layer's map changes before the next layer's loss
        return loss;
    }

    /**
     * ℓ_i for the given noise ε (B × n_{i-1}, consumed), with clean[k] = g_k(h_k), writing ∂ℓ_i/∂(Q_i, c_i)
     * into their gradient buffers.
     */
    double layerLoss(ForwardPass pass, int i, INDArray eps, INDArray[] clean) {
        INDArray shift = eps.muli(sigma);                                     // σε
        INDArray t = net.forwardFrom(i - 1, shift.add(pass.h(i - 1)));       // t_L = ã_L
        for (int k = net.numLayers(); k > i; k--) {
            t = feedback.map(k).apply(t).addi(pass.h(k - 1)).subi(clean[k]);  // t_{k-1}
        }
        AffineFeedback g = feedback.map(i);
        INDArray gt = g.apply(t);                                             // g_i(t_i)
        INDArray r = gt.sub(clean[i]);                            // ĥ − h = g_i(t_i) − g_i(h_i)
        if (objective.noisyTarget()) {
            r.subi(shift);                                        // ĥ − h̃ ([M])
        }
        double count = objective.perSampleSum() ? r.rows() : r.length();
        double scale = objective.invSigma2Scale() ? 1 / (sigma * sigma) : 1;
        double norm = r.norm2Number().doubleValue();
        double loss = norm * norm * scale / count;
        double s = 2 * scale / count;
        g.zeroGradient();
        g.accumulateGradient(t, gt, r.mul(s));
        if (objective.diffTermGrad()) {
            g.accumulateGradient(pass.h(i), clean[i], r.muli(-s));
        }
        return loss;
    }
}
