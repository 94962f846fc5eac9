package org.tpsweep.data;

import java.util.SplittableRandom;

/**
 * Minibatch order within an epoch (ALGORITHMS.md §1 Minibatches): the samples are reshuffled every epoch and the
 * last, partial batch is kept.
 */
public final class MinibatchOrder {
    private MinibatchOrder() {
    }

    /** A fresh random permutation of 0..n−1 (Fisher–Yates); call once per epoch with the run's generator. */
    public static int[] shuffled(int n, SplittableRandom rng) {
        return Permutation.random(n, rng);
    }

    /** ⌈n / batchSize⌉: the number of batches, the last one partial when batchSize does not divide n. */
    public static int numBatches(int n, int batchSize) {
        if (n < 0 || batchSize <= 0) {
            throw new IllegalArgumentException("need n >= 0 and batchSize > 0, got n=" + n + ", batchSize=" + batchSize);
        }
        return n / batchSize + (n % batchSize == 0 ? 0 : 1);
    }
}
