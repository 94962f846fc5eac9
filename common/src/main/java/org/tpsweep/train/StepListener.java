package org.tpsweep.train;

/**
 * Observes every optimiser step of a run, after the step: which phase of the schedule (ALGORITHMS.md §2),
 * which epoch and minibatch, and which optimiser. The lockstep replay compares all parameters here.
 */
@FunctionalInterface
public interface StepListener {

    /** Listens to nothing. */
    StepListener NONE = step -> { };

    /** Called right after an optimiser step. */
    void afterStep(Step step);

    /** The part of the schedule a step belongs to. */
    enum Phase {
        /** Feedback-only pre-training ({@code epochs_fb}). */
        PRETRAIN,
        /** The main loop: per minibatch one feedback step, then one forward step. */
        TRAIN,
        /** A feedback-only epoch after a training epoch ({@code extra_fb_epochs}). */
        FEEDBACK_EPOCH
    }

    /** Which of the two optimisers stepped. */
    enum Optimizer { FEEDBACK, FORWARD }

    /**
     * One step: {@code epoch} is 0 during pre-training and the 1-based training epoch otherwise (a feedback
     * epoch carries the epoch it follows); {@code batch} is the minibatch index within its pass.
     */
    record Step(Phase phase, int epoch, int batch, Optimizer optimizer) {
    }
}
