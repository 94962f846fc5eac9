package org.tpsweep.optim;

/** Settings of one Adam optimiser (ALGORITHMS.md §1): learning rate, β1, β2, ε and coupled L2 weight decay. */
public record AdamSettings(double lr, double beta1, double beta2, double epsilon, double weightDecay) {
    /** The same settings with learning rate {@code newLr}. */
    public AdamSettings withLr(double newLr) {
        return new AdamSettings(newLr, beta1, beta2, epsilon, weightDecay);
    }
}
