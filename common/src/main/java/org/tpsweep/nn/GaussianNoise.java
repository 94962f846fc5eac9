package org.tpsweep.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A seeded stream of standard normal noise ε ~ N(0, I) for the feedback losses. Uniforms come from a
 * {@link SplittableRandom}, normals from Box–Muller with a fixed pairing (element k with element k + ⌈n/2⌉),
 * written straight into the array's buffer: ND4J's own Gaussian sampler cost as much as the DRL's matrix
 * products. Scalar {@link Math} log/sin/cos, whose interpreted and compiled forms agree, keep runs
 * bit-reproducible (the Vector API's SIN/COS/LOG change results once JIT-compiled).
 */
public final class GaussianNoise {
    private final SplittableRandom random;
    private double[] uniforms = new double[0];

    public GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Fills {@code target} (float or double) with fresh N(0, 1) draws; returns it. */
    public INDArray fill(INDArray target) {
        int n = (int) target.length();
        int half = (n + 1) / 2;
        if (uniforms.length < 2 * half) {
            uniforms = new double[2 * half];
        }
        for (int k = 0; k < 2 * half; k++) {
            uniforms[k] = ((random.nextLong() >>> 11) + 1) * 0x1.0p-53;     // (0, 1]
        }
        boolean direct = target.dataType() == DataType.DOUBLE && !target.isView() && target.ordering() == 'c'
                && target.offset() == 0;
        if (direct) {
            ByteBuffer out = target.data().asNio().order(ByteOrder.nativeOrder());
            boxMullerScalar(uniforms, 0, n, half, (k, value) -> out.putDouble(k * Double.BYTES, value));
        } else {
            double[] z = new double[n];
            boxMullerScalar(uniforms, 0, n, half, (k, value) -> z[k] = value);
            target.assign(Nd4j.createFromArray(z).reshape(target.shape()).castTo(target.dataType()));
        }
        return target;
    }

    /** Receives one normal draw for index k. */
    @FunctionalInterface
    interface Sink {
        void put(int k, double z);
    }

    /** Box–Muller for pairs k = from..half−1: u1 = u[k], u2 = u[k + half] → r cos(2πu2) at k, r sin(2πu2) at k + half. */
    static void boxMullerScalar(double[] u, int from, int n, int half, Sink sink) {
        for (int k = from; k < half; k++) {
            double r = Math.sqrt(-2.0 * Math.log(u[k]));
            double angle = 2 * Math.PI * u[k + half];
            sink.put(k, r * Math.cos(angle));
            if (k + half < n) {
                sink.put(k + half, r * Math.sin(angle));
            }
        }
    }
}
