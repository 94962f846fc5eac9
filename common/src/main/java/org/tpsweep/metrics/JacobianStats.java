package org.tpsweep.metrics;

/**
 * One row of the jacobians table: [F]'s Jacobian conditions (ALGORITHMS.md §4) of layer {@code layer} (2..L) at
 * epoch {@code epoch} (0 = before the first training epoch): the mean and the population standard deviation over
 * the {@code n} evaluation minibatches of tr(M) and of the share of M's eigenvalues with real part &gt; 0, where
 * M = J_f J_g at sample 0 of each minibatch. NaN where M was not finite.
 */
public record JacobianStats(int epoch, int layer, double traceMean, double traceStd, double positiveShareMean,
                            double positiveShareStd, int n) implements java.io.Serializable {
}
