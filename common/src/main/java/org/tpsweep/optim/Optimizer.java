package org.tpsweep.optim;

/**
 * One optimiser over a fixed list of {@link Parameter}s: each {@link #step()} updates every parameter from its
 * gradient buffer. [M]'s conventions use {@link Adam}, [F]'s plain {@link Sgd} (ALGORITHMS.md §1, §1b).
 */
public interface Optimizer {
    /** One step on every parameter from its current gradient buffer. */
    void step();

    /** Number of steps taken so far. */
    long steps();

    /**
     * The optimiser's own state besides its step count, as live arrays by name (Adam's moments, SGD's momentum
     * buffers), in a fixed order: a checkpoint saves them and assigns them back on resume.
     */
    java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> state();

    /** Sets the step count, so that a resumed run continues the bias corrections where it stopped. */
    void restoreSteps(long steps);

    /** {@code steps} as a step count to restore; refused when negative. */
    static long checkedSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + steps);
        }
        return steps;
    }
}
