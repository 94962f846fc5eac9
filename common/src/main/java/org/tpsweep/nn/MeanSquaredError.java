package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ℒ = mean((a_L − y)²) over all B × n_L elements ([M]'s student–teacher regression), whose gradient
 * ∂ℒ/∂a_L = 2(a_L − y)/(B·n_L) carries the batch mean.
 */
public final class MeanSquaredError {
    private MeanSquaredError() {
    }

    /** Loss (and gradient) of one batch; {@code correct} is 0 (no classes). */
    public static LossResult evaluate(INDArray output, INDArray targets, boolean withGradient) {
        INDArray diff = output.sub(targets);
        double meanLoss = diff.mul(diff).sumNumber().doubleValue() / diff.length();
        INDArray grad = withGradient ? diff.muli(2.0 / diff.length()) : null;
        return new LossResult(meanLoss, grad, 0, (int) output.rows());
    }
}
