package org.tpsweep.rules;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.rng.Random;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.NoiseSource;

/** Builds one method's network and learning rule from a run configuration (registered in {@link LearningRules}). */
@FunctionalInterface
public interface RuleFactory {
    /**
     * @param widths n_0 … n_L
     * @param init   stream for every initial weight: forward weights first, then feedback weights
     * @param noise  the run's feedback-noise stream
     */
    LearningRule create(RunConfig config, int[] widths, DataType dtype, Random init, NoiseSource noise);
}
