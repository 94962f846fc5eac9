package org.tpsweep.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ConfigException;

/** The memory and the concurrent trials of a JVM, read from the master and the Spark settings. */
class TaskMemoryTest {

    static final long GIB = 1L << 30;

    @Test
    void localModeSharesThisJvmsHeapAmongItsThreads() {
        assertEquals(12, TaskMemory.of("local[*]", Map.of(), 8 * GIB, 12).tasks());
        assertEquals(8 * GIB, TaskMemory.of("local[*]", Map.of(), 8 * GIB, 12).jvmBytes());
        assertEquals(3, TaskMemory.of("local[3]", Map.of(), 8 * GIB, 12).tasks());
        assertEquals(4, TaskMemory.of("local[4,2]", Map.of(), 8 * GIB, 12).tasks());
        assertEquals(1, TaskMemory.of("local", Map.of(), 8 * GIB, 12).tasks());
        assertEquals(6, TaskMemory.of("local[*]", Map.of("spark.task.cpus", "2"), 8 * GIB, 12).tasks());
        assertTrue(TaskMemory.of("local[*]", Map.of(), 8 * GIB, 12).raise().contains("TP_XMX"));
    }

    @Test
    void aClusterUsesTheExecutorsMemoryAndCores() {
        TaskMemory m = TaskMemory.of("spark://h:7077", Map.of("spark.executor.memory", "6g",
                "spark.executor.cores", "4", "spark.task.cpus", "2"), 8 * GIB, 12);
        assertEquals(6 * GIB, m.jvmBytes());
        assertEquals(2, m.tasks());
        assertTrue(m.raise().contains("spark.executor.memory (now 6g)"), m.raise());
        TaskMemory defaults = TaskMemory.of("yarn", Map.of(), 8 * GIB, 12);
        assertEquals(GIB, defaults.jvmBytes());
        assertEquals(1, defaults.tasks());
        assertEquals(512L << 20, TaskMemory.of("yarn", Map.of("spark.executor.memory", "512"), 8 * GIB, 12).jvmBytes());
        assertEquals(3, TaskMemory.of("local-cluster[2, 3, 1024]", Map.of(), 8 * GIB, 12).tasks());
        assertEquals(GIB, TaskMemory.of("local-cluster[2, 3, 1024]", Map.of(), 8 * GIB, 12).jvmBytes());
    }

    @Test
    void badSettingsAreNamed() {
        assertTrue(assertThrows(ConfigException.class, () -> TaskMemory.of("yarn",
                Map.of("spark.executor.memory", "lots"), GIB, 1)).getMessage().contains("spark.executor.memory = lots"));
        assertTrue(assertThrows(ConfigException.class, () -> TaskMemory.of("local[*]",
                Map.of("spark.task.cpus", "0"), GIB, 1)).getMessage()
                .contains("spark.task.cpus 0 is not a number of CPUs; allowed: a whole number ≥ 1"));
    }
}
