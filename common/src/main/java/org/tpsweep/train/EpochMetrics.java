package org.tpsweep.train;

/**
 * Metrics of one training epoch (1-based). Errors are fractions in [0, 1]. {@code trainLoss} and
 * {@code trainError} are means over the epoch's forward-training minibatches, from the forward pass before
 * each update (ALGORITHMS.md §4); validation and test are pooled over samples, evaluated after the epoch's
 * feedback-only epochs. {@code seconds} is the wall time of the forward-training loop alone;
 * {@code feedbackSeconds} that of the feedback-only epochs after it. {@code valErrorBatchAveraged} and
 * {@code testErrorBatchAveraged} are the same errors in [M]'s metric, the mean over evaluation minibatches of
 * 128 ({@link Evaluator}).
 */
public record EpochMetrics(int epoch, double trainLoss, double trainError, double valLoss, double valError,
                           double testLoss, double testError, double seconds, double feedbackSeconds,
                           double valErrorBatchAveraged, double testErrorBatchAveraged)
        implements java.io.Serializable {
}
