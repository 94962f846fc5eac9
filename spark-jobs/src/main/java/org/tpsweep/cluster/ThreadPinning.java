package org.tpsweep.cluster;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pins ND4J's OpenMP threads and the BLAS threads of the current JVM to the CPUs a task may use. Without it
 * every task's OpenMP and OpenBLAS threads spin against each other (shared/STACK.md: 4–5× slower).
 * ND4J's settings are per JVM, so all concurrent tasks of one executor pin the same number.
 */
public final class ThreadPinning {
    /** The number last pinned in this JVM (0: none yet): pinning again to it is skipped (≈ 0.3 ms a call). */
    private static volatile int pinned;

    private ThreadPinning() {
    }

    /** Sets ND4J's maximum OpenMP threads and the BLAS library's threads to {@code threads} (at least 1). */
    public static synchronized void pin(int threads) {
        int n = Math.max(1, threads);
        if (n == pinned) {
            return;
        }
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        pinned = n;
    }

    /** The CPUs of the running Spark task ({@code spark.task.cpus}), or 1 outside a task. */
    public static int taskCpus() {
        TaskContext tc = TaskContext.get();
        return tc == null ? 1 : Math.max(1, tc.cpus());
    }

    /** {@link #pin(int) Pins} to {@link #taskCpus()} and returns that number. */
    public static int pinToTask() {
        int n = taskCpus();
        pin(n);
        return n;
    }
}
