package org.tpsweep.optim;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stochastic gradient descent as [F] runs it (ALGORITHMS.md §1b): θ ← θ − lr · ∇, no weight decay or schedule.
 * The rules write the gradient of the batch-mean loss, so this is [F]'s θ ← θ − (lr/B) · ∇(batch-sum loss) with B
 * the actual minibatch size. With momentum μ > 0 (l-drl-e's feedback, [E]) it is PyTorch's heavy ball without
 * dampening: v ← ∇ on the first step, v ← μ v + ∇ after, θ ← θ − lr · v.
 */
public final class Sgd implements Optimizer {
    private final double lr;
    private final double momentum;
    private final List<Parameter> params;
    private final List<INDArray> velocity;
    private long t;

    /** Plain SGD, no momentum. */
    public Sgd(double lr, List<Parameter> params) {
        this(lr, 0.0, params);
    }

    /** SGD with heavy-ball momentum μ ∈ [0, 1). */
    public Sgd(double lr, double momentum, List<Parameter> params) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("SGD learning rate must be finite and >= 0, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
        }
        this.lr = lr;
        this.momentum = momentum;
        this.params = List.copyOf(params);
        this.velocity = new ArrayList<>();
        if (momentum > 0) {
            for (Parameter p : this.params) {
                velocity.add(p.value().ulike().assign(0));
            }
        }
    }

    @Override
    public void step() {
        t++;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            INDArray direction = p.gradient();
            if (momentum > 0) {
                INDArray v = velocity.get(k);
                if (t == 1) {
                    v.assign(direction);
                } else {
                    v.muli(momentum).addi(direction);
                }
                direction = v;
            }
            Nd4j.getBlasWrapper().level1().axpy(p.value().length(), -lr, direction, p.value());
        }
    }

    @Override
    public long steps() {
        return t;
    }

    /** The momentum buffers, named {@code velocity.<name>} (none for plain SGD). */
    @Override
    public java.util.Map<String, INDArray> state() {
        java.util.Map<String, INDArray> s = new java.util.LinkedHashMap<>();
        for (int k = 0; k < velocity.size(); k++) {
            s.put("velocity." + params.get(k).name(), velocity.get(k));
        }
        return s;
    }

    @Override
    public void restoreSteps(long steps) {
        t = Optimizer.checkedSteps(steps);
    }

    /** The learning rate. */
    public double lr() {
        return lr;
    }

    /** The momentum μ (0: plain SGD). */
    public double momentum() {
        return momentum;
    }
}
