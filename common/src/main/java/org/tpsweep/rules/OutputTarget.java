package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output target τ_L = h_L − β ∂ℒ/∂h_L as the displacement h_L − τ_L (ALGORITHMS.md §1, §1b). The trainer
 * always hands the rules ∂(batch-mean loss)/∂a_L, which carries 1/B: with [M]'s mean reduction that is the
 * displacement's gradient as it is; with [F]'s sum reduction the displacement has no 1/B, so the gradient is
 * multiplied by the actual minibatch size B.
 *
 * @param beta β, the output target step size
 * @param sum  true for the batch-sum loss ([F], loss_reduction sum)
 */
public record OutputTarget(double beta, boolean sum) {

    /** [M]'s target of the batch-mean loss. */
    public static OutputTarget mean(double beta) {
        return new OutputTarget(beta, false);
    }

    /** h_L − τ_L as a new array, from ∂(batch-mean loss)/∂a_L (B × n_L). */
    public INDArray displacement(INDArray meanLossGradient) {
        return meanLossGradient.mul(sum ? beta * meanLossGradient.rows() : beta);
    }
}
