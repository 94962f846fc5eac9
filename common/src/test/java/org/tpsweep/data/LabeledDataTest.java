package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class LabeledDataTest {
    /** 5 samples of dim 3: x[i][j] = 10·i + j + 0.25, label (i·7) mod 4, 4 classes. */
    private static LabeledData sample() {
        int n = 5;
        int dim = 3;
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = 10 * i + j + 0.25f;
            }
            y[i] = (i * 7) % 4;
        }
        return new LabeledData(x, y, n, dim, 4);
    }

    @Test
    void selectKeepsRowsInGivenOrder() {
        LabeledData d = sample().select(new int[] {3, 0, 3});
        assertEquals(3, d.n());
        assertEquals(3, d.dim());
        assertEquals(4, d.numClasses());
        assertArrayEquals(new float[] {30.25f, 31.25f, 32.25f, 0.25f, 1.25f, 2.25f, 30.25f, 31.25f, 32.25f}, d.x());
        assertArrayEquals(new int[] {1, 0, 1}, d.y());
    }

    @Test
    void batchBuildsDoubleArraysOfTheChosenRows() {
        int[] order = {4, 2, 0, 1, 3};
        Batch b = sample().batch(order, 1, 4, DataType.DOUBLE);
        assertEquals(3, b.size());
        checkBatch(b, new int[] {2, 0, 1}, DataType.DOUBLE);
    }

    @Test
    void batchBuildsFloatArrays() {
        Batch b = sample().batch(new int[] {1, 4}, 0, 2, DataType.FLOAT);
        checkBatch(b, new int[] {1, 4}, DataType.FLOAT);
    }

    @Test
    void batchCastsToOtherFloatingTypes() {
        Batch b = sample().batch(new int[] {0, 1}, 0, 2, DataType.HALF);
        assertEquals(DataType.HALF, b.x().dataType());
        assertEquals(DataType.HALF, b.targets().dataType());
        assertEquals(11.25, b.x().getDouble(1, 1), 1e-2);
    }

    @Test
    void allIsEveryRowInOrder() {
        Batch b = sample().all(DataType.DOUBLE);
        checkBatch(b, new int[] {0, 1, 2, 3, 4}, DataType.DOUBLE);
    }

    @Test
    void badArgumentsAreRejected() {
        LabeledData d = sample();
        assertThrows(IllegalArgumentException.class, () -> d.batch(new int[] {0, 1}, 1, 1, DataType.DOUBLE));
        assertThrows(IllegalArgumentException.class, () -> d.batch(new int[] {0, 1}, 0, 3, DataType.DOUBLE));
        assertThrows(IllegalArgumentException.class, () -> d.batch(new int[] {0, 1}, 0, 2, DataType.INT));
        assertThrows(IndexOutOfBoundsException.class, () -> d.batch(new int[] {0, 5}, 0, 2, DataType.DOUBLE));
        assertThrows(IndexOutOfBoundsException.class, () -> d.select(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> new LabeledData(new float[5], new int[2], 2, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new LabeledData(new float[6], new int[] {0, 2}, 2, 3, 2));
    }

    private static void checkBatch(Batch b, int[] rows, DataType dtype) {
        INDArray x = b.x();
        INDArray onehot = b.targets();
        assertEquals(dtype, x.dataType());
        assertEquals(dtype, onehot.dataType());
        assertEquals('c', x.ordering());
        assertArrayEquals(new long[] {rows.length, 3}, x.shape());
        assertArrayEquals(new long[] {rows.length, 4}, onehot.shape());
        for (int k = 0; k < rows.length; k++) {
            int label = (rows[k] * 7) % 4;
            assertEquals(label, b.labels()[k]);
            for (int j = 0; j < 3; j++) {
                assertEquals(10 * rows[k] + j + 0.25, x.getDouble(k, j), 0.0);
            }
            for (int c = 0; c < 4; c++) {
                assertEquals(c == label ? 1.0 : 0.0, onehot.getDouble(k, c), 0.0);
            }
        }
    }
}
