package org.tpsweep.rules;

import java.util.function.DoubleConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.nn.MatMul;

/**
 * The difference reconstruction loss (DRL) of [M] for direct feedback (ALGORITHMS.md §3a, ddtp-linear,
 * ddtp-rhl, ddtp-rec), and the loop it shares with ddtp-control's plain reconstruction loss: noise at hidden
 * layer i, h̃_i = h_i + σε; forward to the output through the clean upper layers, ã_L; a reconstruction of
 * h_i from ã_L, particular to the feedback architecture ({@link Reconstruction}); loss
 * ℓ_i = mean((ĥ_i − h̃_i)²) / s over B × n_i with s = σ² for the DRL (exactly, no floor) and s = 1 for
 * ddtp-control. For direct linear feedback ĥ_i = g_i(ã_L) + h_i − g_i(a_L) = h_i + (ã_L − a_L) Q_i, and the
 * gradient w.r.t. Q_i is (2/(σ² B n_i)) (ã_L − a_L)ᵀ r with r = ĥ_i − h̃_i; c_i cancels.
 */
public final class DifferenceReconstruction {
    private DifferenceReconstruction() {
    }

    /**
     * What a feedback architecture adds to the shared loop: from the perturbed output ã_L, the residual
     * r = ĥ_i − h̃_i of hidden layer i and how to back-propagate the loss through it.
     */
    @FunctionalInterface
    public interface Reconstruction {
        /**
         * @param outTilde ã_L, B × n_L (the implementation may overwrite it)
         * @param noise    σε = h̃_i − h_i, B × n_i (read only)
         */
        Residual reconstruct(INDArray outTilde, INDArray noise);
    }

    /**
     * r = ĥ_i − h̃_i (B × n_i) and its backward step: {@code backward.accept(f)} writes the loss gradient of
     * layer i's feedback parameters given ∂ℓ/∂r = f · r (it may overwrite r).
     */
    public record Residual(INDArray value, DoubleConsumer backward) {
    }

    /** A fresh draw ε ~ N(0, I) shaped like {@code like}. */
    public static INDArray drawNoise(INDArray like, NoiseSource noise) {
        return noise.fill(like.ulike());
    }

    /**
     * ℓ_i = mean(r²) / scaleDivisor for the given noise ε, writing layer i's feedback gradients through the
     * reconstruction's backward step.
     *
     * @param eps          ε, B × n_i (used as is: a test may fix it)
     * @param sigma        σ, the noise std
     * @param scaleDivisor σ² for the DRL, 1 for ddtp-control
     */
    public static double loss(DenseNetwork net, ForwardPass pass, int i, INDArray eps, double sigma,
                              double scaleDivisor, Reconstruction reconstruction) {
        INDArray noise = eps.mul(sigma);                                   // σε
        INDArray outTilde = net.forwardFrom(i, pass.h(i).add(noise));      // ã_L
        Residual r = reconstruction.reconstruct(outTilde, noise);
        INDArray res = r.value();
        long count = res.length();
        double loss = res.mul(res).sumNumber().doubleValue() / (scaleDivisor * count);
        r.backward().accept(2.0 / (scaleDivisor * count));
        return loss;
    }

    /**
     * ddtp-linear's ℓ_i for the given noise ε, writing ∂ℓ_i/∂Q_i into {@code gradQ}.
     *
     * @param q     Q_i, n_L × n_i
     * @param eps   ε, B × n_i (used as is: a test may fix it)
     * @param sigma σ &gt; 0
     */
    public static double directLinear(DenseNetwork net, ForwardPass pass, int i, INDArray q, INDArray eps,
                                      double sigma, INDArray gradQ) {
        return loss(net, pass, i, eps, sigma, sigma * sigma, (outTilde, noise) -> {
            INDArray d = outTilde.subi(pass.logits());                     // ã_L − a_L
            INDArray r = MatMul.times(d, q).subi(noise);                   // ĥ_i − h̃_i
            return new Residual(r, f -> Nd4j.gemm(d, r, gradQ, true, false, f, 0.0));
        });
    }
}
