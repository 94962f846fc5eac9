package org.tpsweep.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Plain stochastic gradient descent as [F] runs it (ALGORITHMS.md §1b): θ ← θ − lr · ∇, no momentum, weight
 * decay or schedule. The rules write the gradient of the batch-mean loss, so this is [F]'s
 * θ ← θ − (lr/B) · ∇(batch-sum loss) with B the actual minibatch size.
 */
public final class Sgd implements Optimizer {
    private final double lr;
    private final List<Parameter> params;
    private long t;

    public Sgd(double lr, List<Parameter> params) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("SGD learning rate must be finite and >= 0, got " + lr);
        }
        this.lr = lr;
        this.params = List.copyOf(params);
    }

    @Override
    public void step() {
        t++;
        for (Parameter p : params) {
            INDArray theta = p.value();
            Nd4j.getBlasWrapper().level1().axpy(theta.length(), -lr, p.gradient(), theta);
        }
    }

    @Override
    public long steps() {
        return t;
    }

    /** The learning rate. */
    public double lr() {
        return lr;
    }
}
