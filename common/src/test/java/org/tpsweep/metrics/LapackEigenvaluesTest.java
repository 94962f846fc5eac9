package org.tpsweep.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LAPACK's dgeev (the fast path of the Jacobian conditions) against Commons Math's eigen decomposition, the
 * reference: the same real parts on non-symmetric matrices with complex pairs, in row- or column-major storage.
 */
class LapackEigenvaluesTest {

    @Test
    void availableWithNd4jsCpuBackend() {
        assertTrue(LapackEigenvalues.AVAILABLE, "OpenBLAS's LAPACK ships with nd4j-native");
    }

    @Test
    void realPartsEqualCommonsMath() {
        Random r = new Random(5);
        for (int n : new int[] {1, 2, 3, 7, 30, 120}) {
            double[][] a = new double[n][n];
            for (double[] row : a) {
                for (int c = 0; c < n; c++) {
                    row[c] = r.nextGaussian();
                }
            }
            INDArray m = Nd4j.createFromArray(a);
            double[] expected = JacobianConditions.eigenvalues(m).real();
            double[] rowMajor = LapackEigenvalues.realParts(m.ravel().toDoubleVector(), n);
            double[] columnMajor = LapackEigenvalues.realParts(m.transpose().dup('c').ravel().toDoubleVector(), n);
            Arrays.sort(expected);
            Arrays.sort(rowMajor);
            Arrays.sort(columnMajor);
            assertArrayEquals(expected, rowMajor, 1e-9 * n, "n = " + n);
            assertArrayEquals(expected, columnMajor, 1e-9 * n, "n = " + n);
            // The conditions take LAPACK's eigenvalues here: their positive share is Commons Math's.
            long positive = Arrays.stream(expected).filter(v -> v > 0).count();
            assertTrue(LapackEigenvalues.AVAILABLE, "LAPACK is under test");
            assertEquals((double) positive / n, JacobianConditions.ofMatrix(m).positiveShare(), 0.0, "n = " + n);
        }
    }

    @Test
    void nonFiniteMatricesGiveNaN() {
        INDArray m = Nd4j.createFromArray(new double[][] {{1, Double.NaN}, {0, 1}});
        JacobianConditions.Values v = JacobianConditions.ofMatrix(m);
        assertTrue(Double.isNaN(v.trace()) && Double.isNaN(v.positiveShare()));
        INDArray f = Nd4j.createFromArray(new float[][] {{2, 0}, {0, -1}});
        assertEquals(0.5, JacobianConditions.ofMatrix(f).positiveShare(), 0.0, "float32 M is read as float64");
        assertEquals(DataType.FLOAT, f.dataType());
        assertNull(badSize());
    }

    private static double[] badSize() {
        try {
            return LapackEigenvalues.realParts(new double[3], 2);
        } catch (IllegalArgumentException expected) {
            return null;
        }
    }
}
