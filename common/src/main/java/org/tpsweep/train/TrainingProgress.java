package org.tpsweep.train;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.metrics.RuleDiagnostic;

/**
 * What a run has measured up to a checkpoint: when it started, its epoch metrics, alignment angles, Jacobian
 * conditions and rule diagnostics so far. A resumed run continues these lists, so its result is the one the
 * uninterrupted run would have written.
 */
public record TrainingProgress(Instant started, List<EpochMetrics> epochs, List<AngleStats> angles,
                               List<JacobianStats> jacobians, List<RuleDiagnostic> diagnostics)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public TrainingProgress {
        epochs = List.copyOf(epochs);
        angles = List.copyOf(angles);
        jacobians = List.copyOf(jacobians);
        diagnostics = List.copyOf(diagnostics);
    }
}
