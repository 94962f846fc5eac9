package org.tpsweep.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.HostBuffers;

/**
 * An immutable in-memory data set: {@code n} samples of {@code dim} already-normalised features, row-major in
 * {@code x} (n × dim), with either class labels {@code y} in 0..numClasses−1 (classification) or real targets
 * {@code targets}, n × numClasses row-major (regression; {@code y} then holds zeros). The arrays are shared,
 * not copied, by the constructor and the accessors: nobody may modify them. Builds ND4J minibatches whose
 * target array is the one-hot labels or the regression targets.
 */
public record LabeledData(float[] x, int[] y, float[] targets, int n, int dim, int numClasses) {

    /** A classification set. */
    public LabeledData(float[] x, int[] y, int n, int dim, int numClasses) {
        this(x, y, null, n, dim, numClasses);
    }

    /** A regression set with {@code outputs} real targets per sample. */
    public static LabeledData regression(float[] x, float[] targets, int n, int dim, int outputs) {
        return new LabeledData(x, new int[n], targets, n, dim, outputs);
    }

    /** True for a regression set (real targets instead of class labels). */
    public boolean isRegression() {
        return targets != null;
    }

    public LabeledData {
        if (targets != null && targets.length != (long) n * numClasses) {
            throw new IllegalArgumentException("targets has " + targets.length + " values, expected n·outputs = "
                    + (long) n * numClasses);
        }
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
        float[] st = targets == null ? null : new float[Math.multiplyExact(m, numClasses)];
        for (int k = 0; k < m; k++) {
            int i = checkRow(indices[k]);
            System.arraycopy(x, i * dim, sx, k * dim, dim);
            sy[k] = y[i];
            if (st != null) {
                System.arraycopy(targets, i * numClasses, st, k * numClasses, numClasses);
            }
        }
        return new LabeledData(sx, sy, st, m, dim, numClasses);
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
                if (targets == null) {
                    od[k * numClasses + labels[k]] = 1.0;
                } else {
                    int t = indices[from + k] * numClasses;
                    for (int j = 0; j < numClasses; j++) {
                        od[k * numClasses + j] = targets[t + j];
                    }
                }
            }
            xs = filled(xd, xShape);
            onehot = filled(od, yShape);
        } else {
            float[] xf = new float[b * dim];
            float[] of = new float[b * numClasses];
            for (int k = 0; k < b; k++) {
                System.arraycopy(x, indices[from + k] * dim, xf, k * dim, dim);
                if (targets == null) {
                    of[k * numClasses + labels[k]] = 1f;
                } else {
                    System.arraycopy(targets, indices[from + k] * numClasses, of, k * numClasses, numClasses);
                }
            }
            xs = filled(xf, xShape);
            onehot = filled(of, yShape);
            if (dtype != DataType.FLOAT) {
                xs = xs.castTo(dtype);
                onehot = onehot.castTo(dtype);
            }
        }
        return new Batch(xs, onehot, labels);
    }

    /**
     * A new C-order array of {@code shape}, to be filled through its buffer in bulk: {@code Nd4j.create(double[])}
     * copies element by element through the buffer's indexer (in a small trial most of the minibatch time).
     */
    /** A C-order array of {@code values}: written straight into its buffer on the CPU backend. */
    private static INDArray filled(double[] values, long[] shape) {
        if (!HostBuffers.onHost()) {
            return Nd4j.createFromArray(values).reshape('c', shape);
        }
        INDArray a = Nd4j.createUninitialized(DataType.DOUBLE, shape, 'c');
        HostBuffers.bytes(a).asDoubleBuffer().put(values);
        return a;
    }

    /** A C-order array of {@code values}: written straight into its buffer on the CPU backend. */
    private static INDArray filled(float[] values, long[] shape) {
        if (!HostBuffers.onHost()) {
            return Nd4j.createFromArray(values).reshape('c', shape);
        }
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        HostBuffers.bytes(a).asFloatBuffer().put(values);
        return a;
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
