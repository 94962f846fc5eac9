package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The activations of one forward pass: h_0 = x, hidden h_i = tanh(a_i), and h_L = a_L (logits); in a layer with
 * BN ([F], ALGORITHMS.md §1b) h_i = BN(t_i) with t_i = tanh(a_i) (or a_L for a linear-BN output), and the pass
 * also keeps t_i and the BN of the batch for the backward step.
 */
public final class ForwardPass {
    private final INDArray[] h;
    private final INDArray[] preNorm;
    private final BatchStandardize[] norms;

    ForwardPass(INDArray[] h) {
        this(h, new INDArray[h.length], new BatchStandardize[h.length]);
    }

    ForwardPass(INDArray[] h, INDArray[] preNorm, BatchStandardize[] norms) {
        this.h = h;
        this.preNorm = preNorm;
        this.norms = norms;
    }

    /** t_i, layer i's activation before its BN (tanh(a_i), or a_L), or h_i for a layer without BN. */
    public INDArray beforeNorm(int i) {
        return preNorm[i] != null ? preNorm[i] : h[i];
    }

    /** The BN of layer i on this batch (for its backward step), or null for a layer without BN. */
    public BatchStandardize norm(int i) {
        return norms[i];
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
