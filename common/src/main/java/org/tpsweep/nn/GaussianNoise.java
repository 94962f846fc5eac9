package org.tpsweep.nn;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A seeded stream of standard normal noise ε ~ N(0, I) for the feedback losses: uniforms from a
 * {@link SplittableRandom}, normals by Marsaglia's polar method (one logarithm per pair, no trigonometry),
 * copied in bulk into the array's buffer. ND4J's own Gaussian sampler cost as much as the DRL's matrix
 * products. Only exactly rounded operations and {@link Math#log}, whose interpreted and compiled forms agree,
 * so runs are bit-reproducible.
 */
public final class GaussianNoise implements NoiseSource {
    private final SplittableRandom random;
    private double[] draws = new double[0];
    /** Uniforms taken from {@code random} so far: the {@link #position()}. */
    private long uniforms;

    public GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Fills {@code target} (float or double) with fresh N(0, 1) draws, in C order; returns it. */
    @Override
    public INDArray fill(INDArray target) {
        int n = (int) target.length();
        if (draws.length < n) {
            draws = new double[n];
        }
        int k = 0;
        while (k < n) {
            double u;
            double v;
            double s;
            do {
                u = 2 * random.nextDouble() - 1;
                v = 2 * random.nextDouble() - 1;
                uniforms += 2;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double f = Math.sqrt(-2 * Math.log(s) / s);
            draws[k++] = u * f;
            if (k < n) {
                draws[k++] = v * f;
            }
        }
        boolean direct = HostBuffers.onHost() && target.dataType() == DataType.DOUBLE && !target.isView()
                && target.ordering() == 'c' && target.offset() == 0;
        if (direct) {
            HostBuffers.bytes(target).asDoubleBuffer().put(draws, 0, n);
        } else {
            double[] z = java.util.Arrays.copyOf(draws, n);
            target.assign(Nd4j.createFromArray(z).reshape('c', target.shape()).castTo(target.dataType()));
        }
        return target;
    }

    /** The uniforms drawn so far (the polar method's rejections included). */
    @Override
    public long position() {
        return uniforms;
    }

    /** Draws and discards uniforms up to {@code position} (≈ 1 s per 10⁹). */
    @Override
    public void advanceTo(long position) {
        if (position < uniforms) {
            throw new IllegalArgumentException("noise stream at uniform " + uniforms + " cannot go back to "
                    + position);
        }
        for (long k = uniforms; k < position; k++) {
            random.nextDouble();
        }
        uniforms = position;
    }
}
