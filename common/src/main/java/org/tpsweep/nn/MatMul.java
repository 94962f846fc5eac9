package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products straight into a fresh C-order array with one BLAS gemm. {@code INDArray.mmul} costs up to
 * twice as much at the shapes of these networks (128 × 256 · 256 × 256): it routes through a layout
 * conversion that shows up as an extra full copy.
 */
public final class MatMul {
    private MatMul() {
    }

    /** op(a) · op(b), op = transpose when the flag is set. */
    public static INDArray times(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        long rows = transposeA ? a.columns() : a.rows();
        long cols = transposeB ? b.rows() : b.columns();
        INDArray out = Nd4j.createUninitialized(a.dataType(), rows, cols);
        return Nd4j.gemm(a, b, out, transposeA, transposeB, 1.0, 0.0);
    }

    /** a · b. */
    public static INDArray times(INDArray a, INDArray b) {
        return times(a, b, false, false);
    }
}
