package org.tpsweep.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tpsweep.bench.SweepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code tp-sweep bench-sweep [trials] [heapTrials] [samples] [width] [epochs] [repeats]}: the sweep engine's scale benchmark ({@link SweepBenchmark}). */
@Command(name = "bench-sweep", description = "Trials per hour of a small sweep: plain loop vs Spark local[1] and "
        + "local[2], and the driver heap after M and 20·M trivial trials (arguments: [trials=200] [heapTrials=100, 0 = skip] [samples=500] [width=32] [epochs=1] [repeats=3, fastest kept]).")
public final class BenchSweepCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        SweepBenchmark.main(args.toArray(new String[0]));
        return 0;
    }
}
