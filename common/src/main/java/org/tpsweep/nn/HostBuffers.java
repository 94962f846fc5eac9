package org.tpsweep.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct Java access to an ND4J array's memory, for the loops and Vector API kernels that replace chains of small
 * ND4J ops. Only the CPU backend keeps an array in host memory alone: on CUDA the buffer's host copy is not the
 * device copy, so a Java write there would be lost and a read could be stale. Every such kernel asks
 * {@link #onHost()} first and keeps its ND4J-op form for the other backends.
 */
public final class HostBuffers {
    private static final boolean ON_HOST = Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu");

    private HostBuffers() {
    }

    /** True when ND4J's arrays live in host memory (the CPU backend), so their buffers may be read and written. */
    public static boolean onHost() {
        return ON_HOST;
    }

    /**
     * The buffer of {@code a} in native byte order: a view of the array's memory, not a copy. Only on the CPU
     * backend ({@link #onHost()}); the caller checks that {@code a} is contiguous from offset 0.
     */
    public static ByteBuffer bytes(INDArray a) {
        if (!ON_HOST) {
            throw new IllegalStateException("direct buffer access needs ND4J's CPU backend, not "
                    + Nd4j.getBackend().getClass().getSimpleName());
        }
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }
}
