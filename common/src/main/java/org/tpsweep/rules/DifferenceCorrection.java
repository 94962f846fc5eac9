package org.tpsweep.rules;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The difference correction of Lee et al. 2015 (ALGORITHMS.md §1), used by every DTP variant:
 * τ_{i-1} = g(τ_i) + h_{i-1} − g(h_i), so that a perfect g is not needed for τ = h when the output target
 * equals the output. The same form gives the DRL's reconstruction ĥ = g(ã) + h − g(a).
 */
public final class DifferenceCorrection {
    private DifferenceCorrection() {
    }

    /** g(τ) + h − g(h) as a new array, from the already computed g(τ) and g(h). */
    public static INDArray apply(INDArray gOfTarget, INDArray h, INDArray gOfClean) {
        return gOfTarget.add(h).subi(gOfClean);
    }

    /** h − τ = g(h) − g(τ): the displacement of the lower layer, as a new array. */
    public static INDArray displacement(INDArray gOfClean, INDArray gOfTarget) {
        return gOfClean.sub(gOfTarget);
    }
}
