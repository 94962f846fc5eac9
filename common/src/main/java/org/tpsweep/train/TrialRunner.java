package org.tpsweep.train;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.PixelNormalisation;
import org.tpsweep.data.TrainTestData;

/**
 * Runs one trial to completion and never throws for a failure of the trainer: a deterministic exception
 * becomes status {@code failed} with "ExceptionClass: message", so a sweep records it instead of letting
 * Spark retry it. Datasets are loaded once per JVM ({@link DatasetCache}).
 */
public final class TrialRunner {
    private TrialRunner() {
    }

    /** Trains {@code config} on the dataset found under {@code dataDir}, reporting each epoch to {@code listener}. */
    public static TrainResult run(RunConfig config, Path dataDir, EpochListener listener) {
        Instant started = Instant.now();
        try {
            TrainTestData data = DatasetCache.get(config.dataset(), dataDir, PixelNormalisation.of(config));
            return new Trainer(config, data).train(listener);
        } catch (RuntimeException | OutOfMemoryError e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            return new TrainResult(RunStatus.FAILED, message, List.of(), 0, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, started, Instant.now(), List.of(), "");
        }
    }
}
