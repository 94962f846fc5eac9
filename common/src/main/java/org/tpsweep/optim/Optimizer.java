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
}
