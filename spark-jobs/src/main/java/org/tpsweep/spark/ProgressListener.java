package org.tpsweep.spark;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Prints one progress line per finished trial for the Spark jobs run under job group {@link #JOB_GROUP}:
 * trials done / total, the count per status so far, elapsed time and ETA, e.g.
 * {@code   3/10 trials done (ok 2, diverged 0, stopped 0, failed 1)  12s elapsed  ETA 28s}. The statuses
 * come from the {@link StatusCounters} updates of each task. Runs on the driver's listener bus.
 */
public final class ProgressListener extends SparkListener {
    /** The job group the trial jobs run under. */
    public static final String JOB_GROUP = "tp-sweep-trials";

    private final PrintWriter out;
    private final int total;
    private final Map<Long, String> statusById;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private int done;

    /**
     * @param total      trials this run executes
     * @param statusById the status each accumulator counts ({@link StatusCounters#statusByAccumulatorId()})
     */
    public ProgressListener(PrintWriter out, int total, Map<Long, String> statusById) {
        this.out = out;
        this.total = total;
        this.statusById = Map.copyOf(statusById);
        statusById.values().forEach(s -> counts.put(s, 0L));
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
        String line;
        synchronized (this) {
            scala.collection.Iterator<AccumulableInfo> it = taskEnd.taskInfo().accumulables().iterator();
            while (it.hasNext()) {
                AccumulableInfo a = it.next();
                String status = statusById.get(a.id());
                if (status != null && a.update().isDefined() && a.update().get() instanceof Long n) {
                    counts.merge(status, n, Long::sum);
                }
            }
            done++;
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            String eta = done >= total ? "" : "  ETA " + duration(elapsed / done * (total - done));
            StringJoiner byStatus = new StringJoiner(", ", " (", ")");
            counts.forEach((s, n) -> byStatus.add(s + " " + n));
            line = String.format("  %d/%d trials done%s  %s elapsed%s", done, total, byStatus, duration(elapsed), eta);
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /**
     * Waits up to {@code millis} for the listener bus to deliver the end of every trial, so that all progress
     * lines are out before the caller prints more (events arrive asynchronously).
     */
    public void awaitAll(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (done >= total) {
                    return;
                }
            }
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
