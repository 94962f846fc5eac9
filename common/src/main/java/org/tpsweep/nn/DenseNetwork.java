package org.tpsweep.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected network h_i = φ(W_i h_{i-1} + b_i) for hidden layers i = 1..L−1 (φ = tanh; dtp-iterative: leaky-ReLU
 * or tanh, and optionally h_0 = φ(x), {@link #withActivation}) and a linear output
 * layer h_L = a_L (logits). Batch tensors hold one sample per row, so weights are stored input-major:
 * {@code W_i} has shape n_{i-1} × n_i and a_i = h_{i-1} W_i + b_i. A layer may lack its bias (ALGORITHMS.md
 * §1: dfa and ddtp-linear have no b_{L-1}). Layers are numbered 1..L as in the papers.
 */
public final class DenseNetwork {
    private final int[] widths;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final boolean[] batchNorm;
    /** φ of the hidden layers (tanh unless {@link #withActivation}). */
    private final Activation hidden;
    /** h_0 = φ(x) instead of x (dtp-iterative's {@code input_phi}). */
    private final boolean inputPhi;

    private DenseNetwork(int[] widths, INDArray[] weights, INDArray[] biases) {
        this(widths, weights, biases, new boolean[weights.length], Activation.TANH, false);
    }

    private DenseNetwork(int[] widths, INDArray[] weights, INDArray[] biases, boolean[] batchNorm,
                         Activation hidden, boolean inputPhi) {
        this.widths = widths.clone();
        this.weights = weights;
        this.biases = biases;
        this.batchNorm = batchNorm.clone();
        this.hidden = hidden;
        this.inputPhi = inputPhi;
    }

    /**
     * This network with hidden nonlinearity {@code phi} and, when {@code inputPhi}, h_0 = φ(x) (dtp-iterative,
     * ALGORITHMS.md §3c); the weights are shared, not copied.
     */
    public DenseNetwork withActivation(Activation phi, boolean inputPhi) {
        return new DenseNetwork(widths, weights, biases, batchNorm, phi, inputPhi);
    }

    /** φ of the hidden layers. */
    public Activation hiddenActivation() {
        return hidden;
    }

    /** True when h_0 = φ(x). */
    public boolean inputPhi() {
        return inputPhi;
    }

    /**
     * This network with [F]'s BN (ALGORITHMS.md §1b) after the activation of the layers {@code batchNorm} marks
     * (index i − 1 for layer i): hidden layers become BN∘tanh, a marked output layer linear-BN. The weights are
     * shared, not copied.
     */
    public DenseNetwork withBatchNorm(boolean[] batchNorm) {
        if (batchNorm.length != weights.length) {
            throw new IllegalArgumentException("need one BN flag per layer (" + weights.length + "), got "
                    + batchNorm.length);
        }
        return new DenseNetwork(widths, weights, biases, batchNorm, hidden, inputPhi);
    }

    /** True when layer i (1..L) has BN after its activation. */
    public boolean hasBatchNorm(int i) {
        return batchNorm[i - 1];
    }

    /** True when any layer has BN (its outputs then depend on the batch). */
    public boolean anyBatchNorm() {
        for (boolean b : batchNorm) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    /**
     * Xavier-normal weights, std = √(2/(fan_in + fan_out)), zero biases (ALGORITHMS.md §1 Init).
     *
     * @param widths  n_0 … n_L
     * @param hasBias hasBias[i−1] says whether layer i has a bias
     */
    public static DenseNetwork xavierNormal(int[] widths, boolean[] hasBias, DataType dtype, Random rng) {
        return initialized(widths, hasBias, Initializers::xavierNormal, dtype, rng);
    }

    /**
     * Weights drawn layer by layer with {@code init} (n_{i-1} × n_i each), zero biases where {@code hasBias}.
     *
     * @param widths  n_0 … n_L
     * @param hasBias hasBias[i−1] says whether layer i has a bias
     */
    public static DenseNetwork initialized(int[] widths, boolean[] hasBias, Initializers.Init init, DataType dtype,
                                           Random rng) {
        int layers = widths.length - 1;
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        for (int i = 0; i < layers; i++) {
            w[i] = init.draw(widths[i], widths[i + 1], dtype, rng);
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
        INDArray[] pre = new INDArray[numLayers() + 1];
        BatchStandardize[] norms = new BatchStandardize[numLayers() + 1];
        h[0] = inputPhi ? hidden.apply(x) : x;
        for (int i = 1; i <= numLayers(); i++) {
            if (batchNorm[i - 1]) {
                pre[i] = activation(i, h[i - 1]);
                norms[i] = BatchStandardize.forward(pre[i]);
                h[i] = norms[i].output();
            } else {
                h[i] = activation(i, h[i - 1]);
            }
        }
        return new ForwardPass(h, pre, norms);
    }

    /** Forwards h_k (a batch of layer-k activations) through layers k+1..L and returns a_L. */
    public INDArray forwardFrom(int k, INDArray hk) {
        INDArray h = hk;
        for (int i = k + 1; i <= numLayers(); i++) {
            h = layer(i, h);
        }
        return h;
    }

    /**
     * h_i = φ(h_{i-1} W_i + b_i), φ = tanh for hidden layers and identity for the output, followed by BN over the
     * batch where layer i has it; a new array.
     */
    public INDArray layer(int i, INDArray hPrev) {
        INDArray t = activation(i, hPrev);
        return batchNorm[i - 1] ? BatchStandardize.forward(t).output() : t;
    }

    /** φ(h_{i-1} W_i + b_i) without BN; a new array. */
    private INDArray activation(int i, INDArray hPrev) {
        INDArray a = MatMul.times(hPrev, weights[i - 1]);
        if (biases[i - 1] != null) {
            a.addiRowVector(biases[i - 1]);
        }
        return isHidden(i) ? hidden.applyInPlace(a) : a;
    }
}
