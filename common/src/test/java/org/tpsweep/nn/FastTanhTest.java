package org.tpsweep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The deterministic tanh kernel against {@link Math#tanh}, in and out of a step workspace, and GaussianNoise's moments. */
class FastTanhTest {

    private static double[] samples() {
        java.util.Random r = new java.util.Random(3);
        double[] xs = new double[20011];                          // not a multiple of the vector length
        for (int k = 0; k < xs.length; k++) {
            double scale = Math.pow(10, -12 + 14 * r.nextDouble());
            xs[k] = (r.nextBoolean() ? 1 : -1) * scale;
        }
        xs[0] = 0.0;
        xs[1] = 30.0;
        xs[2] = -1e300;
        return xs;
    }

    @Test
    void theVectorKernelIsThePathTheseTestsCover() {
        // surefire starts the test JVM with --add-modules jdk.incubator.vector; without it FastTanh falls back to
        // ND4J's tanh and the accuracy checks below would silently cover the fallback instead.
        assertTrue(FastTanh.vectorised(), "the Vector API module is present in the test JVM");
    }

    @Test
    void doubleTanhIsAccurateToAFewUlps() {
        double[] xs = samples();
        INDArray a = Nd4j.createFromArray(xs.clone());
        FastTanh.tanhInPlace(a);
        for (int k = 0; k < xs.length; k++) {
            double want = Math.tanh(xs[k]);
            assertEquals(want, a.getDouble(k), 4 * Math.ulp(want), "tanh(" + xs[k] + ")");
        }
    }

    @Test
    void floatTanhIsAccurateToAFewUlps() {
        double[] xs = samples();
        INDArray a = Nd4j.createFromArray(xs.clone()).castTo(DataType.FLOAT);
        float[] in = a.toFloatVector();
        FastTanh.tanhInPlace(a);
        for (int k = 0; k < in.length; k++) {
            float want = (float) Math.tanh(in[k]);
            assertEquals(want, a.getFloat(k), 4 * Math.ulp(want), "tanh(" + in[k] + ")");
        }
    }

    @Test
    void worksOnWorkspaceArrays() {
        try (MemoryWorkspace ws = StepWorkspace.open("test-ws")) {
            INDArray first = Nd4j.createFromArray(new double[] {0.1, 0.2, 0.3});
            INDArray a = Nd4j.createFromArray(new double[] {0.5, -2.0, 3.0, 0.25, -0.125});
            FastTanh.tanhInPlace(a);
            assertEquals(0.1, first.getDouble(0), 0.0, "neighbouring workspace array untouched");
            for (int k = 0; k < 5; k++) {
                double x = new double[] {0.5, -2.0, 3.0, 0.25, -0.125}[k];
                assertEquals(Math.tanh(x), a.getDouble(k), 4 * Math.ulp(Math.tanh(x)));
            }
        }
    }

    @Test
    void gaussianNoiseHasStandardMomentsAndIsReproducible() {
        INDArray e = new GaussianNoise(9).fill(Nd4j.createUninitialized(DataType.DOUBLE, 301, 333));
        INDArray again = new GaussianNoise(9).fill(Nd4j.createUninitialized(DataType.DOUBLE, 301, 333));
        assertEquals(e, again);
        double n = e.length();
        assertEquals(0.0, e.meanNumber().doubleValue(), 5 / Math.sqrt(n));
        assertEquals(1.0, e.mul(e).meanNumber().doubleValue(), 5 * Math.sqrt(2 / n));
        INDArray f = new GaussianNoise(9).fill(Nd4j.createUninitialized(DataType.FLOAT, 301, 333));
        assertTrue(f.castTo(DataType.DOUBLE).sub(e).amaxNumber().doubleValue() < 1e-6);
    }
}
