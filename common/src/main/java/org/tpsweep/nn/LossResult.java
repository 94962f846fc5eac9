package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loss evaluated on one batch: the batch-mean loss, ∂ℒ/∂a_L when asked for (carrying the 1/B), and for
 * classification the number of correctly classified samples (0 for regression).
 */
public record LossResult(double meanLoss, INDArray gradient, int correct, int batchSize) {
    /** Sum of the per-sample losses. */
    public double sumLoss() {
        return meanLoss * batchSize;
    }

    /** Share of correctly classified samples. */
    public double accuracy() {
        return (double) correct / batchSize;
    }
}
