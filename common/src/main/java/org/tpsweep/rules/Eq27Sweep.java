package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Eq. 27 on all layers at once ([B] §5, §10.2 at γ = 0; ALGORITHMS.md §3c refine eq27): u_i ← u_i + τ_i −
 * f_i(g_i(u_i)), τ_{i-1} = g_i(u_i), τ_i = g_{i+1}(u_{i+1}) for i &lt; L from the previous sweep; the state is
 * u_2..u_L, the stopping norm ‖Δτ_1‖ = ‖g_2(u_2 + Δu_2) − g_2(u_2)‖.
 */
final class Eq27Sweep implements FixedPointIteration.Sweep {
    private final IterativeLayers maps;
    private final INDArray tauL;

    /** The sweep for targets below {@code tauL} (B × n_L). */
    Eq27Sweep(IterativeLayers maps, INDArray tauL) {
        this.maps = maps;
        this.tauL = tauL;
    }

    @Override
    public FixedPointIteration.Step evaluate(INDArray[] u, boolean residualOnly) {
        int layers = maps.numLayers();
        INDArray res = null;
        INDArray[] inc = residualOnly ? null : new INDArray[layers - 1];
        INDArray[] g = new INDArray[layers + 1];                     // g[i] = g_i(u_i) = τ_{i-1}
        for (int i = 2; i <= layers; i++) {
            g[i] = maps.g(i, u[i - 2]);
        }
        for (int i = 2; i <= layers; i++) {
            INDArray tauI = i == layers ? tauL : g[i + 1];
            INDArray d = tauI.sub(maps.f(i, g[i]));
            if (!residualOnly) {
                inc[i - 2] = d.dup();
            }
            INDArray r = d.muli(d).sum(true, 1);
            res = res == null ? r : res.addi(r);
        }
        if (residualOnly) {
            return new FixedPointIteration.Step(res, null, null);
        }
        INDArray dTau1 = maps.g(2, u[0].add(inc[0])).subi(g[2]);
        return new FixedPointIteration.Step(res, inc, dTau1.norm2(true, 1));
    }

    @Override
    public FixedPointIteration.Sweep restrictedTo(int[] rows) {
        return new Eq27Sweep(maps, Nd4j.pullRows(tauL, 1, rows));
    }
}
