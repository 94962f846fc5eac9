package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The minibatch rows that {@link FixedPointIteration} still iterates, with their state, their best iterates (the
 * guard's) and the sweep restricted to them. It starts as the whole minibatch, working in place on the caller's
 * arrays; {@link #keepOnly} gathers the still-active rows into smaller arrays (writing the leaving rows back first),
 * and {@link #writeBack} returns every working row to the caller's arrays at the end.
 */
final class WorkingSet {
    private final INDArray[] fullState;
    private final INDArray[] fullBest;
    private final FixedPointIteration.Sweep fullSweep;
    private int[] rows;
    private INDArray[] state;
    private INDArray[] best;
    private FixedPointIteration.Sweep sweep;

    /** The whole minibatch: {@code best} null without the guard. */
    WorkingSet(INDArray[] state, INDArray[] best, FixedPointIteration.Sweep sweep) {
        this.fullState = state;
        this.fullBest = best;
        this.fullSweep = sweep;
        this.rows = java.util.stream.IntStream.range(0, (int) state[0].rows()).toArray();
        this.state = state;
        this.best = best;
        this.sweep = sweep;
    }

    /** Working rows. */
    int size() {
        return rows.length;
    }

    /** The minibatch index of every working row, ascending. */
    int[] rows() {
        return rows;
    }

    /** The working rows' state (one array per state array, rows as {@link #rows()}). */
    INDArray[] state() {
        return state;
    }

    /** The working rows' best iterates (null without the guard). */
    INDArray[] best() {
        return best;
    }

    /** The sweep on the working rows. */
    FixedPointIteration.Sweep sweep() {
        return sweep;
    }

    /** Keeps only the working rows whose minibatch row is {@code active}; the others go back to the caller's arrays. */
    void keepOnly(boolean[] active) {
        int[] keep = java.util.stream.IntStream.range(0, rows.length).filter(j -> active[rows[j]]).toArray();
        if (keep.length == rows.length) {
            return;
        }
        if (state != fullState) {                                   // rows of the caller's arrays are stale
            int[] leaving = java.util.stream.IntStream.range(0, rows.length).filter(j -> !active[rows[j]]).toArray();
            copyRows(state, fullState, leaving);
            copyRows(best, fullBest, leaving);
        }
        state = gather(state, keep);
        best = gather(best, keep);
        rows = java.util.Arrays.stream(keep).map(j -> rows[j]).toArray();
        sweep = fullSweep.restrictedTo(rows);
    }

    /** Writes every working row back to the caller's arrays (state and best iterates). */
    void writeBack() {
        if (state != fullState) {
            int[] all = java.util.stream.IntStream.range(0, rows.length).toArray();
            copyRows(state, fullState, all);
            copyRows(best, fullBest, all);
        }
    }

    private void copyRows(INDArray[] from, INDArray[] to, int[] local) {
        if (from == null) {
            return;
        }
        for (int k = 0; k < from.length; k++) {
            for (int j : local) {
                to[k].getRow(rows[j]).assign(from[k].getRow(j));
            }
        }
    }

    private static INDArray[] gather(INDArray[] arrays, int[] local) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int k = 0; k < arrays.length; k++) {
            out[k] = Nd4j.pullRows(arrays[k], 1, local);
        }
        return out;
    }
}
