package org.tpsweep.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.optim.Optimizer;
import org.tpsweep.optim.Parameter;
import org.tpsweep.rules.LearningRule;

/**
 * Every array a run changes while it trains, by name, as live arrays: the forward parameters
 * ({@code forward/W1} …), the feedback parameters ({@code feedback/…}), the rule's own trained arrays
 * ({@code rule/…}) and each optimiser's state ({@code optimizer/<name>/…}), with the optimisers' step counts.
 * What a {@link TrainerCheckpoint} saves, and what a resumed run assigns back.
 */
final class TrainerState {
    private final Map<String, INDArray> arrays = new LinkedHashMap<>();
    private final Map<String, Optimizer> optimizers = new LinkedHashMap<>();

    /** The state of {@code rule} trained by {@code optimizers} (by name; null entries are skipped). */
    TrainerState(LearningRule rule, Map<String, Optimizer> optimizers) {
        for (Parameter p : rule.forwardParameters()) {
            put("forward/" + p.name(), p.value());
        }
        for (Parameter p : rule.feedbackParameters()) {
            put("feedback/" + p.name(), p.value());
        }
        rule.trainedState().forEach((name, a) -> put("rule/" + name, a));
        optimizers.forEach((name, o) -> {
            if (o != null) {
                this.optimizers.put(name, o);
                o.state().forEach((key, a) -> put("optimizer/" + name + "/" + key, a));
            }
        });
    }

    private void put(String name, INDArray live) {
        if (arrays.putIfAbsent(name, live) != null) {
            throw new IllegalStateException("two trained arrays are named " + name);
        }
    }

    /** The live arrays, by name. */
    Map<String, INDArray> arrays() {
        return arrays;
    }

    /** Each optimiser's step count, by name. */
    Map<String, Long> steps() {
        Map<String, Long> steps = new LinkedHashMap<>();
        optimizers.forEach((name, o) -> steps.put(name, o.steps()));
        return steps;
    }

    /**
     * Why {@code c}'s arrays and step counts cannot be assigned to this state (names, dtypes or shapes differ),
     * or null when they can.
     */
    String mismatch(TrainerCheckpoint c) {
        if (!c.arrays().keySet().equals(arrays.keySet())) {
            return "it holds the arrays " + c.arrays().keySet() + ", this run trains " + arrays.keySet();
        }
        if (!c.steps().keySet().equals(optimizers.keySet())) {
            return "it holds the optimisers " + c.steps().keySet() + ", this run has " + optimizers.keySet();
        }
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            INDArray saved = c.arrays().get(e.getKey());
            INDArray live = e.getValue();
            if (saved.dataType() != live.dataType() || !Arrays.equals(saved.shape(), live.shape())) {
                return e.getKey() + " is " + saved.dataType() + Arrays.toString(saved.shape()) + " there, "
                        + live.dataType() + Arrays.toString(live.shape()) + " here";
            }
        }
        return null;
    }

    /** Assigns {@code c}'s arrays and step counts (call only when {@link #mismatch} is null). */
    void restore(TrainerCheckpoint c) {
        String why = mismatch(c);
        if (why != null) {
            throw new IllegalArgumentException("checkpoint does not fit this run: " + why);
        }
        arrays.forEach((name, live) -> live.assign(c.arrays().get(name)));
        optimizers.forEach((name, o) -> o.restoreSteps(c.steps().get(name)));
    }
}
