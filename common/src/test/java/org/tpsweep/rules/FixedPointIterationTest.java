package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The per-sample bookkeeping of {@link FixedPointIteration} on scalar maps x ← a_r x whose every iterate is known
 * by hand: the relative stop from sweep T_min, T_max, and the divergence guard (an exploding row stopped at
 * 10³ × its best residual and restored to its best iterate, a NaN row stopped at once and left alone).
 */
class FixedPointIterationTest {
    private static final double[] FACTORS = {0.5, 3.0, 0.5, 0.99};
    private static final double[] START = {1.0, 1.0, Double.NaN, 1.0};

    /** res = x², Δx = (a_r − 1) x, stop norm |Δx|, for rows with factors a. */
    private record ScalarMaps(INDArray a) implements FixedPointIteration.Sweep {
        @Override
        public FixedPointIteration.Step evaluate(INDArray[] state, boolean residualOnly) {
            INDArray x = state[0];
            INDArray res = x.mul(x);
            if (residualOnly) {
                return new FixedPointIteration.Step(res, null, null);
            }
            INDArray inc = x.mul(a.sub(1.0));
            return new FixedPointIteration.Step(res, new INDArray[] {inc}, Transforms.abs(inc, true));
        }

        @Override
        public FixedPointIteration.Sweep restrictedTo(int[] rows) {
            return new ScalarMaps(Nd4j.pullRows(a, 1, rows));
        }
    }

    /** {@code one} on the first state array, its increment applied to a second array too. */
    private record TwoArrays(FixedPointIteration.Sweep one) implements FixedPointIteration.Sweep {
        @Override
        public FixedPointIteration.Step evaluate(INDArray[] s, boolean residualOnly) {
            FixedPointIteration.Step a = one.evaluate(new INDArray[] {s[0]}, residualOnly);
            return residualOnly ? a : new FixedPointIteration.Step(a.residual(),
                    new INDArray[] {a.increments()[0], a.increments()[0].dup()}, a.stopNorm());
        }

        @Override
        public FixedPointIteration.Sweep restrictedTo(int[] rows) {
            return new TwoArrays(one.restrictedTo(rows));
        }
    }

    private static FixedPointIteration.Sweep scalarMaps() {
        return new ScalarMaps(Nd4j.createFromArray(FACTORS).reshape(4, 1));
    }

    private static double[] column(INDArray x) {
        return x.toDoubleVector();
    }

    @Test
    void theGuardStopsAndRestoresPerSampleAndTheOthersStopOnTheirOwn() {
        INDArray[] state = {Nd4j.createFromArray(START).reshape(4, 1)};
        INDArray threshold = Nd4j.valueArrayOf(new long[] {4, 1}, 1e-3, DataType.DOUBLE);
        FixedPointIteration.Outcome o = FixedPointIteration.run(state, scalarMaps(), threshold, 2, 20, true);
        // row 0: |Δx_t| = 0.5^t < 1e-3 first at t = 10; row 1: residuals 1, 9, 81, 729, then 6561 > 10³ × 1 stops it
        // in sweep 5 before its update (4 sweeps), restored to x = 1; row 2: NaN, stopped in sweep 1 (0 sweeps);
        // row 3: |Δx| = 0.01 · 0.99^(t−1) stays above 1e-3, so T_max = 20
        assertArrayEquals(new double[] {10, 4, 0, 20}, column(o.sweeps()));
        assertArrayEquals(new double[] {0, 0, 0, 1}, column(o.atTmax()));
        assertArrayEquals(new double[] {0, 1, 0, 0}, column(o.restored()));
        double[] x = column(state[0]);
        assertEquals(Math.pow(0.5, 10), x[0], 1e-18);
        assertEquals(1.0, x[1], 0.0);
        assertEquals(Double.NaN, x[2]);
        assertEquals(Math.pow(0.99, 20), x[3], 1e-15);
        double[] last = column(o.lastStopNorm());
        assertEquals(Math.pow(0.5, 10), last[0], 1e-18);
        assertEquals(54.0, last[1], 1e-12);                          // |Δx| of sweep 4: 2 × 27
        assertEquals(Double.NaN, last[2]);
        assertEquals(0.01 * Math.pow(0.99, 19), last[3], 1e-15);
        double[] fin = column(o.finalResidual());
        assertEquals(Math.pow(0.5, 20), fin[0], 1e-20);
        assertEquals(1.0, fin[1], 0.0);
        assertEquals(Double.NaN, fin[2]);
        assertEquals(Math.pow(0.99, 40), fin[3], 1e-15);
    }

    @Test
    void withoutTheGuardEveryUnstoppedRowRunsToTmax() {
        INDArray[] state = {Nd4j.createFromArray(START).reshape(4, 1)};
        INDArray threshold = Nd4j.valueArrayOf(new long[] {4, 1}, 1e-3, DataType.DOUBLE);
        FixedPointIteration.Outcome o = FixedPointIteration.run(state, scalarMaps(), threshold, 2, 20, false);
        assertArrayEquals(new double[] {10, 20, 20, 20}, column(o.sweeps()));
        assertArrayEquals(new double[] {0, 1, 1, 1}, column(o.atTmax()));
        assertArrayEquals(new double[] {0, 0, 0, 0}, column(o.restored()));
        double[] x = column(state[0]);
        assertEquals(Math.pow(0.5, 10), x[0], 1e-18);
        assertEquals(Math.pow(3, 20), x[1], 1e-3);
        assertEquals(Double.NaN, x[2]);
        assertEquals(Math.pow(0.99, 20), x[3], 1e-15);
    }

    @Test
    void tMinHoldsBackTheStopAndTheSecondArrayMovesWithTheFirst() {
        // two state arrays: the second is carried along with the same per-row mask
        INDArray[] state = {Nd4j.createFromArray(START).reshape(4, 1), Nd4j.createFromArray(START).reshape(4, 1)};
        FixedPointIteration.Sweep both = new TwoArrays(scalarMaps());
        INDArray threshold = Nd4j.valueArrayOf(new long[] {4, 1}, 0.3, DataType.DOUBLE);
        FixedPointIteration.Outcome o = FixedPointIteration.run(state, both, threshold, 5, 20, true);
        // row 0 meets |Δx| = 0.5^t < 0.3 at t = 2 but may stop only from sweep 5; row 3 from sweep 5 on as well
        assertArrayEquals(new double[] {5, 4, 0, 5}, column(o.sweeps()));
        assertArrayEquals(column(state[0]), column(state[1]));
    }
}
