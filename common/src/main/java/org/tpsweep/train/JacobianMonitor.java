package org.tpsweep.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.StatUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.LabeledData;
import org.tpsweep.metrics.JacobianConditions;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.metrics.LapackEigenvalues;
import org.tpsweep.nn.BatchStandardize;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.rules.AffineFeedback;
import org.tpsweep.rules.FwDtpRule;
import org.tpsweep.rules.LayerwiseFeedback;
import org.tpsweep.rules.LayerwiseRule;
import org.tpsweep.rules.LearningRule;

/**
 * [F]'s Jacobian conditions as a per-epoch measurement (option {@code jacobians}; ALGORITHMS.md §4). The
 * evaluation set is cut in order into minibatches of the run's evaluation batch size; for each minibatch, one
 * forward pass (BN layers standardise with that minibatch's statistics), then for every layer i = 2..L (output
 * included) at the minibatch's sample 0: h = the input of layer i from the pass, J_f = ∂f_i/∂h at h,
 * u = f_i(h), J_g = ∂g_i/∂u at u with g_i the rule's layer-wise feedback map without the difference correction
 * (tanh(u Q_i + c_i), BN∘tanh for the -bn forms), M = J_f J_g (n_i × n_i); tr(M) and the share of M's eigenvalues
 * with real part &gt; 0 (strict). Per layer the values are averaged over the minibatches ({@link JacobianStats}:
 * also their population std and the number of minibatches).
 *
 * <p>BN ({@code jacobian_bn_mode}): {@code per-sample-quirk} is [F]'s evaluation, f_i and g_i applied to the one
 * 1-D sample, so that BN standardises across its features (J of {@link BatchStandardize#perSample}), and u is that
 * quirky f_i(h); {@code frozen-batch-stats} holds the minibatch's BN statistics fixed: J_f gets the diagonal factor
 * 1/(s_i + ε) of the layer's batch std, u is the sample's row of the pass's h_i, and J_g the factor 1/(s_g + ε) of
 * the std of tanh(h_i Q_i + c_i) over the same minibatch (the batch g_i standardises). Whether the feedback maps
 * have BN is read from the network (the -bn forms put BN on every hidden layer and every g_i) and checked once
 * against the rule's own maps on the first minibatch.
 *
 * <p>Jacobians and M are computed in float64 whatever the run's precision (h from the pass, the weights cast);
 * the eigenvalues come from LAPACK's dgeev ({@link LapackEigenvalues}), or from Commons Math where LAPACK is not
 * available. The per-sample quirk gives M roundoff-zero eigenvalues (ALGORITHMS.md §4; JacobianConditionsTest),
 * whose signs, and so up to 2/n_i of a share, roundoff decides.
 */
public final class JacobianMonitor {
    private static final String WORKSPACE = "tp-jacobians";

    private final DenseNetwork net;
    private final LayerwiseFeedback feedback;
    private final boolean feedbackBatchNorm;
    private final boolean frozenBatchStats;
    private final LabeledData data;
    private final DataType dtype;
    private final int batchSize;
    private boolean mapsChecked;
    private double lastSeconds = Double.NaN;

    /**
     * A monitor of {@code net} with the feedback maps of {@code feedback}, on {@code data} in evaluation minibatches
     * of {@code batchSize} as {@code dtype} arrays.
     */
    public JacobianMonitor(DenseNetwork net, LayerwiseFeedback feedback, boolean frozenBatchStats, LabeledData data,
                           DataType dtype, int batchSize) {
        if (data.n() == 0) {
            throw new IllegalArgumentException("the Jacobian conditions need an evaluation set; this one is empty");
        }
        if (feedback.numLayers() != net.numLayers()) {
            throw new IllegalArgumentException("feedback for " + feedback.numLayers() + " layers, network of "
                    + net.numLayers());
        }
        this.net = net;
        this.feedback = feedback;
        this.feedbackBatchNorm = net.hasBatchNorm(1);
        this.frozenBatchStats = frozenBatchStats;
        this.data = data;
        this.dtype = dtype;
        this.batchSize = batchSize;
    }

