package org.tpsweep.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;
import org.tpsweep.train.RunStatus;

/**
 * One named {@link LongAccumulator} per {@link RunStatus}, registered on the driver; a task adds 1 to its
 * trial's status. {@link ProgressListener} reads each finished task's updates from the task-end event, so the
 * counts it prints are exact per task (Spark counts a task's accumulator updates once, for its successful
 * attempt).
 */
public final class StatusCounters implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, LongAccumulator> byStatus;

    private StatusCounters(Map<String, LongAccumulator> byStatus) {
        this.byStatus = byStatus;
    }

    /** Registers the accumulators with {@code sc}. */
    public static StatusCounters register(SparkContext sc) {
        Map<String, LongAccumulator> m = new LinkedHashMap<>();
        for (RunStatus s : RunStatus.values()) {
            m.put(s.label(), sc.longAccumulator("tp-sweep trials " + s.label()));
        }
        return new StatusCounters(m);
    }

    /** Counts one trial with status label {@code status} (ignored when it is not a status). */
    public void add(String status) {
        LongAccumulator a = status == null ? null : byStatus.get(status);
        if (a != null) {
            a.add(1);
        }
    }

    /** The status label counted by each accumulator, by accumulator id. */
    public Map<Long, String> statusByAccumulatorId() {
        Map<Long, String> m = new LinkedHashMap<>();
        byStatus.forEach((s, a) -> m.put(a.id(), s));
        return m;
    }

    /** The driver-side totals per status label, in {@link RunStatus} order. */
    public Map<String, Long> totals() {
        Map<String, Long> m = new LinkedHashMap<>();
        byStatus.forEach((s, a) -> m.put(s, a.value()));
        return m;
    }
}
