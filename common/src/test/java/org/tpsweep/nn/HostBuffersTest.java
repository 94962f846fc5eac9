package org.tpsweep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class HostBuffersTest {

    @Test
    void onTheCpuBackendTheBufferIsTheArraysMemoryInCOrder() {
        assertTrue(HostBuffers.onHost(), "the tests run on ND4J's CPU backend");
        INDArray a = Nd4j.create(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertEquals(6.0, HostBuffers.bytes(a).asDoubleBuffer().get(5), "read in C order");
        HostBuffers.bytes(a).asDoubleBuffer().put(1, -7.5);
        assertEquals(-7.5, a.getDouble(0, 1), "a write through the view is a write to the array");
        INDArray f = Nd4j.createUninitialized(DataType.FLOAT, 2, 2);
        HostBuffers.bytes(f).asFloatBuffer().put(new float[] {1, 2, 3, 4});
        assertEquals(3f, f.getFloat(1, 0));
    }
}
