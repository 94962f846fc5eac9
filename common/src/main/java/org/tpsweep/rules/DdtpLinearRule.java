package org.tpsweep.rules;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.optim.Parameter;

/**
 * ddtp-linear ([M]'s DMLPDTP2, ALGORITHMS.md §3a): direct linear feedback, difference-corrected targets
 * τ_i = h_i + Q_i(τ_L − a_L), local updates in every layer, feedback trained by the difference
 * reconstruction loss with fresh noise per layer and step.
 */
public final class DdtpLinearRule extends ForwardRule {
    private final DirectLinearFeedback feedback;
    private final double beta;
    private final double sigma;
    private final NoiseSource noise;

    /**
     * @param net   forward network without b_{L-1}
     * @param beta  output target step size β
     * @param sigma feedback noise std σ &gt; 0
     * @param noise the run's noise stream
     */
    public DdtpLinearRule(DenseNetwork net, DirectLinearFeedback feedback, double beta, double sigma,
                          NoiseSource noise) {
        super(net);
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("ddtp-linear needs sigma > 0, got " + sigma);
        }
        this.feedback = feedback;
        this.beta = beta;
        this.sigma = sigma;
        this.noise = noise;
    }

    @Override
    public List<Parameter> feedbackParameters() {
        return feedback.parameters();
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        DfaRule.directFeedbackGradients(net, feedback, pass, lossGradient, beta, grads);
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        double total = 0;
        for (int i = 1; i < net.numLayers(); i++) {
            INDArray eps = DifferenceReconstruction.drawNoise(pass.h(i), noise);
            total += DifferenceReconstruction.directLinear(net, pass, i, feedback.q(i), eps, sigma,
                    feedback.qGradient(i));
            if (feedback.cGradient(i) != null) {
                feedback.cGradient(i).assign(0);
            }
        }
        return total;
    }
}
