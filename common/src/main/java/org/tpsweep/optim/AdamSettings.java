package org.tpsweep.optim;

/** Settings of one Adam optimiser (ALGORITHMS.md §1): learning rate, β1, β2, ε and coupled L2 weight decay. */
public record AdamSettings(double lr, double beta1, double beta2, double epsilon, double weightDecay) {
}