    /**
     * The monitor the config asks for ({@code jacobians: true}), on {@code evaluation} (the validation set, or the
     * test set when the run has none); null when the option is off or the method lacks it.
     *
     * @throws IllegalArgumentException when the rule has no layer-wise feedback
     */
    public static JacobianMonitor of(RunConfig c, LearningRule rule, LabeledData evaluation, DataType dtype,
                                     int evalBatch) {
        if (!c.has(Methods.JACOBIANS) || !c.getBoolean(Methods.JACOBIANS)) {
            return null;
        }
        boolean frozen = c.has(Methods.JACOBIAN_BN_MODE)
                && Methods.FROZEN_BATCH_STATS.equals(c.getString(Methods.JACOBIAN_BN_MODE));
        return new JacobianMonitor(rule.network(), layerwiseFeedback(rule), frozen, evaluation, dtype, evalBatch);
    }

    /** The layer-wise feedback maps of {@code rule} (dtp's family and fw-dtp's). */
    public static LayerwiseFeedback layerwiseFeedback(LearningRule rule) {
        if (rule instanceof LayerwiseRule r) {
            return r.feedback();
        }
        if (rule instanceof FwDtpRule r) {
            return r.feedback();
        }
        throw new IllegalArgumentException("the Jacobian conditions need layer-wise feedback maps g_i; the rule "
                + rule.getClass().getSimpleName() + " has none");
    }

    /** Seconds the last {@link #measure} took (NaN before the first). */
    public double lastSeconds() {
        return lastSeconds;
    }

    /** The conditions of every layer i = 2..L with the current weights, labelled {@code epoch}. */
    public List<JacobianStats> measure(int epoch) {
        long t0 = System.nanoTime();
        int layers = net.numLayers();
        int batches = EvaluationBatches.count(data, batchSize);
        double[][] traces = new double[layers + 1][batches];
        double[][] shares = new double[layers + 1][batches];
        EvaluationBatches.forEach(data, batchSize, dtype, WORKSPACE, (b, batch) -> {
            ForwardPass pass = net.forward(batch.x());
            if (!mapsChecked) {
                checkMaps(pass);
                mapsChecked = true;
            }
            for (int i = 2; i <= layers; i++) {
                JacobianConditions.Values v = JacobianConditions.ofMatrix(product(pass, i));
                traces[i][b] = v.trace();
                shares[i][b] = v.positiveShare();
            }
        });
        List<JacobianStats> out = new ArrayList<>();
        for (int i = 2; i <= layers; i++) {
            out.add(new JacobianStats(epoch, i, StatUtils.mean(traces[i]), std(traces[i]), StatUtils.mean(shares[i]),
                    std(shares[i]), batches));
        }
        lastSeconds = (System.nanoTime() - t0) / 1e9;
        return out;
    }

    /** M = J_f J_g of layer i (2..L) at sample 0 of {@code pass}, n_i × n_i in float64. */
    public INDArray product(ForwardPass pass, int i) {
        return jacobianF(pass, i).mmul(jacobianG(pass, i, sampleOutput(pass, i)));
    }

    /** u = f_i(h) at sample 0: the quirky per-sample f_i, or with frozen statistics the pass's own row of h_i. */
    private INDArray sampleOutput(ForwardPass pass, int i) {
        if (net.hasBatchNorm(i) && !frozenBatchStats) {
            return BatchStandardize.perSample(activation(i, row0(pass.h(i - 1))));
        }
        return row0(pass.h(i));
    }

