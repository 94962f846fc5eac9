package org.tpsweep.train;

import org.tpsweep.data.SampleOrder;
import org.tpsweep.nn.NoiseSource;

/**
 * What a caller may give the {@link Trainer} in place of its seeded defaults: the feedback noise, the sample
 * order of every pass, and an observer of every optimiser step. A null source means the seeded default of
 * the run ({@link RngStreams}). Used to replay another implementation's run step for step.
 */
public record TrainerHooks(NoiseSource noise, SampleOrder order, StepListener steps) {

    public TrainerHooks {
        steps = steps == null ? StepListener.NONE : steps;
    }

    /** The seeded defaults and no step listener. */
    public static TrainerHooks none() {
        return new TrainerHooks(null, null, StepListener.NONE);
    }

    /** These hooks with the given noise source. */
    public TrainerHooks withNoise(NoiseSource source) {
        return new TrainerHooks(source, order, steps);
    }

    /** These hooks with the given sample order. */
    public TrainerHooks withOrder(SampleOrder source) {
        return new TrainerHooks(noise, source, steps);
    }

    /** These hooks with the given step listener. */
    public TrainerHooks withSteps(StepListener listener) {
        return new TrainerHooks(noise, order, listener);
    }
}
