package org.tpsweep.rules;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.Select;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The per-sample iteration of dtp-iterative's refinement (ALGORITHMS.md §3c S4), batched: every sweep works on the
 * minibatch's rows that still iterate (the working set), and a row mask decides which of them change. A sample stops
 * from sweep {@code tMin} on when its stopping norm (‖Δτ_1‖) falls below its threshold (ε_rel ‖τ_L − a_L‖). The
 * divergence guard keeps each sample's iterate of smallest residual, stops a sample whose residual is non-finite or
 * &gt; 10³ × its best, and at the end restores the best iterate wherever the last is worse or non-finite.
 * <p>
 * Samples iterate independently (every sweep is row by row), so once a quarter of the working set has stopped the
 * rest are gathered into smaller arrays and the sweep is {@linkplain Sweep#restrictedTo restricted} to them: a
 * minibatch runs until its slowest sample stops, and the stopped ones no longer cost products. The rows' arithmetic
 * is the same at every batch size, so the result equals running each sample alone.
 */
public final class FixedPointIteration {
    /** A sample whose residual exceeds this multiple of its best is stopped by the guard. */
    public static final double GUARD_FACTOR = 1e3;

    /** One sweep's map on a state of per-sample rows (several arrays, each B × n). */
    public interface Sweep {
        /**
         * The residual res_b of {@code state} (B × 1), the increments of every state array (the caller applies
         * them where active) and the stopping norm per sample (B × 1), or, with {@code residualOnly}, the residual
         * alone (increments and norm null). The returned arrays may be the sweep's own buffers, overwritten by its
         * next call.
         */
        Step evaluate(INDArray[] state, boolean residualOnly);

        /**
         * This sweep for a state made of the rows {@code rows} (ascending indices into the minibatch this sweep
         * was made for) of its state: its per-sample constants gathered to those rows.
         */
        Sweep restrictedTo(int[] rows);
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
     * Iterates {@code sweep} on {@code state} (changed in place) for at most {@code tMax} sweeps. The per-sample
     * bookkeeping (B numbers each: active, best residual, sweeps) is kept in Java arrays; only the state arrays are
     * updated with ND4J, through a row mask.
     *
     * @param threshold per-sample stop threshold (B × 1): inactive when stopNorm &lt; threshold from sweep tMin on
     */
    public static Outcome run(INDArray[] state, Sweep sweep, INDArray threshold, int tMin, int tMax, boolean guard) {
        int b = (int) state[0].rows();
        DataType type = state[0].dataType();
        double[] limit = threshold.toDoubleVector();
        boolean[] active = new boolean[b];                           // all per-sample arrays: minibatch rows
        java.util.Arrays.fill(active, true);
        int activeCount = b;
        double[] sweeps = new double[b];
        double[] lastNorm = new double[b];
        java.util.Arrays.fill(lastNorm, Double.NaN);
        double[] best = new double[b];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        INDArray[] bestState = guard ? new INDArray[state.length] : null;
        if (guard) {
            for (int k = 0; k < state.length; k++) {
                bestState[k] = state[k].dup();
            }
        }
        WorkingSet set = new WorkingSet(state, bestState, sweep);
        RowMask improvedRows = new RowMask(type);
        RowMask movingRows = new RowMask(type);
        for (int t = 1; t <= tMax && activeCount > 0; t++) {
            if (activeCount <= set.size() - Math.max(1, set.size() / 4)) {
                set.keepOnly(active);
            }
            int[] rows = set.rows();
            int n = rows.length;
            Step s = set.sweep().evaluate(set.state(), false);
            double[] res = s.residual().toDoubleVector();
            double[] norm = s.stopNorm().toDoubleVector();
            // every row whose state or increment is non-finite has a non-finite residual: masked arithmetic is
            // exact wherever all residuals are finite; otherwise rows are selected (NaN · 0 would spread)
            boolean allFinite = true;
            for (double r : res) {
                allFinite &= Double.isFinite(r);
            }
            if (guard) {
                double[] improved = new double[n];
                for (int j = 0; j < n; j++) {
                    int r = rows[j];
                    if (active[r] && Double.isFinite(res[j]) && res[j] < best[r]) {
                        improved[j] = 1;
                        best[r] = res[j];
                    }
                }
                improvedRows.set(improved);
                if (improvedRows.anyOne()) {
                    INDArray[] now = set.state();
                    INDArray[] kept = set.best();
                    for (int k = 0; k < now.length; k++) {
                        if (allFinite) {
                            improvedRows.copyRows(now[k], kept[k]);
                        } else {
                            blendRows(kept[k], now[k], improvedRows.column());
                        }
                    }
                }
                for (int j = 0; j < n; j++) {
                    int r = rows[j];
                    if (active[r] && (!Double.isFinite(res[j]) || res[j] > best[r] * GUARD_FACTOR)) {
                        active[r] = false;
                        activeCount--;
                    }
                }
            }
            if (activeCount == 0) {
                break;
            }
            double[] moving = new double[n];
            for (int j = 0; j < n; j++) {
                int r = rows[j];
                if (active[r]) {
                    moving[j] = 1;
                    sweeps[r]++;
                    lastNorm[r] = norm[j];
                }
            }
            movingRows.set(moving);
            INDArray[] now = set.state();
            for (int k = 0; k < now.length; k++) {
                INDArray inc = s.increments()[k];
                if (allFinite && DirectRows.direct(now[k], inc)) {   // the same arithmetic as the ND4J ops below
                    DirectRows.addMasked(now[k], inc, movingRows.allOnes() ? null : moving);
                } else if (allFinite) {
                    now[k].addi(movingRows.applyInPlace(inc));
                } else {
                    blendRows(now[k], now[k].add(inc), movingRows.column());
                }
            }
            if (t >= tMin) {
                for (int j = 0; j < n; j++) {
                    int r = rows[j];
                    if (active[r] && norm[j] < limit[r]) {
                        active[r] = false;
                        activeCount--;
                    }
                }
            }
        }
        set.writeBack();
        double[] atTmax = new double[b];
        for (int r = 0; r < b; r++) {
            atTmax[r] = active[r] ? 1 : 0;
        }
        double[] finalRes = sweep.evaluate(state, true).residual().toDoubleVector();
        double[] restored = new double[b];
        if (guard) {
            boolean anyRestored = false;
            for (int r = 0; r < b; r++) {
                // a sample whose every iterate was non-finite has no best: nothing to restore
                if ((!Double.isFinite(finalRes[r]) || finalRes[r] > best[r]) && Double.isFinite(best[r])) {
                    restored[r] = 1;
                    finalRes[r] = best[r];
                    anyRestored = true;
                }
            }
            if (anyRestored) {
                INDArray mask = column(restored, type);
                for (int k = 0; k < state.length; k++) {
                    blendRows(state[k], bestState[k], mask);
                }
            }
        }
        return new Outcome(column(sweeps, type), column(atTmax, type), column(restored, type), column(lastNorm, type),
                column(finalRes, type));
    }

    /** A B × 1 column of {@code values} in {@code type}. */
    private static INDArray column(double[] values, DataType type) {
        return Nd4j.createFromArray(values).reshape(values.length, 1).castTo(type);
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
