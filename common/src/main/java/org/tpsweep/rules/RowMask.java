package org.tpsweep.rules;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 0/1 mask over the rows (samples) of a minibatch for masked updates of B × n arrays in {@link FixedPointIteration}.
 * It keeps the mask expanded to every width it was applied at and rebuilds those only when the pattern changes
 * (a column broadcast costs several element-wise ops on small arrays, and patterns change only when a sample stops);
 * an all-ones mask is not applied at all.
 */
final class RowMask {
    private final DataType type;
    private double[] pattern = new double[0];
    private boolean allOnes;
    private boolean anyOne;
    private INDArray column;
    private final Map<Long, INDArray> expanded = new HashMap<>();
    private final Map<Long, INDArray> complements = new HashMap<>();

    RowMask(DataType type) {
        this.type = type;
    }

    /** Sets the mask to {@code values} (0 or 1 per row); a repeated pattern keeps the expanded masks. */
    void set(double[] values) {
        if (Arrays.equals(values, pattern)) {
            return;
        }
        pattern = values.clone();
        expanded.clear();
        complements.clear();
        column = null;
        allOnes = true;
        anyOne = false;
        for (double v : values) {
            allOnes &= v == 1;
            anyOne |= v == 1;
        }
    }

    /** True when every row is 1. */
    boolean allOnes() {
        return allOnes;
    }

    /** True when some row is 1. */
    boolean anyOne() {
        return anyOne;
    }

    /** The mask as a B × 1 column. */
    INDArray column() {
        if (column == null) {
            column = Nd4j.createFromArray(pattern).reshape(pattern.length, 1).castTo(type);
        }
        return column;
    }

    /** x ⊙ mask row-wise, in place (x is B × n, finite); returns x. */
    INDArray applyInPlace(INDArray x) {
        if (allOnes) {
            return x;
        }
        return x.muli(expanded(x.columns()));
    }

    /**
     * target ← source on the rows where the mask is 1, target elsewhere, in place (both B × n, finite). Exact, as
     * x · 1 = x, x · 0 = 0 and x + 0 = x (target + mask ⊙ (source − target) would round source's rows).
     */
    void copyRows(INDArray source, INDArray target) {
        if (allOnes) {
            target.assign(source);
            return;
        }
        long width = target.columns();
        INDArray keep = complements.computeIfAbsent(width, w -> expanded(w).rsub(1.0));
        target.muli(keep).addi(source.mul(expanded(width)));
    }

    private INDArray expanded(long width) {
        return expanded.computeIfAbsent(width,
                w -> Nd4j.zeros(type, (long) pattern.length, (long) w).addiColumnVector(column()));
    }
}
