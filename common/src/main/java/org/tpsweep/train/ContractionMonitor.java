package org.tpsweep.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.tpsweep.config.IterativeKeys;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.LabeledData;
import org.tpsweep.metrics.RuleDiagnostic;
import org.tpsweep.metrics.SpectralMeasures;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.rules.DtpIterativeRule;
import org.tpsweep.rules.LearningRule;

/**
 * dtp-iterative's optional contraction record (ALGORITHMS.md §3c "Record", option {@code contraction_diagnostics}):
 * the evaluation set is cut in order into minibatches of the run's evaluation batch size; at the first sample of
 * each, for every layer i = 2..L, the spectral radius ρ and the spectral norm ‖·‖₂ of the layer's sweep Jacobian
 * ({@link DtpIterativeRule#sweepJacobian}: I − J_g J_f, or I − J_f J_g for eq. 27) with the current weights and
 * decoders. Per layer it reports the means over the minibatches ({@value #RADIUS}, {@value #NORM}) and the share of
 * them with ‖·‖₂ &lt; 1, where a sweep contracts at every step ({@value #CONTRACTING_SHARE}); samples with a
 * non-finite Jacobian are left out (NaN where none is finite). On a layer with n_{i-1} &gt; n_i, I − J_g J_f has an
 * eigenvalue 1, so ρ ≥ 1 there whatever the decoders.
 */
public final class ContractionMonitor {
    /** Mean spectral radius of the sweep Jacobian. */
    public static final String RADIUS = "contraction_radius";
    /** Mean spectral norm of the sweep Jacobian. */
    public static final String NORM = "contraction_norm";
    /** Share of the measured samples whose sweep Jacobian has ‖·‖₂ &lt; 1. */
    public static final String CONTRACTING_SHARE = "contracting_share";
    private static final String WORKSPACE = "tp-contraction";

    private final DtpIterativeRule rule;
    private final LabeledData data;
    private final DataType dtype;
    private final int batchSize;

    /** A monitor of {@code rule} on {@code data} in evaluation minibatches of {@code batchSize}. */
    public ContractionMonitor(DtpIterativeRule rule, LabeledData data, DataType dtype, int batchSize) {
        if (data.n() == 0) {
            throw new IllegalArgumentException("the contraction record needs an evaluation set; this one is empty");
        }
        this.rule = rule;
        this.data = data;
        this.dtype = dtype;
        this.batchSize = batchSize;
    }

    /** The monitor for a dtp-iterative run with {@code contraction_diagnostics} on; null otherwise. */
    public static ContractionMonitor of(RunConfig c, LearningRule rule, LabeledData evaluation, DataType dtype,
                                        int evalBatch) {
        if (!(rule instanceof DtpIterativeRule r) || !c.has(IterativeKeys.CONTRACTION)
                || !c.getBoolean(IterativeKeys.CONTRACTION) || evaluation.n() == 0) {
            return null;
        }
        return new ContractionMonitor(r, evaluation, dtype, evalBatch);
    }

    /** The record of every layer i = 2..L with the current weights and decoders, labelled {@code epoch}. */
    public List<RuleDiagnostic> measure(int epoch) {
        int layers = rule.network().numLayers();
        double[] radius = new double[layers + 1];
        double[] norm = new double[layers + 1];
        int[] contracting = new int[layers + 1];
        int[] finite = new int[layers + 1];
        EvaluationBatches.forEach(data, batchSize, dtype, WORKSPACE, (b, batch) -> {
            ForwardPass pass = rule.network().forward(batch.x());
            for (int i = 2; i <= layers; i++) {
                SpectralMeasures.Values v = SpectralMeasures.of(rule.sweepJacobian(pass, 0, i));
                if (Double.isFinite(v.radius()) && Double.isFinite(v.norm())) {
                    finite[i]++;
                    radius[i] += v.radius();
                    norm[i] += v.norm();
                    contracting[i] += v.norm() < 1 ? 1 : 0;
                }
            }
        });
        List<RuleDiagnostic> out = new ArrayList<>();
        for (int i = 2; i <= layers; i++) {
            double n = finite[i];
            out.add(new RuleDiagnostic(epoch, i, RADIUS, n == 0 ? Double.NaN : radius[i] / n));
            out.add(new RuleDiagnostic(epoch, i, NORM, n == 0 ? Double.NaN : norm[i] / n));
            out.add(new RuleDiagnostic(epoch, i, CONTRACTING_SHARE, n == 0 ? Double.NaN : contracting[i] / n));
        }
        return out;
    }
}
