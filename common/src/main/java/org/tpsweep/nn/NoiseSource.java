package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where the feedback noise ε ~ N(0, I) of a run comes from. Every learning rule draws through this
 * interface, so a run can be given its noise: the seeded {@link GaussianNoise} is the default, and
 * {@link RecordedNoise} replays the draws recorded from another implementation (the lockstep fixtures).
 */
public interface NoiseSource {
    /** Fills {@code target} (float or double) with the next draws, in C order; returns it. */
    INDArray fill(INDArray target);
}
