package org.tpsweep.train;

/** Receives each epoch's metrics as soon as the epoch ends (for progress lines; may be a no-op). */
@FunctionalInterface
public interface EpochListener {
    /** Does nothing. */
    EpochListener NONE = m -> { };

    void onEpoch(EpochMetrics metrics);
}
