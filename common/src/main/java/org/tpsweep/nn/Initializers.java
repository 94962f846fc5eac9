package org.tpsweep.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Weight initialisations of the papers, drawn from a caller-owned RNG stream. */
public final class Initializers {
    private Initializers() {
    }

    /** rows × cols matrix with entries ~ N(0, 2/(rows + cols)) (Xavier-normal; symmetric in fan-in/out). */
    public static INDArray xavierNormal(int rows, int cols, DataType dtype, Random rng) {
        INDArray w = Nd4j.createUninitialized(dtype, rows, cols);
        double std = Math.sqrt(2.0 / (rows + cols));
        Nd4j.randn(0.0, std, w, rng);
        return w;
    }
}
