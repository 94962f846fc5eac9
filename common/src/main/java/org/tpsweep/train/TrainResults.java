package org.tpsweep.train;

import java.time.Instant;
import java.util.List;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.metrics.RuleDiagnostic;

/**
 * Summarises a run's epochs into a {@link TrainResult}: best epoch = first argmin of validation error (ALGORITHMS.md
 * §4), or the last epoch when the run has no validation set.
 */
final class TrainResults {
    private TrainResults() {
    }

    static TrainResult of(RunStatus status, String message, List<EpochMetrics> epochs, List<AngleStats> angles,
                          String selectedDamping, Instant started, List<JacobianStats> jacobians) {
        return of(status, message, epochs, angles, selectedDamping, started, jacobians, List.of());
    }

    static TrainResult of(RunStatus status, String message, List<EpochMetrics> epochs, List<AngleStats> angles,
                          String selectedDamping, Instant started, List<JacobianStats> jacobians,
                          List<RuleDiagnostic> diagnostics) {
        int best = 0;
        double bestVal = Double.NaN;
        double testAtBest = Double.NaN;
        double secondsSum = 0;
        for (EpochMetrics m : epochs) {
            boolean noValidation = Double.isNaN(m.valError());      // no_val_set: the last epoch is reported
            if (best == 0 || noValidation || m.valError() < bestVal) {
                best = m.epoch();
                bestVal = m.valError();
                testAtBest = m.testError();
            }
            secondsSum += m.seconds();
        }
        double finalTrainLoss = epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).trainLoss();
        double secondsPerEpoch = epochs.isEmpty() ? Double.NaN : secondsSum / epochs.size();
        return new TrainResult(status, message, epochs, best, testAtBest, bestVal, finalTrainLoss, secondsPerEpoch,
                started, Instant.now(), angles, selectedDamping, jacobians, diagnostics);
    }
}
