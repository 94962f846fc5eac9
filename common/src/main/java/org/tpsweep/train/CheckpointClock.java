package org.tpsweep.train;

/**
 * When a run's next checkpoint is due: {@link Checkpointing#minInterval()} after the run's start in this JVM or
 * its last save; never without a store.
 */
final class CheckpointClock {
    private final Checkpointing cp;
    private long last = System.nanoTime();

    CheckpointClock(Checkpointing cp) {
        this.cp = cp;
    }

    /** True when a checkpoint should be written now. */
    boolean due() {
        return cp.enabled() && System.nanoTime() - last >= cp.minInterval().toNanos();
    }

    /** Records a save now. */
    void saved() {
        last = System.nanoTime();
    }
}
