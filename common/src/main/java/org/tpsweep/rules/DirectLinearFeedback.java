package org.tpsweep.rules;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.Initializers;
import org.tpsweep.nn.MatMul;
import org.tpsweep.optim.Parameter;

/**
 * Direct linear feedback from the output to every hidden layer, g_i(a) = Q_i a + c_i ([M]'s DMLPDTP2).
 * With one sample per row Q_i is stored n_L × n_i, so g_i(a) = a Q_i + c_i for a batch a (B × n_L).
 * Q_i is Xavier-normal, c_i = 0; layer L−1 has no c (ALGORITHMS.md §1 Biases). c_i cancels in the
 * difference-corrected targets and in the DRL, so its only gradient is the optimiser's weight decay.
 */
public final class DirectLinearFeedback {
    private final Parameter[] q;
    private final Parameter[] c;
    private final List<Parameter> all = new ArrayList<>();

    /**
     * @param widths n_0 … n_L of the forward network
     */
    public DirectLinearFeedback(int[] widths, DataType dtype, Random rng) {
        int layers = widths.length - 1;
        int out = widths[layers];
        q = new Parameter[layers];
        c = new Parameter[layers];
        for (int i = 1; i < layers; i++) {
            q[i] = Parameter.of("Q" + i, Initializers.xavierNormal(out, widths[i], dtype, rng));
            all.add(q[i]);
            if (i < layers - 1) {
                c[i] = Parameter.of("c" + i, Nd4j.zeros(dtype, 1, widths[i]));
                all.add(c[i]);
            }
        }
    }

    /** Q_i, the live n_L × n_i array (hidden layers i = 1..L−1). */
    public INDArray q(int i) {
        return q[i].value();
    }

    /** Gradient buffer of Q_i. */
    public INDArray qGradient(int i) {
        return q[i].gradient();
    }

    /** Gradient buffer of c_i, or null for layer L−1. */
    public INDArray cGradient(int i) {
        return c[i] == null ? null : c[i].gradient();
    }

    /** h_i − τ_i = −(g_i(τ_L) − g_i(a_L)) = (h_L − τ_L) Q_i, the displacement of hidden layer i (new array). */
    public INDArray propagate(int i, INDArray outputDisplacement) {
        return MatMul.times(outputDisplacement, q[i].value());
    }

    /** Every feedback parameter (Q_i, then c_i where present), layer by layer. */
    public List<Parameter> parameters() {
        return List.copyOf(all);
    }
}
