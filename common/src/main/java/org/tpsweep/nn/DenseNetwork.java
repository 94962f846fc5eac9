package org.tpsweep.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected network h_i = tanh(W_i h_{i-1} + b_i) for hidden layers i = 1..L−1 and a linear output
 * layer h_L = a_L (logits). Batch tensors hold one sample per row, so weights are stored input-major:
 * {@code W_i} has shape n_{i-1} × n_i and a_i = h_{i-1} W_i + b_i. A layer may lack its bias (ALGORITHMS.md
 * §1: dfa and ddtp-linear have no b_{L-1}). Layers are numbered 1..L as in the papers.
 */
public final class DenseNetwork {
    private final int[] widths;
    private final INDArray[] weights;
    private final INDArray[] biases;

    private DenseNetwork(int[] widths, INDArray[] weights, INDArray[] biases) {
        this.widths = widths.clone();
        this.weights = weights;
        this.biases = biases;
    }

    /**
     * Xavier-normal weights, std = √(2/(fan_in + fan_out)), zero biases (ALGORITHMS.md §1 Init).
     *
     * @param widths  n_0 … n_L
     * @param hasBias hasBias[i−1] says whether layer i has a bias
     */
    public static DenseNetwork xavierNormal(int[] widths, boolean[] hasBias, DataType dtype, Random rng) {
        int layers = widths.length - 1;
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        for (int i = 0; i < layers; i++) {
            w[i] = Initializers.xavierNormal(widths[i], widths[i + 1], dtype, rng);
            b[i] = hasBias[i] ? Nd4j.zeros(dtype, 1, widths[i + 1]) : null;
        }
        return new DenseNetwork(widths, w, b);
    }

    /** Wraps given parameters (used by tests that need exact weights); arrays are used as they are. */
    public static DenseNetwork of(INDArray[] weights, INDArray[] biases) {
        int[] widths = new int[weights.length + 1];
        widths[0] = (int) weights[0].rows();
        for (int i = 0; i < weights.length; i++) {
            widths[i + 1] = (int) weights[i].columns();
        }
        return new DenseNetwork(widths, weights.clone(), biases.clone());
    }

    /** L, the number of layers with weights. */
    public int numLayers() {
        return weights.length;
    }

    /** n_i for i = 0..L. */
    public int width(int i) {
        return widths[i];
    }

    public DataType dataType() {
        return weights[0].dataType();
    }

    /** W_i, i = 1..L (the live array, n_{i-1} × n_i). */
    public INDArray weight(int i) {
        return weights[i - 1];
    }

    /** b_i, i = 1..L (the live 1 × n_i array), or null when layer i has no bias. */
    public INDArray bias(int i) {
        return biases[i - 1];
    }

    /** True for hidden layers (tanh), false for the linear output layer. */
    public boolean isHidden(int i) {
        return i < numLayers();
    }

    /** Full forward pass from x = h_0. */
    public ForwardPass forward(INDArray x) {
        INDArray[] h = new INDArray[numLayers() + 1];
        h[0] = x;
        for (int i = 1; i <= numLayers(); i++) {
            h[i] = layer(i, h[i - 1]);
        }
        return new ForwardPass(h);
    }

    /** Forwards h_k (a batch of layer-k activations) through layers k+1..L and returns a_L. */
    public INDArray forwardFrom(int k, INDArray hk) {
        INDArray h = hk;
        for (int i = k + 1; i <= numLayers(); i++) {
            h = layer(i, h);
        }
        return h;
    }

    /** h_i = φ(h_{i-1} W_i + b_i), φ = tanh for hidden layers and identity for the output; a new array. */
    public INDArray layer(int i, INDArray hPrev) {
        INDArray a = MatMul.times(hPrev, weights[i - 1]);
        if (biases[i - 1] != null) {
            a.addiRowVector(biases[i - 1]);
        }
        return isHidden(i) ? FastTanh.tanhInPlace(a) : a;
    }
}
