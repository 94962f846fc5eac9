package org.tpsweep.train;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.metrics.RuleDiagnostic;

/**
 * What a run has measured up to a checkpoint: when it started, its epoch metrics, alignment angles, Jacobian
 * conditions and rule diagnostics so far, and the resumes it went through (e.g. "after epoch 3", with the code
 * version of the checkpoint when it differed from the resuming code). A resumed run continues these lists, so its
 * result is the one the uninterrupted run would have written, and its message names every resume.
 */
public record TrainingProgress(Instant started, List<EpochMetrics> epochs, List<AngleStats> angles,
                               List<JacobianStats> jacobians, List<RuleDiagnostic> diagnostics,
                               List<String> resumes) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Null resumes (a checkpoint written before they were recorded) read as none. */
    public TrainingProgress {
        epochs = List.copyOf(epochs);
        angles = List.copyOf(angles);
        jacobians = List.copyOf(jacobians);
        diagnostics = List.copyOf(diagnostics);
        resumes = resumes == null ? List.of() : List.copyOf(resumes);
    }
}
