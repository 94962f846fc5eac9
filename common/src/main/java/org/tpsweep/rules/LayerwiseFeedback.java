package org.tpsweep.rules;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.tpsweep.nn.BatchStandardize;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.Initializers;
import org.tpsweep.optim.Parameter;

/**
 * dtp's layer-wise feedback ([M], ALGORITHMS.md §3a, dtp / dtp-pretrained / dtp-drl): one trained map per
 * layer i = 2..L, g_i(u) = tanh(Q_i u + c_i) from layer i back to layer i−1 (g_L reads the logits a_L, also
 * with tanh). With one sample per row, g_i is an {@link AffineFeedback} with input n_i and output n_{i-1}:
 * g_i(u) = tanh(u Q_i + c_i), Q_i stored n_i × n_{i-1}, Xavier-normal, c_i = 0.
 *
 * <p>Targets come down from the output with the difference correction (§1),
 * τ_{i-1} = g_i(τ_i) + h_{i-1} − g_i(h_i), written here for the displacements d_i = h_i − τ_i:
 * d_{i-1} = g_i(h_i) − g_i(h_i − d_i), starting from d_L = h_L − τ_L = β ∂ℒ/∂a_L. Every layer, output
 * included, is then trained by its local loss (§1).
 *
 * <p>The clean outputs g_i(h_i) of a forward pass are needed by the targets and by dtp-drl's loss; they are
 * computed once per pass ({@link #cleanOutputs}) and reused until the feedback weights are about to change
 * ({@link #forgetCleanOutputs}, which the rules call whenever they compute feedback gradients, i.e. before
 * every feedback optimiser step).
 */
public final class LayerwiseFeedback {

    /** Feedback maps addressed by layer: {@code apply(i, u)} = g_i(u) as a new array. */
    @FunctionalInterface
    public interface Maps {
        INDArray apply(int i, INDArray u);
    }

    private final AffineFeedback[] maps;
    private final Maps learned;
    private final boolean differenceCorrection;
    private final boolean batchNorm;
    private final List<Parameter> all = new ArrayList<>();
    private ForwardPass cachedPass;
    private INDArray[] cachedClean;

    /**
     * Draws Q_2 … Q_L in layer order from {@code rng} (after the forward weights, by the caller's order).
     *
     * @param widths n_0 … n_L of the forward network
     */
    public LayerwiseFeedback(int[] widths, DataType dtype, Random rng) {
        this(widths, true, Initializers::xavierNormal, true, dtype, rng);
    }

    /** As below, without BN. */
    public LayerwiseFeedback(int[] widths, boolean bias, Initializers.Init init, boolean differenceCorrection,
                             DataType dtype, Random rng) {
        this(widths, bias, init, differenceCorrection, false, dtype, rng);
    }

    /**
     * Draws Q_2 … Q_L in layer order with {@code init} (n_i × n_{i-1} each) from {@code rng}; biases c_i = 0 when
     * {@code bias}, none otherwise ([F], ALGORITHMS.md §1b). Without {@code differenceCorrection} the targets are
     * plain target propagation's, τ_{i-1} = g_i(τ_i) (tp, §3b). With {@code batchNorm} ([F]'s -bn forms) every
     * g_i is BN∘tanh and the difference-corrected target goes through BN too:
     * τ_{i-1} = BN(g_i(τ_i) + h_{i-1} − g_i(h_i)).
     */
    public LayerwiseFeedback(int[] widths, boolean bias, Initializers.Init init, boolean differenceCorrection,
                             boolean batchNorm, DataType dtype, Random rng) {
        this.differenceCorrection = differenceCorrection;
        this.batchNorm = batchNorm;
        int layers = widths.length - 1;
        maps = new AffineFeedback[layers + 1];
        for (int i = 2; i <= layers; i++) {
            maps[i] = new AffineFeedback("Q" + i, init.draw(widths[i], widths[i - 1], dtype, rng), bias, true,
                    batchNorm);
            all.addAll(maps[i].parameters());
        }
        learned = (i, u) -> maps[i].apply(u);
    }

    /** L, the number of forward layers. */
    public int numLayers() {
        return maps.length - 1;
    }

    /** The learned maps as {@link Maps}. */
    public Maps maps() {
        return learned;
    }

