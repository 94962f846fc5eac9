package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.GaussianNoise;
import org.tpsweep.nn.MatMul;

/**
 * The difference reconstruction loss (DRL) of [M] for direct linear feedback (ALGORITHMS.md §3a, ddtp-linear):
 * noise at hidden layer i, h̃_i = h_i + σε; forward to the output through the clean upper layers, ã_L;
 * difference-corrected reconstruction ĥ_i = g_i(ã_L) + h_i − g_i(a_L) = h_i + (ã_L − a_L) Q_i; loss
 * ℓ_i = (1/σ²) mean((ĥ_i − h̃_i)²) over B × n_i, exactly 1/σ² (no floor). Its gradient w.r.t. Q_i is
 * (2/(σ² B n_i)) (ã_L − a_L)ᵀ r with r = ĥ_i − h̃_i; c_i cancels.
 */
public final class DifferenceReconstruction {
    private DifferenceReconstruction() {
    }

    /** A fresh draw ε ~ N(0, I) shaped like {@code like}. */
    public static INDArray drawNoise(INDArray like, GaussianNoise noise) {
        return noise.fill(like.ulike());
    }

    /**
     * ℓ_i for the given noise ε, writing ∂ℓ_i/∂Q_i into {@code gradQ}.
     *
     * @param q     Q_i, n_L × n_i
     * @param eps   ε, B × n_i (used as is: a test may fix it)
     * @param sigma σ &gt; 0
     */
    public static double directLinear(DenseNetwork net, ForwardPass pass, int i, INDArray q, INDArray eps,
                                      double sigma, INDArray gradQ) {
        INDArray noise = eps.mul(sigma);                                   // σε
        INDArray outTilde = net.forwardFrom(i, pass.h(i).add(noise));      // ã_L
        INDArray d = outTilde.subi(pass.logits());                         // ã_L − a_L
        INDArray r = MatMul.times(d, q).subi(noise);                                // ĥ_i − h̃_i
        long count = r.length();
        double loss = r.mul(r).sumNumber().doubleValue() / (sigma * sigma * count);
        Nd4j.gemm(d, r, gradQ, true, false, 2.0 / (sigma * sigma * count), 0.0);
        return loss;
    }
}
