package org.tpsweep.metrics;

/**
 * One row of the angles table: the alignment angles of layer {@code layer}'s weight update with a reference
 * update ({@code bp} or {@code gnt}) over the logged minibatches of one epoch: mean and (population) standard
 * deviation in degrees, and how many minibatches were logged.
 */
public record AngleStats(int epoch, int layer, String reference, double meanDeg, double stdDeg, int n)
        implements java.io.Serializable {
    /** Reference: the BP gradient of the batch-mean loss. */
    public static final String BP = "bp";
    /** Reference: the damped Gauss-Newton-target update. */
    public static final String GNT = "gnt";
    /** Not an angle: the null-space ratio ‖P_null(J_W) ΔW‖/‖ΔW‖ in [0, 1] (the mean/std columns hold ratios). */
    public static final String NULLSPACE = "nullspace";
}
