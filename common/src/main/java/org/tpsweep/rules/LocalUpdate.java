package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.ForwardPass;

/**
 * The shared mathematics of turning a per-layer teaching signal into weight gradients (ALGORITHMS.md §1):
 * the output target displacement h_L − τ_L = β ∂ℒ/∂h_L, the local forward update
 * e_i = 2 φ'(a_i) ⊙ (h_i − τ_i), ∇W_i = (1/B) e_iᵀ h_{i-1}, ∇b_i = mean_b e_i, and the plain
 * outer-product accumulation that backpropagation uses too. φ = tanh, so φ'(a_i) = 1 − h_i². With BN after the
 * activation ([F]) the local loss mean_b Σ_units (BN(φ(a_i)) − τ_i)² is differentiated through the batch
 * statistics (samples coupled), so e_i is no longer 2φ'(a_i) ⊙ (h_i − τ_i) (ALGORITHMS.md §1b).
 */
public final class LocalUpdate {
    private LocalUpdate() {
    }

    /** h_L − τ_L = β ∂ℒ/∂a_L (a new array); the 1/B stays inside ∂ℒ/∂a_L. */
    public static INDArray outputDisplacement(INDArray lossGradient, double beta) {
        return lossGradient.mul(beta);
    }

    /**
     * Local update of layer i from its displacement h_i − τ_i (consumed: overwritten with e_i).
     *
     * @param hidden whether layer i is a tanh layer (else the linear output, φ' = 1)
     */
    public static void apply(ForwardPass pass, int i, INDArray displacement, boolean hidden,
                             INDArray gradW, INDArray gradB) {
        INDArray e = displacement.muli(2.0);
        if (pass.norm(i) != null) {
            e = pass.norm(i).backward(e);                       // through BN, batch mean and std differentiated
        }
        if (hidden) {
            e.muli(tanhDerivative(pass.beforeNorm(i)));         // φ'(a_i) = 1 − tanh(a_i)², before any BN
        }
        outerProduct(pass.h(i - 1), e, 1.0 / pass.batchSize(), gradW, gradB);
    }

    /** gradW = scale · h_prevᵀ δ and gradB = scale · Σ_b δ_b (gradB may be null for a bias-free layer). */
    public static void outerProduct(INDArray hPrev, INDArray delta, double scale, INDArray gradW, INDArray gradB) {
        Nd4j.gemm(hPrev, delta, gradW, true, false, scale, 0.0);
        if (gradB != null) {
            gradB.assign(delta.sum(true, 0).muli(scale));
        }
    }

    /** φ'(a) = 1 − h² for h = tanh(a), a new array. */
    public static INDArray tanhDerivative(INDArray h) {
        return h.mul(h).rsubi(1.0);
    }
}
