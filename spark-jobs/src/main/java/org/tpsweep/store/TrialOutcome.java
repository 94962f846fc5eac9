package org.tpsweep.store;

import java.io.Serializable;
import org.tpsweep.config.RunConfig;
import org.tpsweep.train.TrainResult;

/**
 * One finished trial as a task produces it: the configuration, the trainer's result and where it ran, all
 * plain serialisable data (numbers, strings, lists; never ND4J arrays). It is written to the trial's file
 * under {@code OUT/trials/} by the task itself ({@link TrialStore}); the driver never collects it.
 */
public record TrialOutcome(RunConfig config, TrainResult result, Provenance provenance) implements Serializable {

    /** An outcome whose provenance is {@link Provenance#unknown() unknown} (synthetic outcomes). */
    public TrialOutcome(RunConfig config, TrainResult result) {
        this(config, result, Provenance.unknown());
    }

    public TrialOutcome {
        if (provenance == null) {
            provenance = Provenance.unknown();
        }
    }
}
