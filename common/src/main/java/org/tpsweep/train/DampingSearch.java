package org.tpsweep.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.tpsweep.data.Batch;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.MinibatchOrder;
import org.tpsweep.data.SampleOrder;
import org.tpsweep.metrics.AngleAccumulator;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.Angles;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.Loss;
import org.tpsweep.nn.LossResult;
import org.tpsweep.nn.StepWorkspace;
import org.tpsweep.rules.LearningRule;

/**
 * [M]'s λ search (ALGORITHMS.md §4): one extra pass over the training set with forward and feedback weights
 * frozen, the rule's targets and updates G_rule recomputed on every minibatch; on every log_interval-th
 * minibatch (default max(1, ⌊#batches/100⌋)) the GNT angle of each hidden layer for every candidate λ; per
 * layer the λ with the smallest mean angle wins (ties → the smaller λ).
 */
final class DampingSearch {
    /** The candidate dampings, ascending. */
    static final double[] CANDIDATES = {0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10};

    /** The chosen λ per hidden layer and the mean angle of every candidate (reference "gnt@λ"). */
    record Outcome(double[] chosen, List<AngleStats> angles) {
        /** "λ1,λ2,…" as the trials table stores it. */
        String chosenText() {
            StringBuilder sb = new StringBuilder();
            for (double v : chosen) {
                sb.append(sb.length() == 0 ? "" : ",").append(v);
            }
            return sb.toString();
        }
    }

    private DampingSearch() {
    }

    static Outcome run(LearningRule rule, LabeledData train, int batchSize, DataType dtype, Loss loss,
                       SampleOrder shuffle, int epoch) {
        DenseNetwork net = rule.network();
        int last = net.numLayers();
        int batches = MinibatchOrder.numBatches(train.n(), batchSize);
        int interval = AlignmentMonitor.defaultInterval(batches);
        int[] order = shuffle.nextPass(train.n());
        AngleAccumulator[] perLambda = new AngleAccumulator[CANDIDATES.length];
        for (int c = 0; c < CANDIDATES.length; c++) {
            perLambda[c] = new AngleAccumulator();
        }
        GntReference gnt = new GntReference(net);
        for (int j = 0; j < batches; j += interval) {
            try (MemoryWorkspace ws = StepWorkspace.open("tp-damping-search")) {
                Batch batch = train.batch(order, j * batchSize, Math.min(train.n(), (j + 1) * batchSize), dtype);
                ForwardPass pass = net.forward(batch.x());
                LossResult r = loss.evaluate(pass.logits(), batch.targets(), true);
                rule.computeFrozenForwardGradients(pass, r.gradient().dup());
                for (int c = 0; c < CANDIDATES.length; c++) {
                    double lambda = CANDIDATES[c];
                    gnt.compute(pass, r.gradient(), i -> lambda);
                    for (int i = 1; i < last; i++) {
                        perLambda[c].add(AngleStats.GNT, i, Angles.degrees(rule.weightGradient(i), gnt.gradient(i)));
                    }
                }
            }
        }
        List<AngleStats> all = new ArrayList<>();
        for (int c = 0; c < CANDIDATES.length; c++) {
            for (AngleStats a : perLambda[c].flush(epoch)) {
                all.add(new AngleStats(a.epoch(), a.layer(), "gnt@" + CANDIDATES[c], a.meanDeg(), a.stdDeg(), a.n()));
            }
        }
        return new Outcome(choose(all, last - 1), all);
    }

    /**
     * Per hidden layer 1..{@code hiddenLayers}, the λ of the row "gnt@λ" with the smallest mean angle; rows come in
     * ascending λ, and a tie keeps the smaller λ.
     */
    static double[] choose(List<AngleStats> rows, int hiddenLayers) {
        double[] chosen = new double[hiddenLayers];
        double[] best = new double[hiddenLayers];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (AngleStats a : rows) {
            if (a.meanDeg() < best[a.layer() - 1]) {            // strict: ties keep the smaller λ
                best[a.layer() - 1] = a.meanDeg();
                chosen[a.layer() - 1] = Double.parseDouble(a.reference().substring("gnt@".length()));
            }
        }
        return chosen;
    }
}
