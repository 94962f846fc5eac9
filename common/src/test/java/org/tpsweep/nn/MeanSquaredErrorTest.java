package org.tpsweep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ℒ = mean((a − y)²) and its gradient against central finite differences. */
class MeanSquaredErrorTest {

    @Test
    void lossAndGradient() {
        INDArray a = Nd4j.createFromArray(new double[][] {{0.5, -1.0}, {2.0, 0.25}, {0.0, 1.0}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1.0, -1.0}, {0.0, 0.0}, {0.5, 0.5}});
        LossResult r = MeanSquaredError.evaluate(a, y, true);
        double want = (0.25 + 0 + 4 + 0.0625 + 0.25 + 0.25) / 6;
        assertEquals(want, r.meanLoss(), 1e-15);
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                INDArray up = a.dup();
                up.putScalar(i, j, a.getDouble(i, j) + h);
                INDArray down = a.dup();
                down.putScalar(i, j, a.getDouble(i, j) - h);
                double fd = (MeanSquaredError.evaluate(up, y, false).meanLoss()
                        - MeanSquaredError.evaluate(down, y, false).meanLoss()) / (2 * h);
                assertEquals(fd, r.gradient().getDouble(i, j), 1e-8);
            }
        }
    }
}
