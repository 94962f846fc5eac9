package org.tpsweep.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * [M]'s synthetic student–teacher regression set (ALGORITHMS.md §5), generated, never read from files:
 * x ~ U(−1, 1)^{n_in}; a teacher with 4 hidden layers of 1000 ReLU units and a linear output, Xavier-normal
 * weights with gain 3 (std = 3·√(2/(fan_in + fan_out))), zero biases; y = teacher(x). Sizes of [M]'s toy
 * experiment 1: n_in = 6, n_out = 2. 2000 training samples (the trainer holds 1000 of them out for validation,
 * [M]'s separate 1000-sample validation set) and 1000 test samples. Fixed seed 42 ([M]'s toy runs), so every
 * trial sees the same data whatever its own seed.
 */
public final class StudentTeacher {
    public static final int INPUTS = 6;
    public static final int OUTPUTS = 2;
    public static final int TRAIN = 2000;
    public static final int TEST = 1000;
    public static final int VALIDATION = 1000;
    private static final int[] TEACHER_HIDDEN = {1000, 1000, 1000, 1000};
    private static final long SEED = 42;

    private StudentTeacher() {
    }

    /** Generates the set (deterministic). */
    public static TrainTestData generate() {
        SplittableRandom uniform = new SplittableRandom(SEED);
        Random weights = Nd4j.getRandomFactory().getNewRandomInstance(SEED);
        INDArray[] teacher = teacher(weights);
        return new TrainTestData(sample(TRAIN, uniform, teacher), sample(TEST, uniform, teacher));
    }

    private static INDArray[] teacher(Random rng) {
        int[] widths = new int[TEACHER_HIDDEN.length + 2];
        widths[0] = INPUTS;
        System.arraycopy(TEACHER_HIDDEN, 0, widths, 1, TEACHER_HIDDEN.length);
        widths[widths.length - 1] = OUTPUTS;
        INDArray[] w = new INDArray[widths.length - 1];
        for (int i = 0; i < w.length; i++) {
            w[i] = Nd4j.createUninitialized(DataType.DOUBLE, widths[i], widths[i + 1]);
            Nd4j.randn(0.0, 3.0 * Math.sqrt(2.0 / (widths[i] + widths[i + 1])), w[i], rng);
        }
        return w;
    }

    private static LabeledData sample(int n, SplittableRandom uniform, INDArray[] teacher) {
        double[] x = new double[n * INPUTS];
        for (int k = 0; k < x.length; k++) {
            x[k] = 2 * uniform.nextDouble() - 1;
        }
        INDArray h = Nd4j.create(x, new long[] {n, INPUTS}, 'c');
        for (int i = 0; i < teacher.length; i++) {
            h = h.mmul(teacher[i]);
            if (i < teacher.length - 1) {
                h = Transforms.relu(h, false);
            }
        }
        return LabeledData.regression(toFloat(x), h.dup('c').data().asFloat(), n, INPUTS, OUTPUTS);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int k = 0; k < d.length; k++) {
            f[k] = (float) d[k];
        }
        return f;
    }
}
