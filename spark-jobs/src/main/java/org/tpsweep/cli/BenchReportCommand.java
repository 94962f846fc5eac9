package org.tpsweep.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tpsweep.bench.ReportBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code tp-sweep bench-report [trials] [repeats]}: the report's speed on a synthetic sweep ({@link ReportBenchmark}). */
@Command(name = "bench-report", description = "Seconds to write the report of a synthetic sensitivity sweep "
        + "(arguments: [trials=1000] [repeats=3, fastest kept]).")
public final class BenchReportCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ReportBenchmark.main(args.toArray(new String[0]));
        return 0;
    }
}
