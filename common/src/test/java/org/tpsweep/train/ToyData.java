package org.tpsweep.train;

import org.tpsweep.data.LabeledData;

/** Small seeded classification sets for trainer tests: standard-normal inputs, labels k mod classes. */
final class ToyData {
    private ToyData() {
    }

    static LabeledData random(int n, int dim, int classes, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) r.nextGaussian();
        }
        for (int k = 0; k < n; k++) {
            y[k] = k % classes;
        }
        return new LabeledData(x, y, n, dim, classes);
    }
}
