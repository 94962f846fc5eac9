package org.tpsweep.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One trainable array and the buffer its gradient is written into (same shape and dtype). Learning rules
 * write {@code gradient}; optimisers read it and update {@code value} in place.
 */
public record Parameter(String name, INDArray value, INDArray gradient) {

    /** A parameter with a zeroed gradient buffer shaped like {@code value}. */
    public static Parameter of(String name, INDArray value) {
        return new Parameter(name, value, value.ulike().assign(0));
    }
}
