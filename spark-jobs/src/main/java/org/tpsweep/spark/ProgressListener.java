package org.tpsweep.spark;

import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Prints one progress line per finished trial (trials done / total, elapsed time, ETA) for the Spark jobs
 * run under job group {@link #JOB_GROUP}; runs on the driver's listener bus.
 */
public final class ProgressListener extends SparkListener {
    /** The job group the trial jobs run under. */
    public static final String JOB_GROUP = "tp-sweep-trials";

    private final PrintWriter out;
    private final int total;
    private final long startNanos = System.nanoTime();
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private final AtomicInteger done = new AtomicInteger();

    public ProgressListener(PrintWriter out, int total) {
        this.out = out;
        this.total = total;
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        String group = jobStart.properties() == null ? null : jobStart.properties().getProperty("spark.jobGroup.id");
        if (JOB_GROUP.equals(group)) {
            scala.collection.Iterator<Object> it = jobStart.stageIds().iterator();
            while (it.hasNext()) {
                stages.add((Integer) it.next());
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (!stages.contains(taskEnd.stageId()) || !taskEnd.taskInfo().successful()) {
            return;
        }
        int d = done.incrementAndGet();
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        String eta = d >= total ? "" : "  ETA " + duration(elapsed / d * (total - d));
        synchronized (out) {
            out.printf("  %d/%d trials done  %s elapsed%s%n", d, total, duration(elapsed), eta);
            out.flush();
        }
    }

    /**
     * Waits up to {@code millis} for the listener bus to deliver the end of every trial, so that all progress
     * lines are out before the caller prints more (events arrive asynchronously).
     */
    public void awaitAll(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (done.get() < total && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@code 1h02m}, {@code 3m05s} or {@code 12s}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
