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
}
