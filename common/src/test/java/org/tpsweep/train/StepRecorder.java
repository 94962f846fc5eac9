package org.tpsweep.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.optim.Parameter;

/**
 * Records a trainer's optimiser steps for schedule tests: per step a code phase + batch + optimiser (e.g. "P0E":
 * pre-training, minibatch 0, fEedback; "T2O": training, minibatch 2, fOrward) and the names of the feedback
 * parameters that step changed.
 */
final class StepRecorder {
    final List<String> steps = new ArrayList<>();
    final List<String> moved = new ArrayList<>();
    private final Map<String, INDArray> last = new HashMap<>();
    private Trainer trainer;

    /** Hooks that record into this recorder; call {@link #watch} with the trainer built from them. */
    TrainerHooks hooks() {
        return TrainerHooks.none().withSteps(s -> {
            steps.add(s.phase().name().charAt(0) + "" + s.batch() + s.optimizer().name().charAt(1));
            StringBuilder m = new StringBuilder();
            for (Parameter p : trainer.rule().feedbackParameters()) {
                if (!p.value().equals(last.get(p.name()))) {
                    m.append(p.name());
                }
                last.put(p.name(), copy(p.value()));
            }
            moved.add(m.toString());
        });
    }

    /** Starts watching {@code t}'s feedback parameters (before it trains); returns it. */
    Trainer watch(Trainer t) {
        trainer = t;
        t.rule().feedbackParameters().forEach(p -> last.put(p.name(), copy(p.value())));
        return t;
    }

    /** A copy outside any workspace (a step listener runs inside the trainer's step workspace). */
    static INDArray copy(INDArray a) {
        try (var ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return a.dup();
        }
    }
}
