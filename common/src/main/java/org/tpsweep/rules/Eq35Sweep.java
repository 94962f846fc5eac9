package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Norm2;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Eq. 35 on all layers at once (ALGORITHMS.md §3c S4, synchronous scheme): τ_{i-1} ← τ_{i-1} + g_i(τ_i) −
 * g_i(f_i(τ_{i-1})), i = 2..L, from the previous sweep's values, the increment as (φ(τ_i) − φ(f_i(τ_{i-1}))) Ω_i
 * ({@link IterativeLayers#gDifferenceInto}); the state is τ_1..τ_{L-1}, τ_L fixed. Every array a sweep needs is
 * allocated once, for the rows it was made for (an allocation costs several times a small element-wise op).
 * With leaky-ReLU on float64 arrays the element-wise work and the row sums run as Java loops over the buffers
 * ({@link DirectRows}: the same operations in the same order, so the same bits) and only the products go to ND4J.
 */
final class Eq35Sweep implements FixedPointIteration.Sweep {
    private final IterativeLayers maps;
    private final INDArray tauL;
    /** φ(τ_k): buffers for k = 1..L−1, φ(τ_L) (constant) at L. */
    private final INDArray[] phiTau;
    /** b_i over the rows, i = 2..L. */
    private final INDArray[] bias;
    /** f_i(τ_{i-1}), then φ of it, i = 2..L. */
    private final INDArray[] pre;
    /** f_i(τ_{i-1}) − τ_i, then φ(τ_i) − φ(f_i(τ_{i-1})), i = 2..L. */
    private final INDArray[] diff;
    /** The increments of τ_1..τ_{L-1} at index 0..L−2. */
    private final INDArray[] inc;
    private final INDArray residual;
    private final INDArray layerResidual;
    private final INDArray stopNorm;
    /** True when {@link DirectRows} does the element-wise work (leaky-ReLU, float64 buffers). */
    private final boolean direct;
    private final double[] residualValues;
    private final double[] normValues;
    /** Scratch of the widest layer for the row sums of squares. */
    private final double[] squares;

    /** The sweep for targets below {@code tauL} (B × n_L, one row per sample). */
    Eq35Sweep(IterativeLayers maps, INDArray tauL) {
        this.maps = maps;
        this.tauL = tauL;
        int layers = maps.numLayers();
        long rows = tauL.rows();
        phiTau = new INDArray[layers + 1];
        bias = new INDArray[layers + 1];
        pre = new INDArray[layers + 1];
        diff = new INDArray[layers + 1];
        inc = new INDArray[layers - 1];
        for (int i = 2; i <= layers; i++) {
            int width = maps.network().width(i);
            bias[i] = maps.biasRows(i, rows);
            pre[i] = Nd4j.createUninitialized(tauL.dataType(), rows, width);
            diff[i] = pre[i].ulike();
            inc[i - 2] = Nd4j.createUninitialized(tauL.dataType(), rows, maps.network().width(i - 1));
            phiTau[i - 1] = inc[i - 2].ulike();
        }
        phiTau[layers] = maps.phi().apply(tauL);
        residual = Nd4j.createUninitialized(tauL.dataType(), rows, 1);
        layerResidual = residual.ulike();
        stopNorm = residual.ulike();
        direct = !maps.phi().isTanh() && DirectRows.direct(tauL) && DirectRows.direct(phiTau[layers]);
        residualValues = new double[(int) rows];
        normValues = new double[(int) rows];
        int widest = 0;
        for (int i = 1; i <= layers; i++) {
            widest = Math.max(widest, maps.network().width(i));
        }
        squares = new double[widest];
    }

    @Override
    public FixedPointIteration.Step evaluate(INDArray[] state, boolean residualOnly) {
        if (direct && DirectRows.direct(state)) {
            return evaluateDirect(state, residualOnly);
        }
        int layers = maps.numLayers();
        for (int k = 1; k < layers; k++) {
            maps.phi().applyInto(state[k - 1], phiTau[k]);
        }
        for (int i = 2; i <= layers; i++) {
            INDArray tauI = i == layers ? tauL : state[i - 1];
            maps.preActivationInto(i, phiTau[i - 1], bias[i], pre[i]);
            INDArray d = pre[i].sub(tauI, diff[i]);
            d.muli(d).sum(i == 2 ? residual : layerResidual, true, 1);
            if (i > 2) {
                residual.addi(layerResidual);
            }
            if (!residualOnly) {
                maps.gDifferenceInto(i, phiTau[i], maps.phi().applyInPlace(pre[i]), diff[i], inc[i - 2]);
            }
        }
        if (residualOnly) {
            return new FixedPointIteration.Step(residual, null, null);
        }
        Nd4j.getExecutioner().exec(new Norm2(inc[0], stopNorm, true, 1));
        return new FixedPointIteration.Step(residual, inc, stopNorm);
    }

    /** {@link #evaluate} with the element-wise work and the row sums in {@link DirectRows}, the products in ND4J. */
    private FixedPointIteration.Step evaluateDirect(INDArray[] state, boolean residualOnly) {
        int layers = maps.numLayers();
        int rows = (int) tauL.rows();
        double slope = maps.phi().slope();
        for (int k = 1; k < layers; k++) {
            DirectRows.leakyRelu(state[k - 1], phiTau[k], slope);
        }
        for (int i = 2; i <= layers; i++) {
            INDArray tauI = i == layers ? tauL : state[i - 1];
            maps.preActivationInto(i, phiTau[i - 1], bias[i], pre[i]);
            DirectRows.residualAndDifference(pre[i], tauI, phiTau[i], diff[i], slope, residualValues, i == 2,
                    residualOnly, squares);
            if (!residualOnly) {
                maps.decoderProductInto(i, diff[i], inc[i - 2]);
            }
        }
        DirectRows.putColumn(residualValues, residual);
        if (residualOnly) {
            return new FixedPointIteration.Step(residual, null, null);
        }
        DirectRows.rowNorms(DirectRows.doubles(inc[0]), rows, (int) inc[0].columns(), normValues);
        DirectRows.putColumn(normValues, stopNorm);
        return new FixedPointIteration.Step(residual, inc, stopNorm);
    }

    /** True when this sweep's element-wise work runs in {@link DirectRows} (for states of direct arrays). */
    boolean direct() {
        return direct;
    }

    @Override
    public FixedPointIteration.Sweep restrictedTo(int[] rows) {
        return new Eq35Sweep(maps, Nd4j.pullRows(tauL, 1, rows));
    }
}
