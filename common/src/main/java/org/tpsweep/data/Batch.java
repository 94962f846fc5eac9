package org.tpsweep.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One minibatch as ND4J arrays: inputs {@code x} (B × dim), one-hot targets {@code onehot} (B × numClasses,
 * same dtype as x) and the integer {@code labels} (length B). B is the actual size of this batch.
 */
public record Batch(INDArray x, INDArray onehot, int[] labels) {
    /** B, the number of samples in this batch. */
    public int size() {
        return labels.length;
    }
}