    /** J_f = [J_BN] diag(φ'(a)) W_iᵀ at h = sample 0's input of layer i, n_i × n_{i-1}. */
    private INDArray jacobianF(ForwardPass pass, int i) {
        INDArray t = activation(i, row0(pass.h(i - 1)));
        INDArray jf = net.weight(i).castTo(DataType.DOUBLE).transpose().dup('c');
        if (net.isHidden(i)) {
            jf.muliColumnVector(column(t.mul(t).rsubi(1.0)));
        }
        if (!net.hasBatchNorm(i)) {
            return jf;
        }
        if (frozenBatchStats) {
            return jf.muliColumnVector(column(pass.norm(i).std().castTo(DataType.DOUBLE).addi(BatchStandardize.EPSILON)
                    .rdivi(1.0)));
        }
        return BatchStandardize.perSampleJacobian(t).mmul(jf);
    }

    /** J_g = [J_BN] diag(1 − tanh²(u Q + c)) Qᵀ at u, n_{i-1} × n_i. */
    private INDArray jacobianG(ForwardPass pass, int i, INDArray u) {
        AffineFeedback g = feedback.map(i);
        INDArray q = g.q().castTo(DataType.DOUBLE);
        INDArray r = feedbackTanh(g, u);
        INDArray jg = q.transpose().dup('c').muliColumnVector(column(r.mul(r).rsubi(1.0)));
        if (!feedbackBatchNorm) {
            return jg;
        }
        if (frozenBatchStats) {
            INDArray batchStd = BatchStandardize.forward(feedbackTanh(g, pass.h(i))).std();
            return jg.muliColumnVector(column(batchStd.addi(BatchStandardize.EPSILON).rdivi(1.0)));
        }
        return BatchStandardize.perSampleJacobian(r).mmul(jg);
    }

    /** tanh(x W_i + b_i) (hidden) or x W_i + b_i (output), before any BN, in float64. */
    private INDArray activation(int i, INDArray x) {
        INDArray a = x.castTo(DataType.DOUBLE).mmul(net.weight(i).castTo(DataType.DOUBLE));
        if (net.bias(i) != null) {
            a.addiRowVector(net.bias(i).castTo(DataType.DOUBLE));
        }
        return net.isHidden(i) ? Transforms.tanh(a, false) : a;
    }

    /** tanh(u Q + c) of map g, before any BN, in float64 (u: one row or a batch). */
    private static INDArray feedbackTanh(AffineFeedback g, INDArray u) {
        INDArray z = u.castTo(DataType.DOUBLE).mmul(g.q().castTo(DataType.DOUBLE));
        if (g.c() != null) {
            z.addiRowVector(g.c().castTo(DataType.DOUBLE));
        }
        return Transforms.tanh(z, false);
    }

    /**
     * Checks, once, that the maps g_i modelled here are the rule's: tanh(h_i Q_i + c_i), with BN over the batch
     * where the network has BN, equals {@code feedback.map(i).apply(h_i)} on the first minibatch.
     */
    private void checkMaps(ForwardPass pass) {
        double tolerance = dtype == DataType.DOUBLE ? 1e-8 : 1e-3;
        for (int i = 2; i <= net.numLayers(); i++) {
            INDArray expected = feedbackTanh(feedback.map(i), pass.h(i));
            if (feedbackBatchNorm) {
                expected = BatchStandardize.forward(expected).output();
            }
            INDArray actual = feedback.map(i).apply(pass.h(i)).castTo(DataType.DOUBLE);
            double scale = 1 + expected.amaxNumber().doubleValue();
            double diff = actual.sub(expected).amaxNumber().doubleValue();
            if (!(diff <= tolerance * scale)) {
                throw new IllegalStateException("Jacobian conditions: the feedback map g_" + i + " of this rule is "
                        + "not tanh(u Q + c)" + (feedbackBatchNorm ? " followed by BN" : "") + " (largest difference "
                        + diff + "); its Jacobian is not modelled");
            }
        }
    }

    private static INDArray row0(INDArray batch) {
        return batch.getRow(0, true).castTo(DataType.DOUBLE).dup('c');
    }

    private static INDArray column(INDArray row) {
        return row.reshape(row.length(), 1);
    }

    /** Population standard deviation (0 for one value), as the angles table's. */
    private static double std(double[] v) {
        return Math.sqrt(StatUtils.populationVariance(v));
    }
}
