package org.tpsweep.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Methods;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetFiles;
import org.tpsweep.spark.OutputTables;
import org.tpsweep.spark.SparkSessions;
import org.tpsweep.spark.SummaryTable;
import org.tpsweep.spark.SweepJob;
import org.tpsweep.spark.TrialOutcome;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tp-sweep run SPEC.yaml [--out DIR] [--master URL] [--epochs N] [--seeds K] [--train-subset M] [--quiet]}: reads
 * and validates the spec (format: {@link SweepSpec}), checks the data and the output folder, then runs one
 * Spark task per trial and writes {@code DIR/trials.parquet} and {@code DIR/epochs.parquet}. Prints the mean
 * ± std test error per method over the seeds and where the tables are.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a sweep on Spark: one task per trial (method × dataset × seed).")
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC.yaml", description = "the sweep spec (e.g. conf/presets/quick.yaml)")
    Path specFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "output folder, any Hadoop file system URI (default: out/<spec name>-<yyyyMMdd-HHmmss>)")
    String out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*])")
    String master;

    @Option(names = "--epochs", paramLabel = "N", description = "override the epochs of every method")
    Integer epochs;

    @Option(names = "--train-subset", paramLabel = "M", description = "override train_subset of every method")
    Integer trainSubset;

    @Option(names = "--seeds", paramLabel = "K", description = "run only the first K seeds of the spec")
    Integer seeds;

    @Option(names = "--quiet", description = "no progress lines")
    boolean quiet;

    /** The spec with only its first {@code k} seeds (all when k is null). */
    static SweepSpec firstSeeds(SweepSpec spec, Integer k) {
        if (k == null) {
            return spec;
        }
        if (k < 1 || k > spec.seeds().size()) {
            throw new ConfigException("--seeds " + k + ": the spec " + spec.source() + " lists " + spec.seeds().size()
                    + " seeds; allowed: 1.." + spec.seeds().size());
        }
        return new SweepSpec(spec.source(), spec.name(), spec.datasets(), spec.seeds().subList(0, k),
                spec.defaults(), spec.methods());
    }

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        // Everything that can be wrong with the input is checked before Spark starts or anything is created.
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (epochs != null) {
            overrides.put(Methods.EPOCHS, epochs);
        }
        if (trainSubset != null) {
            overrides.put(Methods.TRAIN_SUBSET, trainSubset);
        }
        SweepPlan plan = SweepPlan.expand(firstSeeds(SweepSpec.load(specFile), seeds), overrides);
        Path dataDir = DataDirectory.resolve().toAbsolutePath();
        for (String ds : plan.datasets()) {
            DatasetFiles.checkPresent(ds, dataDir);
        }
        SparkSessions.checkMaster(master);
        Configuration hadoop = new Configuration();
        OutputTables output = OutputTables.prepare(out != null ? out : defaultOut(plan.name(), hadoop), hadoop);

        o.printf("sweep %s: %d trials (%d method%s × %d dataset%s × %d seed%s) on %s%n", plan.name(),
                plan.trials().size(), plan.methods().size(), plural(plan.methods()), plan.datasets().size(),
                plural(plan.datasets()), plan.seeds().size(), plural(plan.seeds()),
                master == null ? SparkSessions.DEFAULT_MASTER : master);
        o.println("output: " + OutputTables.display(output.dir()));
        o.flush();

        SparkSession spark;
        try {
            spark = SparkSessions.create("tp-sweep " + plan.name(), master);
        } catch (RuntimeException e) {
            output.abort();
            err.println("error: Spark did not start on " + (master == null ? SparkSessions.DEFAULT_MASTER : master)
                    + ": " + e.getMessage());
            return TpSweep.FAILED;
        }
        SweepJob.Result result;
        try {
            result = SweepJob.run(spark, plan, output, dataDir.toString(), quiet ? null : o);
        } catch (RuntimeException e) {
            err.println("error: the sweep failed and its partial output was removed: " + rootMessage(e));
            return TpSweep.FAILED;
        } finally {
            spark.stop();
        }

        o.println();
        SummaryTable.print(result.summary(), o);
        o.println();
        List<TrialOutcome> failed = result.failed();
        for (TrialOutcome f : failed) {
            o.printf("failed: trial %s (%s, %s, seed %d): %s%n", f.config().trialId(), f.config().method(),
                    f.config().dataset(), f.config().seed(), f.result().message());
        }
        o.printf("trials: %s (%d rows)%n", OutputTables.display(output.trialsPath()), result.outcomes().size());
        o.printf("epochs: %s (%d rows)%n", OutputTables.display(output.epochsPath()), result.epochRows());
        o.flush();
        if (!failed.isEmpty()) {
            err.println("error: " + failed.size() + " of " + result.outcomes().size() + " trials failed (see above)");
            return TpSweep.FAILED;
        }
        return 0;
    }

    /** {@code out/<name>-<yyyyMMdd-HHmmss>}, with a suffix when that folder exists already. */
    private static String defaultOut(String name, Configuration hadoop) {
        String base = "out/" + name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String candidate = base;
        try {
            org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(hadoop);
            for (int i = 2; fs.exists(new org.apache.hadoop.fs.Path(candidate)); i++) {
                candidate = base + "-" + i;
            }
        } catch (java.io.IOException e) {
            return base;
        }
        return candidate;
    }

    private static String plural(List<?> l) {
        return l.size() == 1 ? "" : "s";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t + ")";
    }
}
