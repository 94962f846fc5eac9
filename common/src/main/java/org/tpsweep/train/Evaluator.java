package org.tpsweep.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.tpsweep.data.LabeledData;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.Loss;
import org.tpsweep.nn.LossResult;

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
        double[] sums = new double[3];                   // loss, wrong samples, per-batch errors
        EvaluationBatches.forEach(data, batchSize, dtype, "tp-evaluate", (index, batch) -> {
            LossResult r = loss.evaluate(net.forward(batch.x()).logits(), batch.targets(), false);
            sums[0] += r.sumLoss();
            sums[1] += r.batchSize() - r.correct();
            sums[2] += loss.isRegression() ? r.sumLoss() / r.batchSize()
                    : (double) (r.batchSize() - r.correct()) / r.batchSize();
        });
        double meanLoss = sums[0] / data.n();
        return new Score(meanLoss, loss.isRegression() ? meanLoss : sums[1] / data.n(),
                sums[2] / EvaluationBatches.count(data, batchSize));
    }
}
