package org.tpsweep.rules;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.Select;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The per-sample iteration of dtp-iterative's refinement (ALGORITHMS.md §3c S4), batched: every sweep works on the
 * whole minibatch and an active-sample mask (B × 1, 1 = active) decides which rows change. A sample stops from
 * sweep {@code tMin} on when its stopping norm (‖Δτ_1‖) falls below its threshold (ε_rel ‖τ_L − a_L‖). The
 * divergence guard keeps each sample's iterate of smallest residual, stops a sample whose residual is non-finite
 * or &gt; 10³ × its best, and at the end restores the best iterate wherever the last is worse or non-finite.
 */
public final class FixedPointIteration {
    /** A sample whose residual exceeds this multiple of its best is stopped by the guard. */
    public static final double GUARD_FACTOR = 1e3;

    /** One sweep's map on a state of per-sample rows (several arrays, each B × n). */
    public interface Sweep {
        /**
         * The residual res_b of {@code state} (B × 1), the increments of every state array (the caller applies
         * them where active) and the stopping norm per sample (B × 1), or, with {@code residualOnly}, the residual
         * alone (increments and norm null).
         */
        Step evaluate(INDArray[] state, boolean residualOnly);
    }

    /** What a sweep computes. */
    public record Step(INDArray residual, INDArray[] increments, INDArray stopNorm) {
    }

    /**
     * Per-sample outcome (each B × 1): sweeps in which the sample was active; 1 where it was still active after
     * tMax sweeps; 1 where the guard restored an earlier iterate; the last stopping norm / threshold ratio base
     * (‖Δτ_1‖ of the sample's last active sweep); the residual of the returned iterate.
     */
    public record Outcome(INDArray sweeps, INDArray atTmax, INDArray restored, INDArray lastStopNorm,
                          INDArray finalResidual) {
    }

    private FixedPointIteration() {
    }

    /**
     * Iterates {@code sweep} on {@code state} (changed in place) for at most {@code tMax} sweeps.
     *
     * @param threshold per-sample stop threshold (B × 1): inactive when stopNorm &lt; threshold from sweep tMin on
     */
    public static Outcome run(INDArray[] state, Sweep sweep, INDArray threshold, int tMin, int tMax, boolean guard) {
        long b = state[0].rows();
        INDArray active = Nd4j.ones(state[0].dataType(), b, 1);
        INDArray sweeps = active.ulike().assign(0);
        INDArray lastNorm = active.ulike().assign(Double.NaN);
        INDArray best = guard ? active.ulike().assign(Double.POSITIVE_INFINITY) : null;
        INDArray[] bestState = guard ? new INDArray[state.length] : null;
        if (guard) {
            for (int k = 0; k < state.length; k++) {
                bestState[k] = state[k].dup();
            }
        }
        for (int t = 1; t <= tMax && active.sumNumber().doubleValue() > 0; t++) {
            Step s = sweep.evaluate(state, false);
            INDArray res = s.residual();
            INDArray finite = finite(res);
            // every row whose state or increment is non-finite has a non-finite residual: masked arithmetic is
            // exact wherever all residuals are finite; otherwise rows are selected (NaN · 0 would spread)
            boolean allFinite = finite.sumNumber().doubleValue() == b;
            if (guard) {
                INDArray improved = res.lt(best).castTo(res.dataType()).muli(finite).muli(active);
                blendRows(best, res, improved);
                for (int k = 0; k < state.length; k++) {
                    if (allFinite) {
                        bestState[k].addi(state[k].sub(bestState[k]).muliColumnVector(improved));
                    } else {
                        blendRows(bestState[k], state[k], improved);
                    }
                }
                INDArray exploded = res.gt(best.mul(GUARD_FACTOR)).castTo(res.dataType());
                INDArray bad = finite.rsub(1.0).addi(exploded).gt(0).castTo(res.dataType());
                active.muli(bad.rsubi(1.0));
            }
            for (int k = 0; k < state.length; k++) {
                if (allFinite) {
                    state[k].addi(s.increments()[k].muliColumnVector(active));
                } else {
                    blendRows(state[k], state[k].add(s.increments()[k]), active);
                }
            }
            sweeps.addi(active);
            blendRows(lastNorm, s.stopNorm(), active);
            if (t >= tMin) {
                INDArray converged = s.stopNorm().lt(threshold).castTo(active.dataType());
                active.muli(converged.rsubi(1.0));
            }
        }
        INDArray atTmax = active;
        INDArray finalRes = sweep.evaluate(state, true).residual();
        INDArray restored = finalRes.ulike().assign(0);
        if (guard) {
            INDArray worse = finite(finalRes).rsubi(1.0).addi(finalRes.gt(best).castTo(finalRes.dataType()))
                    .gt(0).castTo(finalRes.dataType());
            // a sample whose every iterate was non-finite has no best: nothing to restore
            restored = worse.muli(finite(best));
            if (restored.sumNumber().doubleValue() > 0) {
                for (int k = 0; k < state.length; k++) {
                    blendRows(state[k], bestState[k], restored);
                }
                blendRows(finalRes, best, restored);
            }
        }
        return new Outcome(sweeps, atTmax, restored, lastNorm, finalRes);
    }

    /** 1 where x is finite, 0 elsewhere (B × 1). */
    static INDArray finite(INDArray x) {
        INDArray ok = x.dup();
        BooleanIndexing.replaceWhere(ok, 0.0, Conditions.isNan());
        BooleanIndexing.replaceWhere(ok, 0.0, Conditions.isInfinite());
        INDArray isFinite = x.eq(ok).castTo(x.dataType());
        return isFinite;
    }

    /**
     * Row-wise select with the B × 1 {@code mask} of 0/1: rows with mask 1 take {@code source}'s values (non-finite
     * values included), rows with mask 0 keep {@code target}'s (even where source is non-finite). In place.
     */
    static void blendRows(INDArray target, INDArray source, INDArray mask) {
        INDArray cond = Nd4j.zeros(target.dataType(), target.shape()).addiColumnVector(mask).castTo(DataType.BOOL);
        INDArray out = target.ulike();
        Nd4j.exec(new Select(new INDArray[] {cond, source, target}, new INDArray[] {out}));
        target.assign(out);
    }
}
