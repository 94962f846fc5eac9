package org.tpsweep.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * ddtp-rhl and ddtp-rec ([M]'s DKDTP2, ALGORITHMS.md §3a): direct difference-corrected targets through the
 * shared fixed random layer, τ_i = g_i(z(τ_L)) + h_i − g_i(z(a_L)) (without z for layer L−1), local updates
 * in every layer incl. the output, feedback trained by the DRL with exactly 1/σ². The two methods differ only
 * in their {@link RandomHiddenFeedback} (ddtp-rec's maps also read the clean h_i).
 *
 * <p>The state at the clean output (z(a_L), g_i(z(a_L))) is computed once per forward pass: by
 * {@link #computeForwardGradients} and reused by the {@link #computeFeedbackGradients} that follows on the
 * same pass (the training loop's order, feedback weights unchanged in between), which then drops it.
 */
public final class DdtpRhlRule extends ForwardRule {
    private final RandomHiddenFeedback feedback;
    private final double beta;
    private final double sigma;
    private final NoiseSource noise;
    private RandomHiddenFeedback.CleanState cached;

    /**
     * @param net   forward network with every bias
     * @param beta  output target step size β
     * @param sigma feedback noise std σ &gt; 0
     * @param noise the run's noise stream
     */
    public DdtpRhlRule(DenseNetwork net, RandomHiddenFeedback feedback, double beta, double sigma,
                       NoiseSource noise) {
        super(net);
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("ddtp-rhl/ddtp-rec need sigma > 0, got " + sigma);
        }
        this.feedback = feedback;
        this.beta = beta;
        this.sigma = sigma;
        this.noise = noise;
    }

    /** ddtp-rhl from a run configuration (a {@link RuleFactory}). */
    public static LearningRule rhl(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        return create(c, widths, dtype, init, noise, false);
    }

    /** ddtp-rec from a run configuration (a {@link RuleFactory}). */
    public static LearningRule rec(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        return create(c, widths, dtype, init, noise, true);
    }

    private static LearningRule create(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise,
                                       boolean recurrent) {
        DenseNetwork net = DenseNetwork.xavierNormal(widths, LearningRules.allBiases(widths), dtype, init);
        RandomHiddenFeedback fb = new RandomHiddenFeedback(widths, c.getInt(Methods.SIZE_HIDDEN_FB), recurrent,
                dtype, init);
        return new DdtpRhlRule(net, fb, c.getDouble(Methods.TARGET_STEPSIZE), c.getDouble(Methods.SIGMA), noise);
    }

    /** The feedback (fixed layer and trained maps). */
    public RandomHiddenFeedback feedback() {
        return feedback;
    }

    @Override
    public List<Parameter> feedbackParameters() {
        return feedback.parameters();
    }

    /** R and r, the shared fixed random layer z(a) = tanh(a R + r). */
    @Override
    public Map<String, INDArray> fixedFeedback() {
        Map<String, INDArray> fixed = new LinkedHashMap<>();
        fixed.put("R", feedback.fixedWeight());
        fixed.put("r", feedback.fixedBias());
        return fixed;
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        RandomHiddenFeedback.CleanState state = feedback.clean(pass);
        cached = state;
        int last = net.numLayers();
        INDArray outDisp = LocalUpdate.outputDisplacement(lossGradient, beta);
        INDArray[] disp = state.displacements(pass.logits().sub(outDisp));
        for (int i = 1; i < last; i++) {
            LocalUpdate.apply(pass, i, disp[i], true, grads.weight(i), grads.bias(i));
        }
        LocalUpdate.apply(pass, last, outDisp, false, grads.weight(last), grads.bias(last));
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        RandomHiddenFeedback.CleanState state = cached != null && cached.pass() == pass ? cached
                : feedback.clean(pass);
        cached = null;
        double total = 0;
        for (int i = 1; i < net.numLayers(); i++) {
            INDArray eps = DifferenceReconstruction.drawNoise(pass.h(i), noise);
            total += DifferenceReconstruction.loss(net, pass, i, eps, sigma, sigma * sigma,
                    state.reconstruction(i));
        }
        return total;
    }
}
