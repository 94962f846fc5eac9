package org.tpsweep.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.cluster.SparkSessions;
import org.tpsweep.report.ReportOptions;
import org.tpsweep.report.SweepReport;
import org.tpsweep.report.SweepTables;
import org.tpsweep.store.OutputLock;
import org.tpsweep.tables.OutputTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tp-sweep report OUT [--width W] [--height H] [--master URL]}: writes {@code OUT/report/} ({@link SweepReport})
 * from the tables of a sweep's output folder, holding the folder's lock so that no run rewrites the tables
 * meanwhile. A folder that is not a sweep output is refused with one {@code error:} line (exit 2) before Spark starts;
 * a sweep without any ok trial still gets a report, which says what failed and why (exit 0).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write OUT/report/ (index.html, report.md, PNG charts) from a sweep's tables.",
                "run writes it at its end too (unless --no-report)."})
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT", description = "the output folder of a run (any Hadoop file system URI)")
    String out;

    @Option(names = "--width", paramLabel = "PX", description = "chart width in pixels (default: "
            + ReportOptions.WIDTH + ")")
    int width = ReportOptions.WIDTH;

    @Option(names = "--height", paramLabel = "PX", description = "chart height in pixels (default: "
            + ReportOptions.HEIGHT + ")")
    int height = ReportOptions.HEIGHT;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master that reads the tables (default: local[2])")
    String master = "local[2]";

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        ReportOptions options = new ReportOptions(width, height);
        SparkSessions.checkMaster(master);
        Configuration hadoop = SparkSessions.hadoopConfiguration(master);
        Path dir = SweepTables.check(out, hadoop);
        try (OutputLock lock = OutputLock.acquire(fileSystem(dir, hadoop), dir, spec.commandLine().getErr())) {
            SparkSession spark = SparkSessions.create("tp-sweep report", master);
            try {
                print(o, SweepReport.write(spark, dir, hadoop, options));
            } finally {
                spark.stop();
            }
        }
        return 0;
    }

    /** "report: OUT/report/index.html (12 charts; …)". */
    static void print(PrintWriter o, SweepReport.Written w) {
        long omitted = w.sections().stream().filter(s -> s.isOmitted()).count();
        o.printf("report: %s (and %s, %d chart%s; %d section%s without data left out, each saying why)%n",
                OutputTables.display(w.html()), SweepReport.MARKDOWN, w.charts(), w.charts() == 1 ? "" : "s", omitted,
                omitted == 1 ? "" : "s");
        o.flush();
    }

    private static org.apache.hadoop.fs.FileSystem fileSystem(Path dir, Configuration conf) {
        try {
            return dir.getFileSystem(conf);
        } catch (java.io.IOException e) {
            throw new org.tpsweep.config.ConfigException("report " + dir + ": " + e.getMessage(), e);
        }
    }
}
