package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.config.IterativeKeys;

/**
 * Steps S3–S4 of dtp-iterative (ALGORITHMS.md §3c): the initial targets (difference or decoder start) and their
 * refinement — synchronous (Jacobi) sweeps of eq. 35, the sequential scheme, eq. 27, eq. 27 then eq. 34, or eq. 27
 * then eq. 35 — for a whole minibatch with per-sample stopping ({@link FixedPointIteration}). Targets are for the
 * pre-activations a_i; τ_L is fixed.
 */
public final class IterativeTargets {
    /** The settings of the refinement. */
    public record Settings(String init, String scheme, String refine, double epsRel, int tMax, boolean guard) {
        /** §3c's defaults: difference start, synchronous eq.-35 sweeps, ε_rel 1e-4, T_max 100, guard on. */
        public static Settings defaults() {
            return new Settings(IterativeKeys.DIFFERENCE, IterativeKeys.SYNCHRONOUS, IterativeKeys.EQ35, 1e-4, 100,
                    true);
        }
    }

    /**
     * The refined targets {@code tau[1..L]} (tau[L] = τ_L) and per-sample counts (B × 1): sweeps, 1 where some
     * iteration ended at T_max, 1 where the guard restored an earlier iterate, and ‖Δτ_1‖/‖τ_L − a_L‖ of the last
     * active sweep (NaN where no iteration moves τ_1).
     */
    public record Result(INDArray[] tau, INDArray sweeps, INDArray atTmax, INDArray restored, INDArray stopRatio) {
    }

    private final IterativeLayers maps;
    private final Settings s;

    public IterativeTargets(IterativeLayers maps, Settings settings) {
        this.maps = maps;
        this.s = settings;
    }

    /**
     * Targets for one minibatch.
     *
     * @param a    a[1..L], the forward pass's pre-activations (B × n_i)
     * @param tauL τ_L (B × n_L)
     */
    public Result compute(INDArray[] a, INDArray tauL) {
        int layers = maps.numLayers();
        INDArray[] tau = new INDArray[layers + 1];
        tau[layers] = tauL;
        INDArray outNorm = tauL.sub(a[layers]).norm2(true, 1);
        INDArray threshold = outNorm.mul(s.epsRel());
        long b = tauL.rows();
        INDArray sweeps = outNorm.ulike().assign(0);
        INDArray atTmax = outNorm.ulike().assign(0);
        INDArray restored = outNorm.ulike().assign(0);
        INDArray lastNorm = outNorm.ulike().assign(Double.NaN);
        if (layers == 1) {
            return new Result(tau, sweeps, atTmax, restored, lastNorm);
        }
        if (IterativeKeys.SEQUENTIAL.equals(s.scheme())) {
            for (int i = layers; i >= 2; i--) {
                tau[i - 1] = start(i, a, tau[i]);
                FixedPointIteration.Outcome o = FixedPointIteration.run(new INDArray[] {tau[i - 1]},
                        sequentialSweep(i, tau[i]), threshold, 1, s.tMax(), s.guard());
                add(sweeps, atTmax, restored, o);
                if (i == 2) {
                    lastNorm = o.lastStopNorm();
                }
            }
            return new Result(tau, sweeps, atTmax, restored, lastNorm.divi(outNorm));
        }
        for (int i = layers; i >= 2; i--) {
            tau[i - 1] = start(i, a, tau[i]);
        }
        String refine = s.refine();
        if (!IterativeKeys.EQ35.equals(refine)) {
            INDArray[] u = new INDArray[layers - 1];                 // u_2..u_L at index 0..L−2
            for (int i = 2; i <= layers; i++) {
                u[i - 2] = tau[i].dup();
            }
            FixedPointIteration.Outcome o = FixedPointIteration.run(u, eq27Sweep(tauL), threshold, layers - 1,
                    s.tMax(), s.guard());
            add(sweeps, atTmax, restored, o);
            lastNorm = o.lastStopNorm();
            for (int i = 2; i <= layers; i++) {
                tau[i - 1] = maps.g(i, u[i - 2]);
            }
            if (IterativeKeys.EQ27_34.equals(refine)) {
                for (int i = layers; i >= 2; i--) {                  // eq. 34, top-down with the corrected τ_i
                    INDArray gu = tau[i - 1];
                    tau[i - 1] = maps.g(i, tau[i]).addi(gu).subi(maps.g(i, maps.f(i, gu)));
                }
            }
            if (!IterativeKeys.EQ27_THEN_35.equals(refine)) {
                return new Result(tau, sweeps, atTmax, restored, lastNorm.divi(outNorm));
            }
        }
        INDArray[] state = new INDArray[layers - 1];                 // τ_1..τ_{L-1} at index 0..L−2
        System.arraycopy(tau, 1, state, 0, layers - 1);
        FixedPointIteration.Outcome o = FixedPointIteration.run(state, eq35Sweep(tauL), threshold, layers - 1,
                s.tMax(), s.guard());
        add(sweeps, atTmax, restored, o);
        System.arraycopy(state, 0, tau, 1, layers - 1);
        return new Result(tau, sweeps, atTmax, restored, o.lastStopNorm().divi(outNorm));
    }

    private static void add(INDArray sweeps, INDArray atTmax, INDArray restored, FixedPointIteration.Outcome o) {
        sweeps.addi(o.sweeps());
        atTmax.assign(atTmax.add(o.atTmax()).gt(0).castTo(atTmax.dataType()));
        restored.assign(restored.add(o.restored()).gt(0).castTo(restored.dataType()));
    }

    /** S3: τ_{i-1} from τ_i, difference a_{i-1} + g_i(τ_i) − g_i(a_i) or decoder g_i(τ_i). */
    INDArray start(int i, INDArray[] a, INDArray tauI) {
        INDArray g = maps.g(i, tauI);
        if (IterativeKeys.DECODER.equals(s.init())) {
            return g;
        }
        return g.addi(a[i - 1]).subi(maps.g(i, a[i]));
    }

    /** Eq. 35 on all layers at once ({@link Eq35Sweep}). */
    FixedPointIteration.Sweep eq35Sweep(INDArray tauL) {
        return new Eq35Sweep(maps, tauL);
    }

    /** The sequential scheme's iteration for τ_{i-1} with τ_i frozen ({@link SequentialSweep}). */
    FixedPointIteration.Sweep sequentialSweep(int i, INDArray tauI) {
        return new SequentialSweep(maps, i, tauI);
    }

    /** Eq. 27 on all layers at once ({@link Eq27Sweep}). */
    FixedPointIteration.Sweep eq27Sweep(INDArray tauL) {
        return new Eq27Sweep(maps, tauL);
    }
}