    /** g_i, i = 2..L. */
    public AffineFeedback map(int i) {
        return maps[i];
    }

    /** Every feedback parameter, layer by layer from i = 2: Q_i then c_i. */
    public List<Parameter> parameters() {
        return List.copyOf(all);
    }

    /**
     * g_i(h_i) for i = 2..L (index i; entries 0 and 1 are null) with h_L = a_L, computed with the current
     * feedback weights. Repeated calls with the same pass return the same arrays until
     * {@link #forgetCleanOutputs}; callers must not modify them.
     */
    public INDArray[] cleanOutputs(ForwardPass pass) {
        if (pass != cachedPass) {
            INDArray[] clean = new INDArray[maps.length];
            for (int i = 2; i < maps.length; i++) {
                clean[i] = maps[i].apply(pass.h(i));
            }
            cachedClean = clean;
            cachedPass = pass;
        }
        return cachedClean;
    }

    /** Drops the clean outputs kept by {@link #cleanOutputs} (call before the feedback weights change). */
    public void forgetCleanOutputs() {
        cachedPass = null;
        cachedClean = null;
    }

    /**
     * The difference-corrected targets from an output displacement, turned into local forward gradients of
     * every layer: d_L = {@code outputDisplacement} (consumed), d_{i-1} = g_i(h_i) − g_i(h_i − d_i) (without the
     * difference correction: d_{i-1} = h_{i-1} − g_i(h_i − d_i)), then
     * {@link LocalUpdate#apply} on each layer (hidden layers tanh, the output linear).
     */
    public void localUpdates(ForwardPass pass, INDArray outputDisplacement, ForwardGradients grads) {
        INDArray[] clean = differenceCorrection ? cleanOutputs(pass) : null;
        int last = numLayers();
        INDArray d = outputDisplacement;
        for (int i = last; i >= 1; i--) {
            INDArray lower = i < 2 ? null : lower(pass, i, d, clean);
            LocalUpdate.apply(pass, i, d, i < last, grads.weight(i), grads.bias(i));   // consumes d
            d = lower;
        }
    }

    /** d_{i-1} = h_{i-1} − τ_{i-1} from d_i, for this feedback's target form (difference, plain, with BN). */
    private INDArray lower(ForwardPass pass, int i, INDArray d, INDArray[] clean) {
        if (!differenceCorrection) {
            return learned.apply(i, pass.h(i).sub(d)).rsubi(pass.h(i - 1));              // h_{i-1} − g_i(τ_i)
        }
        if (!batchNorm) {
            return lowerDisplacement(learned, i, pass.h(i), d, clean[i]);
        }
        INDArray corrected = learned.apply(i, pass.h(i).sub(d)).addi(pass.h(i - 1)).subi(clean[i]);
        return BatchStandardize.forward(corrected).output().rsub(pass.h(i - 1));       // h − BN(g(τ) + h − g(h))
    }

    /**
     * All displacements d_i = h_i − τ_i, i = 1..L (index i; entry 0 null), from d_L = {@code outputDisplacement}
     * (kept as entry L, not modified) through {@code g}, with {@code clean[i]} = g_i(h_i). The recursion of
     * {@link #localUpdates}, exposed for any maps g (tests use exact inverses).
     */
    public static INDArray[] displacements(ForwardPass pass, INDArray outputDisplacement, Maps g,
                                           INDArray[] clean) {
        int last = pass.numLayers();
        INDArray[] d = new INDArray[last + 1];
        d[last] = outputDisplacement;
        for (int i = last; i >= 2; i--) {
            d[i - 1] = lowerDisplacement(g, i, pass.h(i), d[i], clean[i]);
        }
        return d;
    }

    /**
     * h_{i-1} − τ_{i-1} = g_i(h_i) − g_i(τ_i) with τ_i = h_i − d_i (difference correction), a new array;
     * {@code d} is not modified.
     */
    public static INDArray lowerDisplacement(Maps g, int i, INDArray h, INDArray d, INDArray cleanOutput) {
        INDArray gTarget = g.apply(i, h.sub(d));                 // g_i(τ_i), a new array
        return gTarget.rsubi(cleanOutput);                       // g_i(h_i) − g_i(τ_i)
    }
}
