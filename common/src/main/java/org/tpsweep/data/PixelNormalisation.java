package org.tpsweep.data;

import org.tpsweep.config.Datasets;

/**
 * How a pixel byte p (0..255) becomes a network input (ALGORITHMS.md §1 "Data conventions", §1b "Data"); the one
 * place the datasets' normalisations are written. [M]'s convention chooses per dataset ({@link #meulemans}); [F]'s
 * uses {@link #MNIST_STATISTICS} for every dataset, CIFAR channels alike.
 */
public enum PixelNormalisation {
    /** p/255, in [0, 1]: [M]'s Fashion-MNIST. */
    UNIT_RANGE(0.0, 1.0),
    /** (p/255 − 0.1307)/0.3081, MNIST's training mean and standard deviation: [M]'s MNIST, [F]'s every dataset. */
    MNIST_STATISTICS(0.1307, 0.3081),
    /** (p/255 − 0.5)/0.5, in [−1, 1], every channel alike: [M]'s CIFAR-10 (and here CIFAR-100). */
    SYMMETRIC(0.5, 0.5);

    private final double mean;
    private final double std;

    PixelNormalisation(double mean, double std) {
        this.mean = mean;
        this.std = std;
    }

    /** [M]'s normalisation of {@code dataset} (frozen-mnist as mnist). */
    public static PixelNormalisation meulemans(String dataset) {
        return switch (Datasets.files(dataset)) {
            case Datasets.MNIST -> MNIST_STATISTICS;
            case Datasets.CIFAR10, Datasets.CIFAR100 -> SYMMETRIC;
            default -> UNIT_RANGE;
        };
    }

    /**
     * The normalisation a run uses: [M]'s per dataset ({@link #meulemans}), or [F]'s {@link #MNIST_STATISTICS} for
     * every dataset when {@code data_normalization} is f (ALGORITHMS.md §1b).
     */
    public static PixelNormalisation of(org.tpsweep.config.RunConfig config) {
        String key = org.tpsweep.config.Conventions.DATA_NORMALIZATION;
        boolean f = config.has(key) && org.tpsweep.config.Conventions.F.equals(config.getString(key));
        return f ? MNIST_STATISTICS : meulemans(config.dataset());
    }

    /** (p/255 − mean)/std for a pixel byte {@code p} in 0..255, in double. */
    public double apply(int p) {
        if (p < 0 || p > 255) {
            throw new IllegalArgumentException("pixel value " + p + " outside 0..255");
        }
        return (p / 255.0 - mean) / std;
    }

    /** The normalised value of each pixel byte 0..255, computed in double and rounded to float. */
    public float[] table() {
        float[] table = new float[256];
        for (int p = 0; p < 256; p++) {
            table[p] = (float) apply(p);
        }
        return table;
    }
}
