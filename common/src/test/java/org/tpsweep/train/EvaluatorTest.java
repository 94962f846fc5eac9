package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.data.LabeledData;
import org.tpsweep.nn.DenseNetwork;

/**
 * The pooled error and [M]'s batch-averaged error (ALGORITHMS.md §4) on a set whose mistakes are placed by
 * hand: 130 samples = one evaluation minibatch of 128 and a partial one of 2.
 */
class EvaluatorTest {

    @Test
    void batchAveragedErrorWeighsThePartialLastBatchAsOneBatch() {
        int n = 130;
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int b = 0; b < n; b++) {
            x[2 * b] = 1;                         // the identity network predicts class 0 for every sample
        }
        int[] wrong = {3, 70, 127, 129};          // three mistakes in the first minibatch, one of the last two
        for (int b : wrong) {
            y[b] = 1;
        }
        LabeledData data = new LabeledData(x, y, n, 2, 2);
        INDArray identity = Nd4j.eye(2).castTo(DataType.DOUBLE);
        DenseNetwork net = DenseNetwork.of(new INDArray[] {identity}, new INDArray[] {null});

        Evaluator.Score s = Evaluator.evaluate(net, data, DataType.DOUBLE);

        assertEquals(4.0 / 130, s.error(), 1e-15);
        assertEquals((3.0 / 128 + 1.0 / 2) / 2, s.batchAveragedError(), 1e-15);
    }
}
