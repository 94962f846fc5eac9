package org.tpsweep.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels on native buffers. Loaded only when {@link FastTanh#vectorised()} is true, so JVMs
 * without the incubator module never touch this class.
 */
final class VectorKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorKernels() {
    }

    static void tanhDouble(ByteBuffer bb, int n) {
        int step = D.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            int off = i * Double.BYTES;
            DoubleVector.fromByteBuffer(D, bb, off, ORDER).lanewise(VectorOperators.TANH).intoByteBuffer(bb, off, ORDER);
        }
        for (; i < n; i++) {
            int off = i * Double.BYTES;
            bb.putDouble(off, Math.tanh(bb.getDouble(off)));
        }
    }

    static void tanhFloat(ByteBuffer bb, int n) {
        int step = F.length();
        int i = 0;
        for (; i <= n - step; i += step) {
            int off = i * Float.BYTES;
            FloatVector.fromByteBuffer(F, bb, off, ORDER).lanewise(VectorOperators.TANH).intoByteBuffer(bb, off, ORDER);
        }
        for (; i < n; i++) {
            int off = i * Float.BYTES;
            bb.putFloat(off, (float) Math.tanh(bb.getFloat(off)));
        }
    }
}
