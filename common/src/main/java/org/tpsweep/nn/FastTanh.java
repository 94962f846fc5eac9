package org.tpsweep.nn;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * In-place tanh of an ND4J array. Uses the JDK Vector API ({@code jdk.incubator.vector}) on the array's own
 * native buffer when that module is present — ND4J's element-wise tanh is unvectorised and costs about as
 * much as half a gemm of the same layer (shared/STACK.md) — and falls back to ND4J's tanh otherwise.
 */
public final class FastTanh {

    private static final boolean VECTOR_API = detectVectorApi();

    private FastTanh() {
    }

    /** True when the Vector API kernel is in use (the JVM was started with {@code --add-modules jdk.incubator.vector}). */
    public static boolean vectorised() {
        return VECTOR_API;
    }

    /** x ← tanh(x), in place; returns x. */
    public static INDArray tanhInPlace(INDArray x) {
        if (VECTOR_API && HostBuffers.onHost() && !x.isView() && x.ordering() == 'c' && x.offset() == 0
                && (x.dataType() == DataType.DOUBLE || x.dataType() == DataType.FLOAT)) {
            ByteBuffer bb = HostBuffers.bytes(x);
            int n = (int) x.length();
            if (x.dataType() == DataType.DOUBLE) {
                VectorKernels.tanhDouble(bb, n);
            } else {
                VectorKernels.tanhFloat(bb, n);
            }
            return x;
        }
        return Transforms.tanh(x, false);
    }

    private static boolean detectVectorApi() {
        if (Boolean.getBoolean("tp.noVectorApi")) {
            return false;
        }
        try {
            Class.forName("jdk.incubator.vector.DoubleVector");
            return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
