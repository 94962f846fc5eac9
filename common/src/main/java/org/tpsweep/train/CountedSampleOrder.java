package org.tpsweep.train;

import org.tpsweep.data.SampleOrder;

/**
 * A {@link SampleOrder} that counts its passes, so that a resumed run can bring a fresh order of the same seed
 * to the same point by drawing and discarding as many passes.
 */
final class CountedSampleOrder implements SampleOrder {
    private final SampleOrder order;
    private long passes;

    CountedSampleOrder(SampleOrder order) {
        this.order = order;
    }

    @Override
    public int[] nextPass(int n) {
        passes++;
        return order.nextPass(n);
    }

    /** Passes made so far. */
    long passes() {
        return passes;
    }

    /** Draws and discards passes over {@code n} samples until {@code target} passes are made. */
    void skipTo(long target, int n) {
        if (target < passes) {
            throw new IllegalArgumentException("sample order at pass " + passes + " cannot go back to " + target);
        }
        while (passes < target) {
            nextPass(n);
        }
    }
}
