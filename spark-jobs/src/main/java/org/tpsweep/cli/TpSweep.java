package org.tpsweep.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.tpsweep.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code tp-sweep} command line: {@code run} (a sweep on Spark), {@code report} (its tables and charts), {@code train} (one run, no Spark),
 * {@code methods} (the catalogue of methods and hyperparameters) and {@code bench}.
 *
 * <p>Exit status: 0 when everything ended {@code ok}, {@code diverged} or {@code stopped}; 1 when a trial
 * failed or the job itself failed; 2 for bad input (unknown method or key, out-of-range value, missing data,
 * bad spec or options), reported as one line {@code error: …} before anything starts.
 */
@Command(name = "tp-sweep", mixinStandardHelpOptions = true, version = "tp-sweep 0.1.0",
        description = "Target-propagation training runs: sweeps on Spark, single runs, method catalogue.",
        subcommands = {RunCommand.class, ReportCommand.class, StatusCommand.class, TrainCommand.class,
                MethodsCommand.class, BenchCommand.class, BenchSweepCommand.class, BenchReportCommand.class,
                CommandLine.HelpCommand.class})
public final class TpSweep implements Callable<Integer> {
    /** Exit status for bad input. */
    public static final int BAD_INPUT = 2;
    /** Exit status when a trial or the job failed. */
    public static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    public static void main(String[] args) {
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs the command line {@code args} writing to {@code out}/{@code err}; returns the exit status. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new TpSweep());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, a) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            e.println("error: " + ex.getMessage());
            e.println("usage: see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            e.flush();
            return BAD_INPUT;
        });
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            if (ex instanceof ConfigException) {
                e.println("error: " + ex.getMessage());
                e.flush();
                return BAD_INPUT;
            }
            ex.printStackTrace(e);
            e.println("error: unexpected failure: " + ex);
            e.flush();
            return FAILED;
        });
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
