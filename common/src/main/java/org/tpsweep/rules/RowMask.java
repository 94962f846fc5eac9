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
        long width = x.columns();
        INDArray m = expanded.computeIfAbsent(width,
                w -> Nd4j.zeros(type, (long) pattern.length, (long) w).addiColumnVector(column()));
        return x.muli(m);
    }
}
