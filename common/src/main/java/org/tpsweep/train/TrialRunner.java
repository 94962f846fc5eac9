package org.tpsweep.train;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.PixelNormalisation;
import org.tpsweep.data.TrainTestData;

/**
 * Runs one trial to completion. An error of the trial itself becomes status {@code failed} with
 * "ExceptionClass: message", recorded at once; a failure of the infrastructure (out of memory, I/O, ND4J's
 * native runtime) is thrown as {@link InfrastructureFailure}, so that the sweep engine retries the trial.
 * Datasets are loaded once per JVM ({@link DatasetCache}).
 */
public final class TrialRunner {
    private TrialRunner() {
    }

    /** Trains {@code config} on the dataset found under {@code dataDir}, reporting each epoch to {@code listener}. */
    public static TrainResult run(RunConfig config, Path dataDir, EpochListener listener) {
        return run(config, dataDir, listener, Checkpointing.NONE);
    }

    /**
     * Trains {@code config} on the dataset found under {@code dataDir}, reporting each epoch to {@code listener},
     * resuming from and saving checkpoints as {@code checkpointing} says.
     */
    public static TrainResult run(RunConfig config, Path dataDir, EpochListener listener,
                                  Checkpointing checkpointing) {
        return guarded(() -> {
            TrainTestData data = DatasetCache.get(config.dataset(), dataDir, PixelNormalisation.of(config));
            return new Trainer(config, data).train(listener, checkpointing);
        });
    }

    /**
     * Runs {@code trial}, sorting what it throws: infrastructure failures are rethrown as
     * {@link InfrastructureFailure}, every other exception becomes a {@code failed} result.
     */
    public static TrainResult guarded(Supplier<TrainResult> trial) {
        Instant started = Instant.now();
        try {
            return trial.get();
        } catch (RuntimeException | OutOfMemoryError e) {
            if (InfrastructureFailure.isInfrastructure(e)) {
                throw e instanceof InfrastructureFailure f ? f : new InfrastructureFailure(e);
            }
            return failed(InfrastructureFailure.describe(e), started);
        }
    }

    /** A {@code failed} result with {@code message}, started at {@code started}. */
    public static TrainResult failed(String message, Instant started) {
        return new TrainResult(RunStatus.FAILED, message, List.of(), 0, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, started, Instant.now(), List.of(), "");
    }
}
