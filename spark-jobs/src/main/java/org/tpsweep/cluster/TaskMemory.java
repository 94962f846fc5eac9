package org.tpsweep.cluster;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.network.util.JavaUtils;
import org.tpsweep.config.ConfigException;

/**
 * The memory of the JVM that runs a sweep's trials and how many trials it runs at once, read from the settings a
 * session would get ({@link SparkSessions#plannedSettings}) without starting Spark: in local mode this JVM's
 * maximum heap and the master's threads; on a cluster {@code spark.executor.memory} (Spark's default 1g) and
 * {@code spark.executor.cores} (1 when not given) ÷ {@code spark.task.cpus}.
 *
 * @param jvmBytes the memory of one JVM running trials
 * @param tasks    the trials it runs at once
 * @param raise    how to give the trials more memory, for messages
 */
public record TaskMemory(long jvmBytes, int tasks, String raise) {

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");

    /** The memory of the trials of a session on {@code master} in this JVM, with the settings it would get. */
    public static TaskMemory planned(String master) {
        String m = master == null ? SparkSessions.DEFAULT_MASTER : master;
        Runtime rt = Runtime.getRuntime();
        return of(m, SparkSessions.plannedSettings(m), rt.maxMemory(), rt.availableProcessors());
    }

    /**
     * The memory of the trials on {@code master} with Spark {@code settings}, this JVM having {@code maxMemory}
     * bytes of heap and {@code processors} processors (pure).
     */
    static TaskMemory of(String master, Map<String, String> settings, long maxMemory, int processors) {
        int taskCpus = SparkSessions.wholeAtLeastOne(settings.getOrDefault("spark.task.cpus", "1"), "spark.task.cpus",
                "a number of CPUs");
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            int threads = local.group(1) == null ? 1 : local.group(1).equals("*") ? processors
                    : Integer.parseInt(local.group(1));
            return new TaskMemory(maxMemory, Math.max(1, threads / taskCpus), "raise the heap (TP_XMX with bin/tp-sweep,"
                    + " --driver-memory with spark-submit) or run fewer trials at once (--master local[N])");
        }
        Matcher localCluster = LOCAL_CLUSTER.matcher(master);
        if (localCluster.matches()) {
            return new TaskMemory(Long.parseLong(localCluster.group(2)) << 20,
                    Math.max(1, Integer.parseInt(localCluster.group(1)) / taskCpus),
                    "raise the executors' memory (the third number of local-cluster[…])");
        }
        String memory = settings.getOrDefault("spark.executor.memory", "1g");
        long bytes;
        try {
            bytes = JavaUtils.byteStringAsMb(memory) << 20;
        } catch (NumberFormatException e) {
            throw new ConfigException("spark.executor.memory = " + memory + " is not a size; allowed: e.g. 4g or 4096m");
        }
        int cores = SparkSessions.wholeAtLeastOne(settings.getOrDefault("spark.executor.cores", "1"),
                "spark.executor.cores", "a number of cores");
        return new TaskMemory(bytes, Math.max(1, cores / taskCpus), "raise spark.executor.memory (now " + memory
                + ") or run fewer trials per executor (spark.executor.cores ÷ spark.task.cpus)");
    }
}
