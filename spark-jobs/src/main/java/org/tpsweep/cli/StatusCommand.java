package org.tpsweep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.tpsweep.config.ConfigException;
import org.tpsweep.store.SweepProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tp-sweep status OUT}: where the sweep in an output folder stands ({@link SweepProgress}), without Spark
 * and without taking the folder's lock, so it can watch a run in progress: committed trials by status and method,
 * the trials that resume from a checkpoint at the next run (epochs done, last test error, mean training seconds
 * per epoch, when and by which code version it was saved), and how many have not started. A folder that is not a
 * sweep output is one {@code error:} line (exit 2).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show where the sweep in OUT stands: committed trials, trials with a checkpoint (they resume "
                + "at the next run) and trials not started. Reads only files; safe beside a running sweep."})
public final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter SAVED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT", description = "the output folder of a run (any Hadoop file system URI)")
    String out;

    @Override
    public Integer call() {
        SweepProgress p;
        try {
            p = SweepProgress.read(out, new Configuration());
        } catch (IOException e) {
            throw new ConfigException("status " + out + ": " + e.getMessage(), e);
        }
        print(spec.commandLine().getOut(), out, p);
        return 0;
    }

    /** The printed status of {@code p} (the folder named {@code out}). */
    static void print(PrintWriter o, String out, SweepProgress p) {
        int planned = p.sweep().trials();
        o.printf(Locale.ROOT, "sweep %s in %s: %d trials planned (created %s)%n", p.sweep().name(), out,
                planned, p.sweep().createdAt());
        o.printf(Locale.ROOT, "committed: %d of %d%s%n", p.committed().size(), planned, byStatus(p.committed()));
        Map<String, Map<String, Integer>> methods = new TreeMap<>();
        for (SweepProgress.Committed c : p.committed()) {
            methods.computeIfAbsent(c.method(), m -> new TreeMap<>()).merge(c.status(), 1, Integer::sum);
        }
        methods.forEach((m, counts) -> o.printf(Locale.ROOT, "  %s: %s%n", m, counts(counts)));
        List<SweepProgress.Checkpointed> resumable = p.resumable();
        o.printf(Locale.ROOT, "with a checkpoint (running now, or resuming at the next run): %d%n", resumable.size());
        if (!resumable.isEmpty()) {
            o.printf(Locale.ROOT, "  %-16s  %-22s  %-13s  %5s  %-12s  %-15s  %-7s  %-19s  %s%n", "trial", "method",
                    "dataset", "seed", "after epoch", "last test error", "s/epoch", "saved (UTC)", "code");
            for (SweepProgress.Checkpointed c : resumable) {
                o.printf(Locale.ROOT, "  %-16s  %-22s  %-13s  %5d  %-12s  %-15s  %-7s  %-19s  %s%n", c.trialId(),
                        c.method(), c.dataset(), c.seed(), c.epochsDone() + " of " + c.epochs(),
                        percent(c.lastTestError()), Double.isNaN(c.secondsPerEpoch()) ? "-"
                                : String.format(Locale.ROOT, "%.0f", c.secondsPerEpoch()),
                        SAVED.format(c.savedAt()), c.codeVersion() == null ? "unknown" : c.codeVersion());
            }
        }
        o.printf(Locale.ROOT, "not started: %d%n", p.notStarted());
        if (!p.stale().isEmpty()) {
            o.printf(Locale.ROOT, "stale checkpoints of committed trials (the next run deletes them): %d%n",
                    p.stale().size());
        }
        p.unreadable().forEach((id, why) -> o.printf(Locale.ROOT,
                "unreadable checkpoint of trial %s (the trial starts over at the next run): %s%n", id, why));
        o.flush();
    }

    private static String byStatus(List<SweepProgress.Committed> committed) {
        Map<String, Integer> counts = new TreeMap<>();
        committed.forEach(c -> counts.merge(c.status(), 1, Integer::sum));
        return counts.isEmpty() ? "" : " (" + counts(counts) + ")";
    }

    private static String counts(Map<String, Integer> counts) {
        StringBuilder s = new StringBuilder();
        counts.forEach((status, n) -> s.append(s.length() == 0 ? "" : ", ").append(status).append(' ').append(n));
        return s.toString();
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
    }
}
