package org.tpsweep.train;

import java.time.Duration;

/**
 * Whether and how often a run saves its state between epochs so that an interrupted trial resumes where it
 * stopped: the trial's {@link CheckpointStore}, the least time between two checkpoints (an epoch's end writes
 * one when at least this long has passed since the run's start or its last checkpoint; zero: after every epoch),
 * and the code version written into each checkpoint (null when unknown).
 */
public record Checkpointing(CheckpointStore store, Duration minInterval, String codeVersion) {

    /** No checkpoints: the run neither resumes nor saves. */
    public static final Checkpointing NONE = new Checkpointing(null, Duration.ZERO, null);

    public Checkpointing {
        if (minInterval == null || minInterval.isNegative()) {
            throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + minInterval);
        }
    }

    /** True when a store is given. */
    public boolean enabled() {
        return store != null;
    }
}
