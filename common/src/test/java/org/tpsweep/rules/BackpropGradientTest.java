package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.LossResult;
import org.tpsweep.nn.SoftmaxCrossEntropy;

/** ALGORITHMS.md §6 check 1: the BP gradient equals central finite differences of ℒ. */
class BackpropGradientTest {

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        int[] widths = {5, 6, 4, 3};
        DenseNetwork net = SmallNetworks.network(widths, SmallNetworks.allBiases(3), 11);
        INDArray x = SmallNetworks.inputs(7, 5, 12);
        INDArray y = SmallNetworks.onehot(7, 3, 13);
        BackpropRule rule = new BackpropRule(net);
        LossResult r = SoftmaxCrossEntropy.evaluate(net.forward(x).logits(), y, true);
        rule.computeForwardGradients(net.forward(x), r.gradient());

        double h = 1e-5;
        for (var p : rule.forwardParameters()) {
            INDArray theta = p.value();
            INDArray fd = theta.ulike();
            for (long k = 0; k < theta.length(); k++) {
                double orig = theta.getDouble(k);
                theta.putScalar(k, orig + h);
                double up = loss(net, x, y);
                theta.putScalar(k, orig - h);
                double down = loss(net, x, y);
                theta.putScalar(k, orig);
                fd.putScalar(k, (up - down) / (2 * h));
            }
            double err = SmallNetworks.relativeError(p.gradient(), fd);
            assertTrue(err < 1e-6, p.name() + ": relative error " + err + " ≥ 1e-6");
        }
    }

    private static double loss(DenseNetwork net, INDArray x, INDArray y) {
        return SoftmaxCrossEntropy.evaluate(net.forward(x).logits(), y, false).meanLoss();
    }
}
