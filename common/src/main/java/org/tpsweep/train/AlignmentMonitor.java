package org.tpsweep.train;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.metrics.AngleAccumulator;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.Angles;
import org.tpsweep.metrics.NullSpaceRatio;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.rules.BackpropRule;
import org.tpsweep.rules.LearningRule;

/**
 * Logs the alignment angles of ALGORITHMS.md §4 during the forward-training loop: on every
 * {@code angle_interval}-th minibatch (index j from 0 within the epoch, j mod interval = 0), the angle of the
 * rule's update ∇W_i of every layer with the BP gradient of the same minibatch and forward pass; averaged per
 * epoch. With {@code gnt_damping} = (λ_1 … λ_{L-1}) also, for hidden layers, the angle with the damped GNT
 * update G_GNT = (1/B) Σ_b [2φ'(a_i,b) ⊙ Δh_i,b] h_{i-1,b}ᵀ, Δh_i,b = J_bᵀ(J_b J_bᵀ + λ_i I)⁻¹ ∂ℒ/∂a_L,b.
 * With {@code nullspace_ratio}, also each layer's null-space ratio of ∇W_i (reference {@code nullspace}; a
 * ratio in [0, 1], not degrees). Never in feedback-only epochs. The references are computed before the rule's own gradients (so no rule
 * can have consumed ∂ℒ/∂a_L) and compared after the feedback step, before the forward optimiser step.
 */
final class AlignmentMonitor {
    private final LearningRule rule;
    private final BackpropRule reference;
    private final int interval;
    private final double[] gntDamping;
    private final boolean nullSpace;
    private final GntReference gnt;
    private final AngleAccumulator angles = new AngleAccumulator();

    private AlignmentMonitor(LearningRule rule, int interval, double[] gntDamping, boolean nullSpace) {
        this.rule = rule;
        this.reference = new BackpropRule(rule.network());
        this.interval = interval;
        this.gntDamping = gntDamping;
        this.nullSpace = nullSpace;
        this.gnt = gntDamping.length > 0 ? new GntReference(rule.network()) : null;
    }

    /**
     * The monitor the config asks for, or null when angles are off. Angles are asked for by
     * {@code angle_interval} &gt; 0 (logged on every angle_interval-th minibatch), or without an interval by
     * {@code gnt_damping} or {@code nullspace_ratio} (then on every {@link #defaultInterval}-th).
     *
     * @param batches the forward-training minibatches of an epoch
     */
    static AlignmentMonitor of(RunConfig config, LearningRule rule, int batches) {
        int interval = config.getInt(Methods.ANGLE_INTERVAL);
        double[] gntDamping = config.getDoubleList(Methods.GNT_DAMPING);
        boolean nullSpace = config.getBoolean(Methods.NULLSPACE_RATIO);
        if (interval == 0 && (gntDamping.length > 0 || nullSpace)) {
            interval = defaultInterval(batches);
        }
        return interval == 0 ? null : new AlignmentMonitor(rule, interval, gntDamping, nullSpace);
    }

    /** ALGORITHMS.md §4's default logging interval for {@code batches} minibatches an epoch: max(1, ⌊batches/100⌋). */
    static int defaultInterval(int batches) {
        return Math.max(1, batches / 100);
    }

    /** True when minibatch {@code j} of the epoch is logged. */
    boolean due(int j) {
        return j % interval == 0;
    }

    /** Computes the BP (and GNT) reference gradients on this minibatch's forward pass. */
    void computeReferences(ForwardPass pass, INDArray lossGradient) {
        reference.computeForwardGradients(pass, lossGradient);
        if (gnt != null) {
            gnt.compute(pass, lossGradient, i -> gntDamping[i - 1]);
        }
    }

    /** Logs the angle of each layer's rule gradient with its references (and its null-space ratio). */
    void compare(ForwardPass pass) {
        for (int i = 1; i <= rule.network().numLayers(); i++) {
            INDArray ruleGradient = rule.weightGradient(i);
            angles.add(AngleStats.BP, i, Angles.degrees(ruleGradient, reference.weightGradient(i)));
            if (nullSpace) {
                angles.add(AngleStats.NULLSPACE, i, NullSpaceRatio.of(rule.network(), pass, i, ruleGradient));
            }
            if (gnt != null && i < rule.network().numLayers()) {
                angles.add(AngleStats.GNT, i, Angles.degrees(ruleGradient, gnt.gradient(i)));
            }
        }
    }

    /** This epoch's statistics. */
    List<AngleStats> flush(int epoch) {
        return angles.flush(epoch);
    }
}
