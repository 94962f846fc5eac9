package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The training loss ℒ of the output a_L against a batch's targets (ALGORITHMS.md §1 Loss). */
public interface Loss {
    /** Batch-mean softmax cross-entropy against one-hot targets (classification). */
    Loss CROSS_ENTROPY = SoftmaxCrossEntropy::evaluate;
    /** Mean squared error over batch × outputs (the student–teacher regression). */
    Loss MEAN_SQUARED_ERROR = MeanSquaredError::evaluate;

    /**
     * @param output       a_L, B × n_L
     * @param targets      one-hot labels or real targets, B × n_L, same dtype
     * @param withGradient whether to compute ∂ℒ/∂a_L
     */
    LossResult evaluate(INDArray output, INDArray targets, boolean withGradient);

    /** True for a regression loss, whose "error" is the loss itself (no classes to count). */
    default boolean isRegression() {
        return this == MEAN_SQUARED_ERROR;
    }
}
