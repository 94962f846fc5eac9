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
 * Evaluation of a network on a whole set (ALGORITHMS.md §4). tp-sweep's metric is pooled: error =
 * misclassified / all, loss = mean per-sample loss (for the regression set the error is the mean squared
 * error). Beside it, [M]'s own metric: the set is cut in order into evaluation minibatches of
 * {@link #AUTHORS_BATCH} (the last one partial) and the error is the mean over those minibatches of each
 * minibatch's error, which weighs the samples of the partial last batch more.
 */
public final class Evaluator {
    /** [M]'s evaluation minibatch size, the unit of its batch-averaged metric. */
    public static final int AUTHORS_BATCH = 128;

    private Evaluator() {
    }

    /**
     * Pooled loss and error of {@code net} on a set, and [M]'s batch-averaged error (mean over evaluation
     * minibatches of {@link #AUTHORS_BATCH} of the minibatch error).
     */
    public record Score(double loss, double error, double batchAveragedError) {
        /** The score of an empty or absent set: all NaN. */
        public static Score none() {
            return new Score(Double.NaN, Double.NaN, Double.NaN);
        }
    }

    /** Loss and error of {@code net} on {@code data} with the cross-entropy (classification). */
    public static Score evaluate(DenseNetwork net, LabeledData data, DataType dtype) {
        return evaluate(net, data, dtype, Loss.CROSS_ENTROPY);
    }

    /** Loss and error with {@code loss}; for a regression loss the error is the loss (mean squared error). */
    public static Score evaluate(DenseNetwork net, LabeledData data, DataType dtype, Loss loss) {
        return evaluate(net, data, dtype, loss, AUTHORS_BATCH);
    }

    /**
     * As {@link #evaluate(DenseNetwork, LabeledData, DataType, Loss)} in evaluation minibatches of
     * {@code batchSize}: the unit of the batch-averaged error and, for a network with BN, the batch whose
     * statistics normalise ([F]: 256).
     */
    public static Score evaluate(DenseNetwork net, LabeledData data, DataType dtype, Loss loss, int batchSize) {
        int[] order = new int[data.n()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        double lossSum = 0;
        long wrong = 0;
        double batchErrorSum = 0;
        int batches = 0;
        for (int from = 0; from < data.n(); from += batchSize) {
            int to = Math.min(data.n(), from + batchSize);
            try (MemoryWorkspace ws = StepWorkspace.open("tp-evaluate")) {
                Batch batch = data.batch(order, from, to, dtype);
                LossResult r = loss.evaluate(net.forward(batch.x()).logits(), batch.targets(), false);
                lossSum += r.sumLoss();
                wrong += r.batchSize() - r.correct();
                batchErrorSum += loss.isRegression() ? r.sumLoss() / r.batchSize()
                        : (double) (r.batchSize() - r.correct()) / r.batchSize();
                batches++;
            }
        }
        double meanLoss = lossSum / data.n();
        return new Score(meanLoss, loss.isRegression() ? meanLoss : (double) wrong / data.n(),
                batchErrorSum / batches);
    }
}
