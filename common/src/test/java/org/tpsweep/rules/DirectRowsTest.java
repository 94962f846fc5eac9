package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.IterativeKeys;
import org.tpsweep.nn.Activation;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.Initializers;

/**
 * The Java loops of {@link DirectRows} replace ND4J ops in dtp-iterative's sweeps without changing a bit: one eq.-35
 * sweep and whole refinements (every scheme and refinement, both starts, the guard restoring samples) give the
 * same targets, sweeps, flags and residuals with the loops as with the ND4J ops, and the masked state update equals
 * ND4J's {@code addi(muli(mask))} on rows with signed zeros. That the loops are taken is asserted.
 */
class DirectRowsTest {
    private static final DataType D = DataType.DOUBLE;

    @AfterEach
    void enable() {
        DirectRows.enabled = true;
        DirectRows.vectors = org.tpsweep.nn.FastTanh.vectorised();
    }

    @Test
    void theTestsRunWithTheVectorApi() {
        assertTrue(org.tpsweep.nn.FastTanh.vectorised(), "surefire starts the JVM with jdk.incubator.vector");
    }

    private static INDArray randn(int r, int c, double std, long seed) {
        INDArray x = Nd4j.createUninitialized(D, r, c);
        Nd4j.randn(0.0, std, x, SmallNetworks.rng(seed));
        return x;
    }

    /** A leaky-ReLU net (s = 0.5) of widths 9-12-12-12-12-5 with decoders near W_iᵀ (std {@code noise} off it). */
    private static IterativeLayers net(double noise) {
        int[] widths = {9, 12, 12, 12, 12, 5};
        int layers = widths.length - 1;
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        INDArray[] o = new INDArray[layers + 1];
        INDArray[] c = new INDArray[layers + 1];
        for (int i = 1; i <= layers; i++) {
            w[i - 1] = Initializers.orthogonal(widths[i - 1], widths[i], D, SmallNetworks.rng(170 + i));
            b[i - 1] = randn(1, widths[i], 0.2, 180 + i);
            if (i >= 2) {
                o[i] = w[i - 1].transpose().add(randn(widths[i], widths[i - 1], noise, 190 + i));
                c[i] = randn(1, widths[i - 1], 0.05, 200 + i);
            }
        }
        return new IterativeLayers(DenseNetwork.of(w, b).withActivation(Activation.leakyRelu(0.5), false), o, c);
    }

    private static INDArray[] preActivations(IterativeLayers maps, int batch) {
        INDArray[] a = new INDArray[maps.numLayers() + 1];
        INDArray h = SmallNetworks.inputs(batch, 9, 195);
        for (int i = 1; i <= maps.numLayers(); i++) {
            a[i] = maps.preActivation(i, h);
            h = maps.phi().apply(a[i]);
        }
        return a;
    }

    /** Every number a refinement returns, flattened in a fixed order. */
    private static List<double[]> everything(IterativeTargets.Result r) {
        List<double[]> all = new ArrayList<>();
        for (INDArray t : r.tau()) {
            if (t != null) {
                all.add(t.dup('c').data().asDouble());
            }
        }
        for (INDArray x : List.of(r.sweeps(), r.atTmax(), r.restored(), r.stopRatio())) {
            all.add(x.dup('c').data().asDouble());
        }
        return all;
    }

    @Test
    void oneSweepGivesTheNd4jOpsBitsAndTakesTheLoops() {
        oneSweepGivesTheNd4jOpsBits(true);
        oneSweepGivesTheNd4jOpsBits(false);
    }

    private void oneSweepGivesTheNd4jOpsBits(boolean vectors) {
        DirectRows.enabled = true;
        DirectRows.vectors = vectors;
        IterativeLayers maps = net(0.3);
        INDArray[] a = preActivations(maps, 32);
        INDArray tauL = a[5].add(randn(32, 5, 0.3, 1));
        INDArray[] state = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            state[k] = a[k + 1].add(randn(32, 12, 0.1, 10 + k));
        }
        Eq35Sweep loops = new Eq35Sweep(maps, tauL);
        assertTrue(loops.direct(), "leaky-ReLU float64 takes the loops");
        FixedPointIteration.Step fast = loops.evaluate(state, false);
        List<double[]> fastValues = new ArrayList<>();
        fastValues.add(fast.residual().dup().data().asDouble());
        fastValues.add(fast.stopNorm().dup().data().asDouble());
        for (INDArray inc : fast.increments()) {
            fastValues.add(inc.dup().data().asDouble());
        }
        double[] fastResidualOnly = loops.evaluate(state, true).residual().dup().data().asDouble();

