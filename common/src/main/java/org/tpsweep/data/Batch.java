package org.tpsweep.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One minibatch as ND4J arrays: inputs {@code x} (B × dim), {@code targets} (B × numClasses, same dtype as x:
 * the one-hot labels for classification, the real targets for regression) and the integer {@code labels}
 * (length B; zeros for regression). B is the actual size of this batch.
 */
public record Batch(INDArray x, INDArray targets, int[] labels) {
    /** B, the number of samples in this batch. */
    public int size() {
        return labels.length;
    }
}
