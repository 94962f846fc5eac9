package org.tpsweep.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.tpsweep.data.Batch;
import org.tpsweep.data.LabeledData;
import org.tpsweep.nn.StepWorkspace;

/**
 * An evaluation set cut in order into minibatches of one size (the last may be shorter), as the evaluation, the
 * Jacobian conditions and dtp-iterative's contraction record read it: each minibatch is visited inside its own
 * workspace scope.
 */
final class EvaluationBatches {
    /** What is done with one minibatch. */
    interface Visitor {
        /** Visits minibatch {@code index} (0-based). */
        void visit(int index, Batch batch);
    }

    private EvaluationBatches() {
    }

    /** The number of minibatches of {@code batchSize} that {@code data} is cut into. */
    static int count(LabeledData data, int batchSize) {
        return (data.n() + batchSize - 1) / batchSize;
    }

    /** Visits every minibatch of {@code data} in order, as {@code dtype} arrays in the workspace {@code workspace}. */
    static void forEach(LabeledData data, int batchSize, DataType dtype, String workspace, Visitor visitor) {
        int[] order = new int[data.n()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        for (int b = 0, from = 0; from < data.n(); b++, from += batchSize) {
            try (MemoryWorkspace ws = StepWorkspace.open(workspace)) {
                visitor.visit(b, data.batch(order, from, Math.min(data.n(), from + batchSize), dtype));
            }
        }
    }
}
