package org.tpsweep.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.tpsweep.data.Batch;
import org.tpsweep.data.LabeledData;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.Loss;
import org.tpsweep.nn.LossResult;
import org.tpsweep.nn.StepWorkspace;

/**
 * Pooled evaluation of a network on a whole set (ALGORITHMS.md §4): error = misclassified / all, loss = mean
 * per-sample loss; for the regression set the error is the mean squared error.
 */
public final class Evaluator {
    private static final int CHUNK = 1000;

    private Evaluator() {
    }

    /** Loss and error of {@code net} on {@code data}. */
    public record Score(double loss, double error) {
    }

    /** Loss and error of {@code net} on {@code data} with the cross-entropy (classification). */
    public static Score evaluate(DenseNetwork net, LabeledData data, DataType dtype) {
        return evaluate(net, data, dtype, Loss.CROSS_ENTROPY);
    }

    /** Loss and error with {@code loss}; for a regression loss the error is the loss (mean squared error). */
    public static Score evaluate(DenseNetwork net, LabeledData data, DataType dtype, Loss loss) {
        int[] order = new int[data.n()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        double lossSum = 0;
        long wrong = 0;
        for (int from = 0; from < data.n(); from += CHUNK) {
            int to = Math.min(data.n(), from + CHUNK);
            try (MemoryWorkspace ws = StepWorkspace.open("tp-evaluate")) {
                Batch batch = data.batch(order, from, to, dtype);
                LossResult r = loss.evaluate(net.forward(batch.x()).logits(), batch.targets(), false);
                lossSum += r.sumLoss();
                wrong += r.batchSize() - r.correct();
            }
        }
        double meanLoss = lossSum / data.n();
        return new Score(meanLoss, loss.isRegression() ? meanLoss : (double) wrong / data.n());
    }
}
