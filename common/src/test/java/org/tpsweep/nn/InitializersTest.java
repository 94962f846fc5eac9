package org.tpsweep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The initialisations against the papers' definitions, not against the code's own helpers: Xavier-normal's
 * standard deviation √(2/(fan_in+fan_out)) ([M], ALGORITHMS.md §1) and [F]'s orthogonal matrices (§1b).
 */
class InitializersTest {

    @Test
    void xavierNormalHasThePublishedStandardDeviationAndNoCorrelation() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(11L);
        INDArray w = Initializers.xavierNormal(784, 256, DataType.DOUBLE, rng);
        double expected = Math.sqrt(2.0 / (784 + 256));
        double std = w.stdNumber().doubleValue();
        assertEquals(expected, std, 0.01 * expected, "std within 1 % (200 704 draws: sampling error ≈ 0.16 %)");
        assertEquals(0.0, w.meanNumber().doubleValue(), 3 * expected / Math.sqrt(w.length()) * 2);
        INDArray next = Initializers.xavierNormal(784, 256, DataType.DOUBLE, rng);
        double corr = w.mul(next).meanNumber().doubleValue() / (std * next.stdNumber().doubleValue());
        assertTrue(Math.abs(corr) < 0.01, "consecutive draws uncorrelated, got " + corr);
    }

    @Test
    void orthogonalTallAndWideMatricesAreOrthonormalWithUnitGain() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(5L);
        INDArray tall = Initializers.orthogonal(64, 16, DataType.DOUBLE, rng);     // orthonormal columns
        assertArrayEquals(new long[] {64, 16}, tall.shape());
        assertEquals(0.0, tall.transpose().mmul(tall).sub(Nd4j.eye(16)).amaxNumber().doubleValue(), 1e-12);
        INDArray wide = Initializers.orthogonal(10, 32, DataType.DOUBLE, rng);     // orthonormal rows
        assertArrayEquals(new long[] {10, 32}, wide.shape());
        assertEquals(0.0, wide.mmul(wide.transpose()).sub(Nd4j.eye(10)).amaxNumber().doubleValue(), 1e-12);
        INDArray square = Initializers.orthogonal(20, 20, DataType.FLOAT, rng);
        assertEquals(DataType.FLOAT, square.dataType());
        INDArray sq = square.castTo(DataType.DOUBLE);
        assertEquals(0.0, sq.mmul(sq.transpose()).sub(Nd4j.eye(20)).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void orthogonalDrawsDifferAndAreSeeded() {
        INDArray a = Initializers.orthogonal(16, 16, DataType.DOUBLE, Nd4j.getRandomFactory().getNewRandomInstance(9L));
        INDArray b = Initializers.orthogonal(16, 16, DataType.DOUBLE, Nd4j.getRandomFactory().getNewRandomInstance(9L));
        INDArray c = Initializers.orthogonal(16, 16, DataType.DOUBLE, Nd4j.getRandomFactory().getNewRandomInstance(10L));
        assertEquals(a, b);
        assertNotEquals(a, c);
        // a Haar-distributed draw has its diagonal centred on 0 (mean of 16 entries: standard error 1/16)
        double diagMean = 0;
        for (int k = 0; k < 16; k++) {
            diagMean += a.getDouble(k, k);
        }
        assertTrue(Math.abs(diagMean / 16) < 0.2, "mean diagonal " + diagMean / 16);
    }
}
