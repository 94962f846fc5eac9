package org.tpsweep.rules;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.nn.MatMul;
import org.tpsweep.optim.Parameter;

/**
 * ddtp-control ([M]'s DDTPControl, ALGORITHMS.md §3a): ddtp-linear's direct linear feedback
 * g_i(a) = a Q_i + c_i (Q_i n_L × n_i) and difference-corrected targets τ_i = h_i + (τ_L − a_L) Q_i, but every
 * forward and feedback bias kept (b_{L-1}, c_{L-1} included), and the feedback trained without difference
 * correction or σ scale: ℓ_i = mean((g_i(ã_L) − h̃_i)²), so c_i is trained by the loss.
 */
public final class DdtpControlRule extends ForwardRule {
    private final List<AffineFeedback> maps;
    private final List<Parameter> feedbackParams = new ArrayList<>();
    private final double beta;
    private final double sigma;
    private final NoiseSource noise;

    /**
     * @param net   forward network with every bias
     * @param maps  g_1 … g_{L-1}: linear {@link AffineFeedback} maps n_L → n_i with bias
     * @param beta  output target step size β
     * @param sigma feedback noise std σ ≥ 0
     * @param noise the run's noise stream
     */
    public DdtpControlRule(DenseNetwork net, List<AffineFeedback> maps, double beta, double sigma,
                           NoiseSource noise) {
        super(net);
        if (!(sigma >= 0)) {
            throw new IllegalArgumentException("ddtp-control needs sigma >= 0, got " + sigma);
        }
        if (maps.size() != net.numLayers() - 1) {
            throw new IllegalArgumentException("one feedback map per hidden layer expected");
        }
        this.maps = List.copyOf(maps);
        this.beta = beta;
        this.sigma = sigma;
        this.noise = noise;
        for (AffineFeedback m : maps) {
            feedbackParams.addAll(m.parameters());
        }
    }

    /** The direct linear maps g_i(a) = a Q_i + c_i, i = 1..L−1, Xavier-normal Q_i, c_i = 0, drawn in layer order. */
    public static List<AffineFeedback> directMaps(int[] widths, DataType dtype, Random rng) {
        int layers = widths.length - 1;
        List<AffineFeedback> maps = new ArrayList<>();
        for (int i = 1; i < layers; i++) {
            maps.add(new AffineFeedback("Q" + i, widths[layers], widths[i], true, false, dtype, rng));
        }
        return maps;
    }

    /** ddtp-control from a run configuration (a {@link RuleFactory}). */
    public static LearningRule create(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        DenseNetwork net = DenseNetwork.xavierNormal(widths, LearningRules.allBiases(widths), dtype, init);
        return new DdtpControlRule(net, directMaps(widths, dtype, init), c.getDouble(Methods.TARGET_STEPSIZE),
                c.getDouble(Methods.SIGMA), noise);
    }

    /** The map g_i of hidden layer i. */
    public AffineFeedback map(int i) {
        return maps.get(i - 1);
    }

    @Override
    public List<Parameter> feedbackParameters() {
        return List.copyOf(feedbackParams);
    }

    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        int last = net.numLayers();
        INDArray outDisp = LocalUpdate.outputDisplacement(lossGradient, beta);
        for (int i = 1; i < last; i++) {
            // h_i − τ_i = g_i(a_L) − g_i(τ_L) = (h_L − τ_L) Q_i: c_i cancels in the targets.
            INDArray disp = MatMul.times(outDisp, map(i).q());
            LocalUpdate.apply(pass, i, disp, true, grads.weight(i), grads.bias(i));
        }
        LocalUpdate.apply(pass, last, outDisp, false, grads.weight(last), grads.bias(last));
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        double total = 0;
        for (int i = 1; i < net.numLayers(); i++) {
            AffineFeedback g = map(i);
            INDArray h = pass.h(i);
            INDArray eps = DifferenceReconstruction.drawNoise(h, noise);
            total += DifferenceReconstruction.loss(net, pass, i, eps, sigma, 1.0, (outTilde, sigmaEps) -> {
                INDArray gTilde = g.apply(outTilde);
                INDArray r = gTilde.sub(h).subi(sigmaEps);                     // g_i(ã_L) − h̃_i
                return new DifferenceReconstruction.Residual(r, f -> {
                    g.zeroGradient();
                    g.accumulateGradient(outTilde, gTilde, r.muli(f));
                });
            });
        }
        return total;
    }
}
