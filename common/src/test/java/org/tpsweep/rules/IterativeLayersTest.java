package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.Activation;
import org.tpsweep.nn.DenseNetwork;

/** The sweeps' fast forms of {@link IterativeLayers} against the plain maps. */
class IterativeLayersTest {
    private static INDArray randn(int r, int c, long seed) {
        INDArray x = Nd4j.createUninitialized(DataType.DOUBLE, r, c);
        Nd4j.randn(0.0, 1.0, x, SmallNetworks.rng(seed));
        return x;
    }

    private static IterativeLayers maps() {
        INDArray[] w = {randn(3, 6, 1), randn(6, 4, 2)};
        INDArray[] b = {randn(1, 6, 3), randn(1, 4, 4)};
        return new IterativeLayers(DenseNetwork.of(w, b).withActivation(Activation.leakyRelu(0.5), false),
                new INDArray[] {null, null, randn(4, 6, 5)}, new INDArray[] {null, null, randn(1, 6, 6).muli(10)});
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    @Test
    void preActivationOntoBiasRowsIsThePlainPreActivation() {
        IterativeLayers maps = maps();
        INDArray h = randn(5, 6, 7);
        INDArray expected = maps.preActivation(2, h);
        INDArray bias = maps.biasRows(2, 5);
        assertTrue(maxDiff(expected, maps.preActivationInto(2, h, bias, bias.ulike())) < 1e-13);
        assertTrue(maxDiff(expected, maps.preActivationInto(2, h, bias, bias.ulike())) < 1e-13, "the bias rows are left as they were");
    }

    @Test
    void gDifferenceIsTheDifferenceOfTwoDecoderOutputs() {
        IterativeLayers maps = maps();
        INDArray u = randn(5, 4, 8);
        INDArray v = randn(5, 4, 9);
        INDArray expected = maps.g(2, u).sub(maps.g(2, v));
        INDArray actual = maps.gDifference(2, maps.phi().apply(u), maps.phi().apply(v));
        assertTrue(maxDiff(expected, actual) < 1e-12, "largest difference " + maxDiff(expected, actual));
    }
}
