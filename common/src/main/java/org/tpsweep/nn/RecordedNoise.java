package org.tpsweep.nn;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link NoiseSource} that hands out a fixed sequence of recorded draws, in order, each exactly once: used to
 * replay another implementation's noise step for step. A draw requested with a shape other than the recorded
 * one, or past the end of the recording, is an error naming the recording and the draw.
 */
public final class RecordedNoise implements NoiseSource {
    private final String label;
    private final List<INDArray> draws;
    private int next;

    /**
     * @param label names the recording in error messages (e.g. the fixture file)
     * @param draws the recorded draws in the order they were made (used as they are, not copied)
     */
    public RecordedNoise(String label, List<INDArray> draws) {
        this.label = label;
        this.draws = List.copyOf(draws);
    }

    @Override
    public INDArray fill(INDArray target) {
        if (next >= draws.size()) {
            throw new IllegalStateException(label + ": noise draw " + next + " of shape "
                    + Arrays.toString(target.shape()) + " requested, but only " + draws.size()
                    + " draws were recorded");
        }
        INDArray draw = draws.get(next);
        if (!Arrays.equals(draw.shape(), target.shape())) {
            throw new IllegalStateException(label + ": noise[" + next + "] has shape "
                    + Arrays.toString(draw.shape()) + " but the replay asks for " + Arrays.toString(target.shape()));
        }
        next++;
        return target.assign(draw.dataType() == target.dataType() ? draw : draw.castTo(target.dataType()));
    }

    /** The draws handed out so far. */
    @Override
    public long position() {
        return next;
    }

    /** Skips to draw {@code position} of the recording. */
    @Override
    public void advanceTo(long position) {
        if (position < next || position > draws.size()) {
            throw new IllegalArgumentException(label + ": cannot move from draw " + next + " to " + position + " of "
                    + draws.size());
        }
        next = (int) position;
    }

    /** Draws recorded in total. */
    public int size() {
        return draws.size();
    }

    /** A recording of one array per draw, from flat C-order values and shapes. */
    public static RecordedNoise of(String label, List<double[]> values, List<long[]> shapes) {
        if (values.size() != shapes.size()) {
            throw new IllegalArgumentException(label + ": " + values.size() + " noise value lists but "
                    + shapes.size() + " shapes");
        }
        INDArray[] arrays = new INDArray[values.size()];
        for (int k = 0; k < arrays.length; k++) {
            arrays[k] = Nd4j.createFromArray(values.get(k)).reshape('c', shapes.get(k));
        }
        return new RecordedNoise(label, Arrays.asList(arrays));
    }
}
