package org.tpsweep.train;

import java.util.SplittableRandom;

/**
 * Independent random streams of one run, all derived from its seed in a fixed order: weight initialisation,
 * feedback noise, minibatch shuffling and the validation split. Changing how one stream is consumed never
 * changes the others.
 */
public record RngStreams(long initSeed, long noiseSeed, long shuffleSeed, long splitSeed) {

    /** The streams of run seed {@code seed}. */
    public static RngStreams of(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        return new RngStreams(root.nextLong(), root.nextLong(), root.nextLong(), root.nextLong());
    }
}
