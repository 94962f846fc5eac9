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

    /**
     * Where the source stands, for a checkpoint: a count that {@link #advanceTo} on a fresh source of the same
     * seed or recording takes back to exactly this point; −1 when the source cannot be positioned (a run with
     * such a source writes no checkpoints).
     */
    default long position() {
        return -1;
    }

    /**
     * Moves this source forward to {@code position} (from {@link #position()} of a source built the same way),
     * so that its next draws are the ones that source would have made next.
     *
     * @throws IllegalArgumentException when the source is already past {@code position}
     * @throws UnsupportedOperationException when the source cannot be positioned
     */
    default void advanceTo(long position) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be positioned");
    }
}