        DirectRows.enabled = false;
        Eq35Sweep ops = new Eq35Sweep(maps, tauL);
        assertFalse(ops.direct());
        FixedPointIteration.Step slow = ops.evaluate(state, false);
        assertArrayEquals(slow.residual().data().asDouble(), fastValues.get(0), "residual");
        assertArrayEquals(slow.stopNorm().data().asDouble(), fastValues.get(1), "stop norm");
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(slow.increments()[k].data().asDouble(), fastValues.get(2 + k), "increment " + k);
        }
        assertArrayEquals(ops.evaluate(state, true).residual().data().asDouble(), fastResidualOnly);
        assertTrue(fastValues.get(0)[0] > 0);
    }

    @Test
    void wholeRefinementsGiveTheNd4jOpsBits() {
        wholeRefinementsGiveTheNd4jOpsBits(true);
        wholeRefinementsGiveTheNd4jOpsBits(false);
    }

    private void wholeRefinementsGiveTheNd4jOpsBits(boolean vectors) {
        DirectRows.vectors = vectors;
        String[][] variants = {
            {IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ35},
            {IterativeKeys.DECODER, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ35},
            {IterativeKeys.DIFFERENCE, IterativeKeys.SEQUENTIAL, IterativeKeys.EQ35},
            {IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ27},
            {IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ27_34},
            {IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ27_THEN_35},
        };
        double restoredSum = 0;
        for (double noise : new double[] {0.15, 0.8}) {
            IterativeLayers maps = net(noise);
            INDArray[] a = preActivations(maps, 32);
            INDArray tauL = a[5].add(randn(32, 5, 0.3, 2));
            for (String[] v : variants) {
                IterativeTargets targets = new IterativeTargets(maps,
                        new IterativeTargets.Settings(v[0], v[1], v[2], 1e-9, 80, true));
                DirectRows.enabled = true;
                IterativeTargets.Result fast = targets.compute(a, tauL);
                List<double[]> fastValues = everything(fast);
                DirectRows.enabled = false;
                List<double[]> slowValues = everything(targets.compute(a, tauL));
                assertEquals(slowValues.size(), fastValues.size());
                for (int k = 0; k < slowValues.size(); k++) {
                    assertArrayEquals(slowValues.get(k), fastValues.get(k), String.join(" ", v) + ", noise "
                            + noise + (vectors ? ", Vector API" : ", scalar loops") + ": output " + k);
                }
                if (v[2].equals(IterativeKeys.EQ35) && v[1].equals(IterativeKeys.SYNCHRONOUS)) {
                    restoredSum += fast.restored().sumNumber().doubleValue();
                }
            }
        }
        assertTrue(restoredSum >= 1, "the guard restores samples in some case: " + restoredSum);
    }

    @Test
    void theMaskedUpdateIsNd4jsAddOfTheMaskedIncrement() {
        theMaskedUpdateIsNd4jsAdd(true);
        theMaskedUpdateIsNd4jsAdd(false);
    }

    private void theMaskedUpdateIsNd4jsAdd(boolean vectors) {
        DirectRows.vectors = vectors;
        int width = 11;                         // not a multiple of the lanes: the tail is covered too
        INDArray target = randn(6, width, 1, 3);
        INDArray inc = randn(6, width, 1, 4);
        target.putScalar(1, 2, -0.0);                  // a masked row with −0: −0 + 0·x is +0 in both
        inc.putScalar(1, 3, -2.5);
        target.putScalar(1, 9, -0.0);
        double[] mask = {1, 0, 1, 1, 0, 1};
        INDArray expectedTarget = target.dup();
        INDArray expectedInc = inc.dup();
        INDArray expanded = Nd4j.zeros(D, 6, width).addiColumnVector(Nd4j.createFromArray(mask).reshape(6, 1));
        expectedTarget.addi(expectedInc.muli(expanded));
        DirectRows.addMasked(target, inc, mask);
        assertArrayEquals(expectedTarget.data().asDouble(), target.data().asDouble());
        assertArrayEquals(expectedInc.data().asDouble(), inc.data().asDouble());
        assertEquals(Double.doubleToRawLongBits(expectedTarget.getDouble(1, 2)),
                Double.doubleToRawLongBits(target.getDouble(1, 2)), "the sign of the masked zero");

        INDArray all = target.dup();
        INDArray allExpected = target.dup().addi(inc);
        DirectRows.addMasked(all, inc, null);
        assertArrayEquals(allExpected.data().asDouble(), all.data().asDouble());

        INDArray v = randn(5, width, 1, 6);
        v.putScalar(0, 1, -0.0);
        v.putScalar(0, 10, -0.0);
        INDArray out = v.ulike();
        DirectRows.leakyRelu(v, out, 0.5);
        INDArray expected = v.ulike();
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU(v, expected, 0.5));
        assertArrayEquals(expected.data().asDouble(), out.data().asDouble(), "leaky-ReLU, signed zeros included");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(out.getDouble(0, 10)));
    }
}
