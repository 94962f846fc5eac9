package org.tpsweep.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sample order of each pass over the training set (one call per epoch, feedback-only epochs included).
 * The default reshuffles with the run's seeded generator ({@link #shuffled}); {@link #recorded} replays the
 * orders recorded from another implementation (the lockstep fixtures).
 */
@FunctionalInterface
public interface SampleOrder {

    /** The order of the next pass: a permutation of 0..n−1. */
    int[] nextPass(int n);

    /** A fresh Fisher–Yates permutation per pass from {@code rng} ({@link MinibatchOrder#shuffled}). */
    static SampleOrder shuffled(SplittableRandom rng) {
        return n -> MinibatchOrder.shuffled(n, rng);
    }

    /**
     * The given orders, one per pass, in turn. A pass past the last recorded one, or a recorded order that is
     * not a permutation of 0..n−1, is an error naming {@code label} and the pass.
     */
    static SampleOrder recorded(String label, List<int[]> passes) {
        List<int[]> copy = passes.stream().map(int[]::clone).toList();
        int[] next = {0};
        return n -> {
            int k = next[0];
            if (k >= copy.size()) {
                throw new IllegalStateException(label + ": pass " + k + " over the data requested, but only "
                        + copy.size() + " orders were recorded");
            }
            int[] order = copy.get(k);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                if (sorted[i] != i) {
                    sorted = null;
                    break;
                }
            }
            if (sorted == null || order.length != n) {
                throw new IllegalStateException(label + ": orders[" + k + "] is not a permutation of 0.." + (n - 1));
            }
            next[0]++;
            return order.clone();
        };
    }
}
