package org.tpsweep.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Qr;
import org.nd4j.linalg.factory.Nd4j;

/** Weight initialisations of the papers, drawn from a caller-owned RNG stream. */
public final class Initializers {
    private Initializers() {
    }

    /** A rows × cols initial weight matrix drawn from a caller-owned stream. */
    @FunctionalInterface
    public interface Init {
        INDArray draw(int rows, int cols, DataType dtype, Random rng);
    }

    /** rows × cols matrix with entries ~ U(−bound, bound) ([F]'s feedback weights, ALGORITHMS.md §1b). */
    public static INDArray uniform(int rows, int cols, double bound, DataType dtype, Random rng) {
        return Nd4j.rand(Nd4j.createUninitialized(dtype, rows, cols), -bound, bound, rng);
    }

    /** rows × cols matrix with entries ~ N(0, 2/(rows + cols)) (Xavier-normal; symmetric in fan-in/out). */
    public static INDArray xavierNormal(int rows, int cols, DataType dtype, Random rng) {
        INDArray w = Nd4j.createUninitialized(dtype, rows, cols);
        double std = Math.sqrt(2.0 / (rows + cols));
        Nd4j.randn(0.0, std, w, rng);
        return w;
    }

    /**
     * rows × cols matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols), gain 1: [F]'s init
     * (ALGORITHMS.md §1b), drawn as PyTorch's {@code orthogonal_} draws it: the QR decomposition of a standard
     * normal matrix of the taller shape, Q's columns multiplied by the signs of R's diagonal (so the result is
     * Haar-distributed), transposed back when rows < cols.
     */
    public static INDArray orthogonal(int rows, int cols, DataType dtype, Random rng) {
        int tall = Math.max(rows, cols);
        int wide = Math.min(rows, cols);
        INDArray g = Nd4j.createUninitialized(DataType.DOUBLE, tall, wide);
        Nd4j.randn(0.0, 1.0, g, rng);
        INDArray[] qr = Nd4j.exec(new Qr(g));
        INDArray q = qr[0];
        INDArray r = qr[1];
        double[] signs = new double[wide];
        for (int k = 0; k < wide; k++) {
            signs[k] = Math.signum(r.getDouble(k, k));
        }
        q = q.mulRowVector(Nd4j.createFromArray(signs).reshape(1, wide));
        INDArray w = rows >= cols ? q : q.transpose();
        return w.dup('c').castTo(dtype);
    }
}
