package org.tpsweep.train;

import java.time.Instant;
import java.util.List;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.metrics.RuleDiagnostic;

/**
 * The outcome of one training run. {@code testError} is the test error at the best-validation epoch
 * ({@code bestEpoch}, the first epoch with minimal validation error); NaN when no epoch finished.
 * {@code message} explains a {@code diverged} or {@code failed} status (empty when ok). {@code angles} holds the
 * per-epoch alignment-angle statistics when the run logged them (empty otherwise); {@code selectedDamping} the
 * λ per hidden layer chosen by a λ-search run ("λ1,λ2,…"; empty otherwise); {@code jacobians} the per-epoch
 * Jacobian conditions (epoch 0 included) when the run measured them (option {@code jacobians}; empty otherwise);
 * {@code diagnostics} the rule's own per-epoch diagnostics (dtp-iterative's sweeps, residuals and κ_i; empty for
 * other rules).
 */
public record TrainResult(RunStatus status, String message, List<EpochMetrics> epochs, int bestEpoch,
                          double testError, double bestValError, double finalTrainLoss, double secondsPerEpoch,
                          Instant startedAt, Instant finishedAt, List<AngleStats> angles, String selectedDamping,
                          List<JacobianStats> jacobians, List<RuleDiagnostic> diagnostics)
        implements java.io.Serializable {

    public TrainResult {
        epochs = List.copyOf(epochs);
        angles = List.copyOf(angles);
        jacobians = List.copyOf(jacobians);
        diagnostics = List.copyOf(diagnostics);
    }

    /** A result without rule diagnostics. */
    public TrainResult(RunStatus status, String message, List<EpochMetrics> epochs, int bestEpoch, double testError,
                       double bestValError, double finalTrainLoss, double secondsPerEpoch, Instant startedAt,
                       Instant finishedAt, List<AngleStats> angles, String selectedDamping,
                       List<JacobianStats> jacobians) {
        this(status, message, epochs, bestEpoch, testError, bestValError, finalTrainLoss, secondsPerEpoch, startedAt,
                finishedAt, angles, selectedDamping, jacobians, List.of());
    }

    /** A result without Jacobian conditions. */
    public TrainResult(RunStatus status, String message, List<EpochMetrics> epochs, int bestEpoch, double testError,
                       double bestValError, double finalTrainLoss, double secondsPerEpoch, Instant startedAt,
                       Instant finishedAt, List<AngleStats> angles, String selectedDamping) {
        this(status, message, epochs, bestEpoch, testError, bestValError, finalTrainLoss, secondsPerEpoch, startedAt,
                finishedAt, angles, selectedDamping, List.of(), List.of());
    }

    /** The test error of the best epoch in [M]'s batch-averaged metric ({@link Evaluator}); NaN without one. */
    public double testErrorBatchAveraged() {
        for (EpochMetrics m : epochs) {
            if (m.epoch() == bestEpoch) {
                return m.testErrorBatchAveraged();
            }
        }
        return Double.NaN;
    }

    /** Number of epochs that finished. */
    public int epochsCompleted() {
        return epochs.size();
    }
}
