package org.tpsweep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.report.ReportOptions;
import org.tpsweep.report.RunRecord;
import org.tpsweep.report.SweepReport;
import org.tpsweep.tables.OutputTables;

/**
 * The end of a successful {@code run}, under its lock and with its Spark session: records the spec and the command
 * that reproduces the sweep ({@link RunRecord}), then writes the report ({@link SweepReport}) unless
 * {@code --no-report}. A failure here is a warning: the trials and tables are already committed.
 */
final class RunReportHook {
    private RunReportHook() {
    }

    /**
     * Does both; returns what the run prints about the report (null with {@code --no-report}).
     *
     * @param options the run's options that change the plan or the tables ({@code --epochs 2}, …), for the command
     */
    static String after(SparkSession spark, OutputTables output, Path specFile, List<String> options, boolean report,
                        PrintWriter err) {
        org.apache.hadoop.fs.FileSystem fs;
        try {
            output.checkLockHeld();
            fs = output.dir().getFileSystem(spark.sparkContext().hadoopConfiguration());
            List<String> command = new ArrayList<>(List.of("bin/tp-sweep", "run",
                    OutputTables.display(output.dir()) + "/" + RunRecord.SPEC));
            command.addAll(options);
            new RunRecord(Files.readString(specFile), String.join(" ", command)).write(fs, output.dir());
        } catch (IOException | RuntimeException e) {
            err.println("warning: could not record the spec and command in " + OutputTables.display(output.dir())
                    + ": " + e.getMessage());
        }
        if (!report) {
            return null;
        }
        try {
            StringWriter line = new StringWriter();
            ReportCommand.print(new PrintWriter(line), SweepReport.write(spark, output.dir(),
                    spark.sparkContext().hadoopConfiguration(), ReportOptions.defaults()));
            return line.toString().stripTrailing();
        } catch (RuntimeException e) {
            err.println("warning: the report could not be written (" + e + "); the tables are complete: run "
                    + "'bin/tp-sweep report " + OutputTables.display(output.dir()) + "' to try again");
            return null;
        }
    }
}
