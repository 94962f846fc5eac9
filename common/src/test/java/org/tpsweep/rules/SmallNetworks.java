package org.tpsweep.rules;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.DenseNetwork;

/** Small float64 networks and batches for the theory checks. */
final class SmallNetworks {
    private SmallNetworks() {
    }

    static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    static DenseNetwork network(int[] widths, boolean[] hasBias, long seed) {
        DenseNetwork net = DenseNetwork.xavierNormal(widths, hasBias, DataType.DOUBLE, rng(seed));
        // Non-zero biases so that their gradients are exercised.
        Random r = rng(seed + 1);
        for (int i = 1; i <= net.numLayers(); i++) {
            if (net.bias(i) != null) {
                Nd4j.randn(0.0, 0.3, net.bias(i), r);
            }
        }
        return net;
    }

    static INDArray inputs(int b, int dim, long seed) {
        INDArray x = Nd4j.createUninitialized(DataType.DOUBLE, b, dim);
        Nd4j.randn(0.0, 1.0, x, rng(seed));
        return x;
    }

    static INDArray onehot(int b, int classes, long seed) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, b, classes);
        java.util.Random r = new java.util.Random(seed);
        for (int k = 0; k < b; k++) {
            y.putScalar(k, r.nextInt(classes), 1.0);
        }
        return y;
    }

    static boolean[] allBiases(int layers) {
        boolean[] b = new boolean[layers];
        java.util.Arrays.fill(b, true);
        return b;
    }

    /** Relative error ‖a − b‖ / max(‖a‖, ‖b‖). */
    static double relativeError(INDArray a, INDArray b) {
        double diff = a.sub(b).norm2Number().doubleValue();
        double scale = Math.max(a.norm2Number().doubleValue(), b.norm2Number().doubleValue());
        return diff / scale;
    }

    /** Layer i of {@code net} on {@code in} in plain loops (tanh hidden, linear output), for hand computations. */
    static double[][] dense(DenseNetwork net, int i, double[][] in) {
        double[][] w = net.weight(i).toDoubleMatrix();
        double[] bias = net.bias(i) == null ? new double[w[0].length] : net.bias(i).toDoubleVector();
        double[][] out = new double[in.length][w[0].length];
        for (int s = 0; s < in.length; s++) {
            for (int u = 0; u < w[0].length; u++) {
                double a = bias[u];
                for (int p = 0; p < w.length; p++) {
                    a += in[s][p] * w[p][u];
                }
                out[s][u] = net.isHidden(i) ? Math.tanh(a) : a;
            }
        }
        return out;
    }
}
