package org.tpsweep.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.SoftmaxCrossEntropy;
import org.tpsweep.rules.BackpropRule;

/** The null-space ratio on [M]'s toy student 6-6-6-2 with batch 1. */
class NullSpaceRatioTest {
    private static DenseNetwork toy() {
        return DenseNetwork.xavierNormal(new int[] {6, 6, 6, 2}, new boolean[] {true, true, true}, DataType.DOUBLE,
                Nd4j.getRandomFactory().getNewRandomInstance(3));
    }

    private static INDArray input() {
        INDArray x = Nd4j.create(DataType.DOUBLE, 1, 6);
        Nd4j.randn(0, 1, x, Nd4j.getRandomFactory().getNewRandomInstance(4));
        return x;
    }

    @Test
    void weightJacobianMatchesFiniteDifferences() {
        DenseNetwork net = toy();
        INDArray x = input();
        ForwardPass pass = net.forward(x);
        for (int i = 1; i <= 3; i++) {
            INDArray jw = NullSpaceRatio.weightJacobian(net, pass, i);
            INDArray w = net.weight(i);
            double h = 1e-6;
            for (int k = 0; k < w.length(); k++) {
                double orig = w.getDouble(k);
                w.putScalar(k, orig + h);
                INDArray up = net.forward(x).logits().dup();
                w.putScalar(k, orig - h);
                INDArray down = net.forward(x).logits().dup();
                w.putScalar(k, orig);
                for (int r = 0; r < 2; r++) {
                    double fd = (up.getDouble(0, r) - down.getDouble(0, r)) / (2 * h);
                    assertEquals(fd, jw.getDouble(r, k), 1e-8, "layer " + i + " row " + r + " entry " + k);
                }
            }
        }
    }

    @Test
    void bpGradientHasNoNullSpaceComponentAndANullVectorIsAllNullSpace() {
        DenseNetwork net = toy();
        ForwardPass pass = net.forward(input());
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 1}});
        BackpropRule bp = new BackpropRule(net);
        bp.computeForwardGradients(pass, SoftmaxCrossEntropy.evaluate(pass.logits(), y, true).gradient());
        for (int i = 1; i <= 3; i++) {
            int layer = i;
            INDArray gi = bp.forwardParameters().stream().filter(p -> p.name().equals("W" + layer)).findFirst()
                    .orElseThrow().gradient();
            assertEquals(0.0, NullSpaceRatio.of(net, pass, i, gi), 1e-8, "BP's update of layer " + i);
        }
        // A vector orthogonal to both rows of J_W for layer 2 lies wholly in the null space.
        INDArray jw = NullSpaceRatio.weightJacobian(net, pass, 2);
        INDArray v = Nd4j.rand(DataType.DOUBLE, 1, 36);
        for (int r = 0; r < 2; r++) {
            INDArray row = jw.getRow(r).reshape(1, 36);
            for (int q = 0; q < r; q++) {
                INDArray prev = jw.getRow(q).reshape(1, 36);
                row = row.sub(prev.mul(row.mul(prev).sumNumber().doubleValue() / prev.mul(prev).sumNumber().doubleValue()));
            }
            v = v.sub(row.mul(v.mul(row).sumNumber().doubleValue() / row.mul(row).sumNumber().doubleValue()));
        }
        assertEquals(1.0, NullSpaceRatio.of(net, pass, 2, v.reshape(6, 6)), 1e-8);
    }
}
