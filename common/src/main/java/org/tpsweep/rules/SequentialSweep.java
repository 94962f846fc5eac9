package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sequential scheme's iteration for τ_{i-1} with τ_i frozen (ALGORITHMS.md §3c S4): τ_{i-1} ← τ_{i-1} +
 * g_i(τ_i) − g_i(f_i(τ_{i-1})); the state is τ_{i-1} alone.
 */
final class SequentialSweep implements FixedPointIteration.Sweep {
    private final IterativeLayers maps;
    private final int layer;
    private final INDArray tauI;
    private final INDArray phiTau;

    /** The iteration of layer {@code i}'s input target below {@code tauI} (B × n_i). */
    SequentialSweep(IterativeLayers maps, int i, INDArray tauI) {
        this.maps = maps;
        this.layer = i;
        this.tauI = tauI;
        this.phiTau = maps.phi().apply(tauI);
    }

    @Override
    public FixedPointIteration.Step evaluate(INDArray[] state, boolean residualOnly) {
        INDArray f = maps.f(layer, state[0]);
        INDArray d = f.sub(tauI);
        INDArray res = d.muli(d).sum(true, 1);
        if (residualOnly) {
            return new FixedPointIteration.Step(res, null, null);
        }
        INDArray inc = maps.gDifference(layer, phiTau, maps.phi().applyInPlace(f));
        return new FixedPointIteration.Step(res, new INDArray[] {inc}, inc.norm2(true, 1));
    }

    @Override
    public FixedPointIteration.Sweep restrictedTo(int[] rows) {
        return new SequentialSweep(maps, layer, Nd4j.pullRows(tauI, 1, rows));
    }
}
