package org.tpsweep.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable in-memory labelled data set: {@code n} samples of {@code dim} already-normalised features,
 * row-major in {@code x} (n × dim), with class labels {@code y} in 0..numClasses−1. The arrays are shared,
 * not copied, by the constructor and the accessors: nobody may modify them. Builds ND4J minibatches.
 */
public record LabeledData(float[] x, int[] y, int n, int dim, int numClasses) {
    public LabeledData {
        if (n < 0 || dim <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("bad shape n=" + n + ", dim=" + dim + ", numClasses=" + numClasses);
        }
        if (x.length != (long) n * dim) {
            throw new IllegalArgumentException("x has " + x.length + " values, expected n·dim = " + (long) n * dim);
        }
        if (y.length != n) {
            throw new IllegalArgumentException("y has " + y.length + " labels, expected n = " + n);
        }
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= numClasses) {
                throw new IllegalArgumentException("label y[" + i + "] = " + y[i] + " outside 0.." + (numClasses - 1));
            }
        }
    }

    /** A new data set holding the rows {@code indices}, in that order (repeats allowed). */
    public LabeledData select(int[] indices) {
        int m = indices.length;
        float[] sx = new float[Math.multiplyExact(m, dim)];
        int[] sy = new int[m];
        for (int k = 0; k < m; k++) {
            int i = checkRow(indices[k]);
            System.arraycopy(x, i * dim, sx, k * dim, dim);
            sy[k] = y[i];
        }
        return new LabeledData(sx, sy, m, dim, numClasses);
    }

    /** The batch of rows {@code indices[from..to)} (to exclusive, from < to) as {@code dtype} arrays, C order. */
    public Batch batch(int[] indices, int from, int to, DataType dtype) {
        if (from < 0 || to > indices.length || from >= to) {
            throw new IllegalArgumentException("bad batch range [" + from + ", " + to + ") of " + indices.length
                    + " indices");
        }
        if (!dtype.isFPType()) {
            throw new IllegalArgumentException("batch dtype must be floating point, got " + dtype);
        }
        int b = to - from;
        int[] labels = new int[b];
        for (int k = 0; k < b; k++) {
            labels[k] = y[checkRow(indices[from + k])];
        }
        long[] xShape = {b, dim};
        long[] yShape = {b, numClasses};
        INDArray xs;
        INDArray onehot;
        if (dtype == DataType.DOUBLE) {
            double[] xd = new double[b * dim];
            double[] od = new double[b * numClasses];
            for (int k = 0; k < b; k++) {
                int src = indices[from + k] * dim;
                int dst = k * dim;
                for (int j = 0; j < dim; j++) {
                    xd[dst + j] = x[src + j];
                }
                od[k * numClasses + labels[k]] = 1.0;
            }
            xs = Nd4j.create(xd, xShape, 'c');
            onehot = Nd4j.create(od, yShape, 'c');
        } else {
            float[] xf = new float[b * dim];
            float[] of = new float[b * numClasses];
            for (int k = 0; k < b; k++) {
                System.arraycopy(x, indices[from + k] * dim, xf, k * dim, dim);
                of[k * numClasses + labels[k]] = 1f;
            }
            xs = Nd4j.create(xf, xShape, 'c');
            onehot = Nd4j.create(of, yShape, 'c');
            if (dtype != DataType.FLOAT) {
                xs = xs.castTo(dtype);
                onehot = onehot.castTo(dtype);
            }
        }
        return new Batch(xs, onehot, labels);
    }

    /** Every row, in order, as one batch. */
    public Batch all(DataType dtype) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        return batch(indices, 0, n, dtype);
    }

    private int checkRow(int i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("row " + i + " outside 0.." + (n - 1));
        }
        return i;
    }

    @Override
    public String toString() {
        return "LabeledData[n=" + n + ", dim=" + dim + ", numClasses=" + numClasses + "]";
    }
}
