package org.tpsweep.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tpsweep.bench.EpochBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code tp-sweep bench [...]}: hands every argument to {@link EpochBenchmark#main(String[])} (in common). */
@Command(name = "bench", description = "Seconds per training epoch of each method (arguments go to "
        + "org.tpsweep.bench.EpochBenchmark: [--methods bp,ddtp-linear] [--precisions float64,float32] "
        + "[--conventions m,f] [--repeats 3] [--threads 1] [--train-subset N]).")
public final class BenchCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        EpochBenchmark.main(args.toArray(new String[0]));
        return 0;
    }
}
