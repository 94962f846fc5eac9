package org.tpsweep.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tpsweep.config.ConfigException;

/**
 * The [M] validation split (ALGORITHMS.md §1 Data conventions): a seeded random permutation of the full
 * training set; its first {@code validationSize} samples are the validation set, the rest the training set,
 * optionally cut to its first {@code trainSubset} samples.
 */
public final class DataSplits {
    private DataSplits() {
    }

    /**
     * Splits {@code trainFull} with a Fisher–Yates permutation drawn from {@code new SplittableRandom(seed)}.
     *
     * @param validationSize samples held out for validation, 0 ≤ validationSize < n
     * @param trainSubset    if > 0, keep only this many training samples (the first of the permuted rest);
     *                       0 keeps them all
     */
    public static Split split(LabeledData trainFull, int validationSize, int trainSubset, long seed) {
        return split(trainFull, validationSize, trainSubset, seed, false);
    }

    /**
     * As {@link #split(LabeledData, int, int, long)}, or, with {@code fixedLast}, [F]'s fixed split (ALGORITHMS.md
     * §1b): the last {@code validationSize} samples validate, the others train in file order (cut to the first
     * {@code trainSubset}); no permutation, the seed is unused.
     */
    public static Split split(LabeledData trainFull, int validationSize, int trainSubset, long seed,
                              boolean fixedLast) {
        int n = trainFull.n();
        if (validationSize < 0 || validationSize >= n) {
            throw new ConfigException("validation size " + validationSize + " must be in 0.." + (n - 1)
                    + " for a training set of " + n + " samples");
        }
        int available = n - validationSize;
        if (trainSubset < 0) {
            throw new ConfigException("train subset " + trainSubset + " must be >= 0 (0 = all " + available + ")");
        }
        if (trainSubset > available) {
            throw new ConfigException("train subset " + trainSubset + " exceeds the " + available
                    + " training samples left after holding out " + validationSize + " for validation (maximum "
                    + available + ")");
        }
        if (fixedLast) {
            int trainEnd = trainSubset > 0 ? trainSubset : available;
            return new Split(trainFull.select(range(0, trainEnd)), trainFull.select(range(available, n)));
        }
        int[] perm = Permutation.random(n, new SplittableRandom(seed));
        int trainEnd = trainSubset > 0 ? validationSize + trainSubset : n;
        LabeledData validation = trainFull.select(Arrays.copyOfRange(perm, 0, validationSize));
        LabeledData train = trainFull.select(Arrays.copyOfRange(perm, validationSize, trainEnd));
        return new Split(train, validation);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int k = 0; k < r.length; k++) {
            r[k] = from + k;
        }
        return r;
    }
}
