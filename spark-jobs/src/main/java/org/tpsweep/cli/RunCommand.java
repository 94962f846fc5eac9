package org.tpsweep.cli;

import org.tpsweep.cluster.DataDigests;
import org.tpsweep.cluster.DataLocation;
import org.tpsweep.tables.Aggregates;
import org.tpsweep.tables.OutputTables;
import org.tpsweep.cluster.SparkSessions;
import org.tpsweep.cluster.TaskMemory;
import org.tpsweep.tables.SummaryTable;
import org.tpsweep.spark.SweepJob;
import org.tpsweep.tables.TrialRows;
import org.tpsweep.store.TrialStore;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.sweep.MemoryEstimate;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tp-sweep run SPEC.yaml [--out DIR] [--data DIR_OR_URI] [--master URL] [--epochs N] [--seeds K]
 * [--train-subset M] [--fresh | --force | --retry-failed] [--checkpoint-minutes M | --no-checkpoints] [--quiet]}: reads and validates the spec (format:
 * {@link SweepSpec}), checks the data ({@link DataLocation}: a folder, or a Hadoop URI; every file against
 * {@code conf/data-checksums.sha256}, {@link DataDigests}) and the output folder (a resume on other data is refused),
 * then runs one Spark task per trial not yet committed in {@code DIR} and writes the tables ({@link OutputTables}:
 * trials, epochs, angles, jacobians, jacobians_summary, summary, paired, histograms; per-trial results under {@code DIR/trials/}). Running the same command again resumes an
 * unfinished sweep, and a trial cut off in the middle from its last checkpoint ({@code DIR/checkpoints/}). Prints the test error per configuration, mean ± std over its seeds ({@link SummaryTable}; a method
 * with many configurations summarised), and where the tables are.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a sweep on Spark: one task per trial (configuration × seed).",
                "An existing output folder of the same sweep is resumed: trials already committed under DIR/trials/ "
                        + "are kept, the others run, then every table is rebuilt."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC.yaml", description = "the sweep spec (e.g. conf/presets/quick.yaml)")
    Path specFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "output folder, any Hadoop file system URI (default: out/<spec name>-<yyyyMMdd-HHmmss>)")
    String out;

    @Option(names = "--data", paramLabel = "DIR_OR_URI", description = "data folder or Hadoop URI (e.g. "
            + "hdfs://HOST/PATH); default: tp.data.dir / TP_DATA_DIR / ./data. On a cluster master a local folder "
            + "is shipped to the executors")
    String data;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*])")
    String master;

    @Option(names = "--epochs", paramLabel = "N", description = "override the epochs of every method")
    Integer epochs;

    @Option(names = "--train-subset", paramLabel = "M", description = "override train_subset of every method")
    Integer trainSubset;

    @Option(names = "--seeds", paramLabel = "K", description = "run only the first K seeds of the spec")
    Integer seeds;

    @Option(names = "--fresh", description = "delete the output folder's earlier results first and run every trial")
    boolean fresh;

    @Option(names = "--force", description = "write into an output folder that holds a different sweep, or this "
            + "sweep on other data (its trials that belong to this sweep are reused; column data_sha256 tells the "
            + "data apart)")
    boolean force;

    @Option(names = "--retry-failed", description = "also rerun the trials whose committed status is failed")
    boolean retryFailed;

    @Option(names = "--all-pairs", description = "paired.parquet compares every pair of configurations, also on a "
            + "dataset with more than " + Aggregates.ALL_PAIRS_MAX_CONFIGS + " (then quadratic in their number)")
    boolean allPairs;

    @Option(names = "--checkpoint-minutes", paramLabel = "M", description = "save a trial's state after an epoch "
            + "when at least M minutes have passed since its start or last save (default: 10; 0: after every "
            + "epoch); a killed or interrupted trial resumes from it when the run is repeated")
    Double checkpointMinutes;

    @Option(names = "--no-checkpoints", description = "neither save nor resume trials' checkpoints (DIR/checkpoints/)")
    boolean noCheckpoints;

    @Option(names = "--quiet", description = "no progress lines")
    boolean quiet;

    @Option(names = "--no-report", description = "do not write DIR/report/ at the end (tp-sweep report DIR writes it "
            + "later)")
    boolean noReport;

    @Option(names = "--ui-host", paramLabel = "HOST", description = "open the Spark UI to other hosts, listening on "
            + "HOST (e.g. 0.0.0.0 for every interface; bin/tp-sweep sets SPARK_LOCAL_IP=HOST, to which Spark binds "
            + "it); default: it answers this machine only")
    String uiHost;

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
        if (fresh && retryFailed) {
            throw new ConfigException("--fresh and --retry-failed exclude each other: --fresh reruns every trial, "
                    + "--retry-failed only the failed ones of an earlier run; allowed: one of them");
        }
        checkpointInterval(checkpointMinutes, noCheckpoints);              // refused here, before any work
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (epochs != null) {
            overrides.put(Methods.EPOCHS, epochs);
        }
        if (trainSubset != null) {
            overrides.put(Methods.TRAIN_SUBSET, trainSubset);
        }
        SweepPlan plan = SweepPlan.expand(firstSeeds(SweepSpec.load(specFile), seeds), overrides);
        SparkSessions.checkMaster(master);
        TaskMemory memory = TaskMemory.planned(master);
        MemoryEstimate.check(plan, memory.jvmBytes(), memory.tasks(), memory.raise());
        Configuration hadoop = SparkSessions.hadoopConfiguration(master);   // spark.hadoop.* settings included
        DataLocation dataLocation = DataLocation.of(data != null ? data : DataDirectory.configured(), master,
                distinct(plan, RunConfig::dataset), hadoop);
        dataLocation.checkPresent(heldOut(plan));
        dataLocation = dataLocation.verified();     // every data file against conf/data-checksums.sha256
        try (OutputTables output = OutputTables.prepare(out != null ? out : defaultOut(plan.name(), hadoop), hadoop,
                plan, sha256s(dataLocation), fresh, force, o)) {
            return run(plan, output, dataLocation, o, err);
        }
    }

    /** The run itself, under the output folder's lock: Spark, the trials, the tables, the printed results. */
    private int run(SweepPlan plan, OutputTables output, DataLocation dataLocation, PrintWriter o, PrintWriter err) {
        int configs = distinct(plan, TrialRows::configId).size();
        int seedCount = distinct(plan, RunConfig::seed).size();
        int methods = distinct(plan, RunConfig::method).size();
        int datasets = distinct(plan, RunConfig::dataset).size();
        o.printf("sweep %s: %d trials (%d configuration%s × %d seed%s; %d method%s, %d dataset%s) on %s%n",
                plan.name(), plan.trials().size(), configs, plural(configs), seedCount, plural(seedCount), methods,
                plural(methods), datasets, plural(datasets), master == null ? SparkSessions.DEFAULT_MASTER : master);
        o.println("output: " + OutputTables.display(output.dir()) + (fresh && output.existedBefore() ? " (its earlier results are deleted)" : ""));
        if (!dataLocation.digests().isEmpty()) {
            o.println("data: " + dataLocation + " (" + describe(dataLocation.digests()) + ")");
        }
        o.flush();

        SparkSession spark;
        try {
            spark = SparkSessions.create("tp-sweep " + plan.name(), master, uiHost);
        } catch (RuntimeException e) {
            output.abort();
            err.println("error: Spark did not start on " + (master == null ? SparkSessions.DEFAULT_MASTER : master)
                    + ": " + e.getMessage());
            return TpSweep.FAILED;
        }
        SweepJob.Result result;
        String report;
        try {
            result = SweepJob.run(spark, plan, output, dataLocation,
                    new SweepJob.Options(o, !quiet, retryFailed, allPairs,
                            checkpointInterval(checkpointMinutes, noCheckpoints)));
            report = RunReportHook.after(spark, output, specFile, reproducingOptions(), !noReport, err);
        } catch (RuntimeException e) {
            int committed = 0;
            try {
                committed = output.committedTrials();
            } catch (RuntimeException ignored) {
                // the folder is unreachable: report 0
            }
            err.println("error: the sweep failed: " + rootMessage(e) + "; " + (committed == 0
                    ? "no trial was committed"
                    : committed + " of " + plan.trials().size() + " trials are committed in "
                    + OutputTables.display(output.dir()) + "/" + TrialStore.DIR
                    + "; run the same command again to resume"));
            return TpSweep.FAILED;
        } finally {
            spark.stop();
        }

        o.println();
        SummaryTable.print(result.summary(), OutputTables.display(output.tablePath(OutputTables.SUMMARY)), o);
        o.println();
        for (SweepJob.FailedTrial f : result.failed()) {
            o.printf("failed: trial %s (%s, %s, seed %d): %s%n", f.trialId(), f.method(), f.dataset(), f.seed(),
                    f.message());
        }
        printTables(o, output, result);
        if (report != null) {
            o.println(report);
        }
        o.flush();
        if (!result.missing().isEmpty()) {
            err.println("error: " + gapMessage(result, output, master));
            return TpSweep.FAILED;
        }
        if (!result.failed().isEmpty()) {
            err.println("error: " + result.failed().size() + " of " + result.planned() + " trials failed (see "
                    + "above); after fixing the cause, rerun them with the same command and --retry-failed");
            return TpSweep.FAILED;
        }
        return 0;
    }

    /**
     * The least time between two checkpoints of a trial: {@code minutes} (default
     * {@link SweepJob.Options#DEFAULT_CHECKPOINT_INTERVAL}), or null with {@code --no-checkpoints}.
     *
     * @throws ConfigException for a negative or non-finite value, or both options
     */
    static java.time.Duration checkpointInterval(Double minutes, boolean none) {
        if (minutes != null && none) {
            throw new ConfigException("--checkpoint-minutes and --no-checkpoints exclude each other; allowed: one "
                    + "of them");
        }
        if (none) {
            return null;
        }
        if (minutes == null) {
            return SweepJob.Options.DEFAULT_CHECKPOINT_INTERVAL;
        }
        if (!(minutes >= 0) || Double.isInfinite(minutes)) {
            throw new ConfigException("--checkpoint-minutes " + minutes + ": allowed: a finite number of minutes "
                    + ">= 0 (0: after every epoch), or --no-checkpoints");
        }
        return java.time.Duration.ofMillis(Math.round(minutes * 60_000));
    }

    /** The options of this run that change its plan, data or tables, as they reproduce it. */
    private List<String> reproducingOptions() {
        List<String> options = new java.util.ArrayList<>();
        if (epochs != null) {
            options.addAll(List.of("--epochs", epochs.toString()));
        }
        if (trainSubset != null) {
            options.addAll(List.of("--train-subset", trainSubset.toString()));
        }
        if (seeds != null) {
            options.addAll(List.of("--seeds", seeds.toString()));
        }
        if (data != null) {
            options.addAll(List.of("--data", data));
        }
        if (allPairs) {
            options.add("--all-pairs");
        }
        return options;
    }

    /**
     * Why the run is not complete: how many and which planned trials have no readable committed result even
     * after their rerun, and, for a cluster master writing to a local folder, the likely cause.
     */
    static String gapMessage(SweepJob.Result r, OutputTables output, String master) {
        List<RunConfig> missing = r.missing();
        StringBuilder m = new StringBuilder();
        m.append(missing.size()).append(" of ").append(r.planned()).append(" planned trials have no readable result in ")
                .append(OutputTables.display(output.dir())).append('/').append(TrialStore.DIR)
                .append(" even after running them again, so the tables are incomplete: ");
        for (int k = 0; k < Math.min(10, missing.size()); k++) {
            RunConfig c = missing.get(k);
            m.append(k == 0 ? "" : ", ").append(c.trialId()).append(" (").append(c.method()).append(", ")
                    .append(c.dataset()).append(", seed ").append(c.seed()).append(')');
        }
        if (missing.size() > 10) {
            m.append(", and ").append(missing.size() - 10).append(" more");
        }
        boolean cluster = master != null && !master.startsWith("local");
        String scheme = output.dir().toUri().getScheme();
        if (cluster && (scheme == null || scheme.equals("file"))) {
            m.append(". With the cluster master ").append(master).append(" the executors wrote their results to "
                    + "their own disks, which this driver cannot see: give --out a file system that the driver and "
                    + "every executor share (hdfs://, s3a://, or a shared mount)");
        } else {
            m.append(". Check that the output folder is writable and has space, then run the same command again");
        }
        return m.toString();
    }

    private static void printTables(PrintWriter o, OutputTables output, SweepJob.Result r) {
        o.printf("trials: %s (%d rows)%n", OutputTables.display(output.trialsPath()), r.rows().trials());
        o.printf("epochs: %s (%d rows)%n", OutputTables.display(output.epochsPath()), r.rows().epochs());
        o.printf("angles: %s (%d rows)%n", OutputTables.display(output.anglesPath()), r.rows().angles());
        o.printf("jacobians: %s (%d rows; over seeds: %s)%n",
                OutputTables.display(output.tablePath(OutputTables.JACOBIANS)), r.rows().jacobians(),
                OutputTables.display(output.tablePath(OutputTables.JACOBIANS_SUMMARY)));
        o.printf("summary: %s (per configuration: counts per status; mean, std, min, median, max over its ok "
                + "seeds; 95%% CI of the mean test error)%n", OutputTables.display(output.tablePath(OutputTables.SUMMARY)));
        o.printf("paired: %s (per pair of configurations on a dataset, over the seeds where both ended ok; "
                + "sensitivity draws left out; a dataset with more than %d configurations: each against every "
                + "method's best, unless --all-pairs)%n",
                OutputTables.display(output.tablePath(OutputTables.PAIRED)), Aggregates.ALL_PAIRS_MAX_CONFIGS);
        o.printf("histograms: %s (test accuracy over each sensitivity study's draws)%n",
                OutputTables.display(output.tablePath(OutputTables.HISTOGRAMS)));
        o.printf("per-trial results: %s/%s/ (%d ran now, %d kept from earlier runs)%n",
                OutputTables.display(output.dir()), TrialStore.DIR, r.scheduled(), r.reused());
        o.printf(java.util.Locale.ROOT, "time: %.1f s running trials, %.1f s writing the tables%n",
                r.timing().trials(), r.timing().tables());
    }

    /** Per dataset, its digest's SHA-256. */
    private static Map<String, String> sha256s(DataLocation data) {
        Map<String, String> out = new LinkedHashMap<>();
        data.digests().forEach((ds, d) -> out.put(ds, d.sha256()));
        return out;
    }

    /** "mnist sha256 0123456789ab…, checked against conf/data-checksums.sha256; cifar10 sha256 …, no recorded checksums". */
    private static String describe(Map<String, DataDigests.Digest> digests) {
        List<String> parts = new java.util.ArrayList<>();
        digests.forEach((ds, d) -> parts.add(ds + " sha256 " + d.sha256().substring(0, 12) + "…, "
                + (d.checked() ? "checked against " + DataDigests.SOURCE : "no recorded checksums")));
        return String.join("; ", parts);
    }

    /** Per dataset, the most training samples a trial of {@code plan} holds out for validation. */
    private static Map<String, Integer> heldOut(SweepPlan plan) {
        Map<String, Integer> out = new HashMap<>();
        for (RunConfig c : plan.trials()) {
            out.merge(c.dataset(), Trainer.validationSize(c), Math::max);
        }
        return out;
    }

    private static <T> List<T> distinct(SweepPlan plan, Function<RunConfig, T> key) {
        return plan.trials().stream().map(key).distinct().toList();
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

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + t + ")";
    }
}
