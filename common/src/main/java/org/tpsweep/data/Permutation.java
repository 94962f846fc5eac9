package org.tpsweep.data;

import java.util.SplittableRandom;

/** Uniform random permutations of 0..n−1 by Fisher–Yates; the one shuffle the data package uses. */
final class Permutation {
    private Permutation() {
    }

    /** A fresh uniformly random permutation of 0..n−1, drawing n−1 numbers from {@code rng}. */
    static int[] random(int n, SplittableRandom rng) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
