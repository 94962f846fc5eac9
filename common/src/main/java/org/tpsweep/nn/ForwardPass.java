package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The activations of one forward pass: h_0 = x, hidden h_i = tanh(a_i), and h_L = a_L (logits). */
public final class ForwardPass {
    private final INDArray[] h;

    ForwardPass(INDArray[] h) {
        this.h = h;
    }

    /** h_i for i = 0..L (h_L = a_L). */
    public INDArray h(int i) {
        return h[i];
    }

    /** a_L, the logits. */
    public INDArray logits() {
        return h[h.length - 1];
    }

    /** B, the number of samples in this pass. */
    public int batchSize() {
        return (int) h[0].rows();
    }

    /** L. */
    public int numLayers() {
        return h.length - 1;
    }
}
