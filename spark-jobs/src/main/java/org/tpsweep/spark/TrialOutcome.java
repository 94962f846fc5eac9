package org.tpsweep.spark;

import java.io.Serializable;
import org.tpsweep.config.RunConfig;
import org.tpsweep.train.TrainResult;

/**
 * What one Spark task sends back to the driver: the trial's configuration and its result, both plain
 * serialisable data (numbers, strings, lists; never ND4J arrays).
 */
public record TrialOutcome(RunConfig config, TrainResult result) implements Serializable {
}
