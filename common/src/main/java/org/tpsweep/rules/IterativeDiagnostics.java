package org.tpsweep.rules;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tpsweep.metrics.RuleDiagnostic;

/**
 * dtp-iterative's per-epoch record (ALGORITHMS.md §3c), over the epoch's training samples: sweeps per sample (mean,
 * max), the share stopped by T_max, the share restored by the guard, ‖Δτ_1‖/‖τ_L − a_L‖ at stop, per layer i = 2..L
 * the relative inversion residual ‖f_i(τ_{i-1}) − τ_i‖/‖τ_i − a_i‖ (0 = exact inverse) and per layer i = 1..L the
 * mean κ_i. Means skip non-finite per-sample values (a sample with τ_i = a_i has no relative residual).
 */
final class IterativeDiagnostics {
    static final String SWEEPS_MEAN = "sweeps_mean";
    static final String SWEEPS_MAX = "sweeps_max";
    static final String TMAX_SHARE = "tmax_share";
    static final String RESTORED_SHARE = "guard_restored_share";
    static final String STOP_RATIO = "stop_ratio";
    static final String INVERSION_RESIDUAL = "inversion_residual";
    static final String KAPPA_MEAN = "kappa_mean";

    private final int layers;
    private long samples;
    private double sweeps;
    private double sweepsMax;
    private double atTmax;
    private double restored;
    private final Mean stopRatio = new Mean();
    private final Mean[] residual;
    private final Mean[] kappa;

    IterativeDiagnostics(int layers) {
        this.layers = layers;
        this.residual = new Mean[layers + 1];
        this.kappa = new Mean[layers + 1];
        for (int i = 1; i <= layers; i++) {
            residual[i] = new Mean();
            kappa[i] = new Mean();
        }
    }

    /** Adds one minibatch. */
    void add(IterativeLayers maps, INDArray[] a, IterativeTargets.Result r, INDArray[] k) {
        samples += r.sweeps().rows();
        sweeps += r.sweeps().sumNumber().doubleValue();
        sweepsMax = Math.max(sweepsMax, r.sweeps().maxNumber().doubleValue());
        atTmax += r.atTmax().sumNumber().doubleValue();
        restored += r.restored().sumNumber().doubleValue();
        stopRatio.add(r.stopRatio());
        INDArray[] tau = r.tau();
        for (int i = 2; i <= layers; i++) {
            INDArray num = maps.f(i, tau[i - 1]).subi(tau[i]).norm2(true, 1);
            residual[i].add(num.divi(tau[i].sub(a[i]).norm2(true, 1)));
        }
        for (int i = 1; i <= layers; i++) {
            kappa[i].add(k[i]);
        }
    }

    /** This epoch's values, then a fresh start. */
    List<RuleDiagnostic> flush(int epoch) {
        List<RuleDiagnostic> out = new ArrayList<>();
        if (samples == 0) {
            return out;
        }
        out.add(new RuleDiagnostic(epoch, 0, SWEEPS_MEAN, sweeps / samples));
        out.add(new RuleDiagnostic(epoch, 0, SWEEPS_MAX, sweepsMax));
        out.add(new RuleDiagnostic(epoch, 0, TMAX_SHARE, atTmax / samples));
        out.add(new RuleDiagnostic(epoch, 0, RESTORED_SHARE, restored / samples));
        out.add(new RuleDiagnostic(epoch, 0, STOP_RATIO, stopRatio.value()));
        for (int i = 2; i <= layers; i++) {
            out.add(new RuleDiagnostic(epoch, i, INVERSION_RESIDUAL, residual[i].value()));
        }
        for (int i = 1; i <= layers; i++) {
            out.add(new RuleDiagnostic(epoch, i, KAPPA_MEAN, kappa[i].value()));
        }
        samples = 0;
        sweeps = 0;
        sweepsMax = 0;
        atTmax = 0;
        restored = 0;
        stopRatio.reset();
        for (int i = 1; i <= layers; i++) {
            residual[i].reset();
            kappa[i].reset();
        }
        return out;
    }

    /** A mean over the finite entries of B × 1 columns. */
    private static final class Mean {
        private double sum;
        private long n;

        void add(INDArray column) {
            INDArray ok = FixedPointIteration.finite(column);
            n += (long) ok.sumNumber().doubleValue();
            INDArray safe = column.dup();
            FixedPointIteration.blendRows(safe, ok.ulike().assign(0), ok.rsub(1.0));
            sum += safe.sumNumber().doubleValue();
        }

        double value() {
            return n == 0 ? Double.NaN : sum / n;
        }

        void reset() {
            sum = 0;
            n = 0;
        }
    }
}
