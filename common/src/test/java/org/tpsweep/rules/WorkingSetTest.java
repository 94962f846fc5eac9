package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.IterativeKeys;
import org.tpsweep.nn.Activation;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.Initializers;

/**
 * {@link FixedPointIteration} shrinks its working set as samples stop ({@link WorkingSet}); since every sweep works
 * row by row, each sample's targets, sweeps and flags must be exactly (bit for bit) what the same refinement gives
 * that sample alone, for every scheme and refinement of ALGORITHMS.md §3c and both starts.
 */
class WorkingSetTest {
    private static final DataType D = DataType.DOUBLE;
    private static final int B = 16;

    private static INDArray randn(int r, int c, double std, long seed) {
        INDArray x = Nd4j.createUninitialized(D, r, c);
        Nd4j.randn(0.0, std, x, SmallNetworks.rng(seed));
        return x;
    }

    /**
     * A 6-wide leaky-ReLU net (s = 0.8), 4 layers, orthogonal W_i, decoders Ω_i = W_iᵀ plus noise of std
     * {@code noise}: at 0.15 eq. 35 contracts at a rate that differs between samples, so they stop after different
     * numbers of sweeps; at 0.6 it diverges for some samples, which the guard stops and restores.
     */
    private static IterativeLayers net(double noise) {
        int n = 6;
        int layers = 4;
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        INDArray[] o = new INDArray[layers + 1];
        INDArray[] c = new INDArray[layers + 1];
        for (int i = 1; i <= layers; i++) {
            w[i - 1] = Initializers.orthogonal(n, n, D, SmallNetworks.rng(70 + i));
            b[i - 1] = randn(1, n, 0.2, 80 + i);
            if (i >= 2) {
                o[i] = w[i - 1].transpose().add(randn(n, n, noise, 90 + i));
                c[i] = b[i - 1].mmul(o[i]).negi();
            }
        }
        return new IterativeLayers(DenseNetwork.of(w, b).withActivation(Activation.leakyRelu(0.8), false), o, c);
    }

    private static INDArray row(INDArray x, int r) {
        return x.getRow(r, true).dup();
    }

    private static IterativeTargets.Result batchedEqualsAlone(String init, String scheme, String refine) {
        return batchedEqualsAlone(0.15, init, scheme, refine);
    }

    private static IterativeTargets.Result batchedEqualsAlone(double noise, String init, String scheme,
                                                              String refine) {
        IterativeLayers maps = net(noise);
        int layers = maps.numLayers();
        INDArray[] a = new INDArray[layers + 1];
        INDArray h = SmallNetworks.inputs(B, 6, 95);
        for (int i = 1; i <= layers; i++) {
            a[i] = maps.preActivation(i, h);
            h = maps.phi().apply(a[i]);
        }
        INDArray tauL = a[layers].add(randn(B, 6, 0.3, 96));
        IterativeTargets targets = new IterativeTargets(maps,
                new IterativeTargets.Settings(init, scheme, refine, 1e-9, 60, true));
        IterativeTargets.Result batched = targets.compute(a, tauL);
        double[] sweeps = batched.sweeps().toDoubleVector();
        double max = Arrays.stream(sweeps).max().orElseThrow();
        long early = Arrays.stream(sweeps).filter(s -> s < max).count();
        String what = init + " " + scheme + " " + refine;
        assertTrue(early >= B / 4, what + ": a quarter of the samples stop early, so the working set shrinks: "
                + Arrays.toString(sweeps));
        for (int r = 0; r < B; r++) {
            INDArray[] ar = new INDArray[layers + 1];
            for (int i = 1; i <= layers; i++) {
                ar[i] = row(a[i], r);
            }
            IterativeTargets.Result alone = targets.compute(ar, row(tauL, r));
            for (int i = 1; i < layers; i++) {
                assertArrayEquals(alone.tau()[i].toDoubleVector(), batched.tau()[i].getRow(r).toDoubleVector(),
                        what + ": τ_" + i + " of sample " + r);
            }
            assertArrayEquals(alone.sweeps().toDoubleVector(), new double[] {sweeps[r]}, what + ": sweeps, " + r);
            assertArrayEquals(alone.atTmax().toDoubleVector(), new double[] {batched.atTmax().getDouble(r)});
            assertArrayEquals(alone.restored().toDoubleVector(), new double[] {batched.restored().getDouble(r)});
            assertArrayEquals(alone.stopRatio().toDoubleVector(), new double[] {batched.stopRatio().getDouble(r)});
        }
        return batched;
    }

    @Test
    void samplesTheGuardStopsAndRestoresGetWhatTheyGetAlone() {
        IterativeTargets.Result r = batchedEqualsAlone(0.6, IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS,
                IterativeKeys.EQ35);
        double restored = r.restored().sumNumber().doubleValue();
        assertTrue(restored >= 1, "the guard restores samples: " + restored);
    }

    @Test
    void synchronousEq35GivesEachSampleWhatItGetsAlone() {
        batchedEqualsAlone(IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ35);
        batchedEqualsAlone(IterativeKeys.DECODER, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ35);
    }

    @Test
    void theSequentialSchemeGivesEachSampleWhatItGetsAlone() {
        batchedEqualsAlone(IterativeKeys.DIFFERENCE, IterativeKeys.SEQUENTIAL, IterativeKeys.EQ35);
    }

    @Test
    void theEq27RefinementsGiveEachSampleWhatItGetsAlone() {
        batchedEqualsAlone(IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ27);
        batchedEqualsAlone(IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ27_34);
        batchedEqualsAlone(IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ27_THEN_35);
    }
}
