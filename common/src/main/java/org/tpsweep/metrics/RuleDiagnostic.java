package org.tpsweep.metrics;

/**
 * One per-epoch diagnostic value of a learning rule (dtp-iterative's, ALGORITHMS.md §3c): {@code name} at
 * {@code epoch} for {@code layer} (0 = the whole network), averaged over the epoch's training samples unless the
 * name says otherwise; NaN where no sample gave a finite value.
 */
public record RuleDiagnostic(int epoch, int layer, String name, double value) implements java.io.Serializable {
}
