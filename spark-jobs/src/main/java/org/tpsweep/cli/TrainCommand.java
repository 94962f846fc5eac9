package org.tpsweep.cli;

import org.tpsweep.cluster.ThreadPinning;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetFiles;
import org.tpsweep.train.EpochMetrics;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;
import org.tpsweep.train.Trainer;
import org.tpsweep.train.TrialRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tp-sweep train --method M --dataset D [--epochs N] [--set key=value ...] [--seed S]}: one training
 * run in this JVM, without Spark; one line per epoch, then the result line. Exit status 1 when the run
 * failed, 2 for bad input.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train one configuration without Spark, printing one line per epoch and the result.")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--method", required = true, paramLabel = "M", description = "method (see 'tp-sweep methods')")
    String method;

    @Option(names = "--dataset", required = true, paramLabel = "D",
            description = "a dataset: mnist, fashion-mnist, frozen-mnist, student-teacher, cifar10 or cifar100")
    String dataset;

    @Option(names = "--epochs", paramLabel = "N", description = "training epochs (overrides --set epochs=…)")
    Integer epochs;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a hyperparameter value (repeatable)")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "ND4J/BLAS threads (default: ${DEFAULT-VALUE}, like one Spark task)")
    int threads;

    @Override
    public Integer call() {
        Map<String, Object> given = new LinkedHashMap<>(set);
        if (epochs != null) {
            given.put(Methods.EPOCHS, epochs);
        }
        if (seed < 0) {
            throw new org.tpsweep.config.ConfigException("--seed " + seed + " is not allowed; allowed: a non-negative whole number");
        }
        RunConfig config = RunConfig.of(method, dataset, seed, given);
        Path dataDir = DataDirectory.resolve();
        DatasetFiles.checkPresent(dataset, dataDir, Trainer.validationSize(config));
        PrintWriter out = spec.commandLine().getOut();
        out.println("training " + method + " on " + dataset + ", seed " + seed + ", trial " + config.trialId());
        out.println("  " + config.canonical());
        out.flush();
        ThreadPinning.pin(threads);
        TrainResult r = TrialRunner.run(config, dataDir, m -> {
            out.println(epochLine(m));
            out.flush();
        });
        for (org.tpsweep.metrics.RuleDiagnostic d : r.diagnostics()) {     // dtp-iterative's, table diagnostics
            out.println(String.format(Locale.ROOT, "  diagnostic epoch %d layer %d %s %.6g", d.epoch(), d.layer(),
                    d.name(), d.value()));
        }
        out.println(resultLine(r));
        out.flush();
        return r.status() == RunStatus.FAILED ? TpSweep.FAILED : 0;
    }

    /** {@code epoch   3  train loss 0.1234  train err 0.0345  val err 0.0310  test err 0.0320  7.9 s (+1.2 s feedback)}. */
    static String epochLine(EpochMetrics m) {
        String fb = m.feedbackSeconds() >= 0.05 ? String.format(Locale.ROOT, " (+%.1f s feedback)", m.feedbackSeconds()) : "";
        return String.format(Locale.ROOT, "epoch %3d  train loss %.4f  train err %.4f  val err %.4f  test err %.4f  %.1f s%s",
                m.epoch(), m.trainLoss(), m.trainError(), m.valError(), m.testError(), m.seconds(), fb);
    }

    /** The final line: status, test error at the best-validation epoch, final train loss, time per epoch. */
    static String resultLine(TrainResult r) {
        StringBuilder sb = new StringBuilder("result: ").append(r.status().label());
        if (r.epochsCompleted() > 0) {
            sb.append(String.format(Locale.ROOT, "  test error %.4f (epoch %d of %d, best val error %.4f)"
                            + "  final train loss %.4f  %.1f s/epoch",
                    r.testError(), r.bestEpoch(), r.epochsCompleted(), r.bestValError(), r.finalTrainLoss(),
                    r.secondsPerEpoch()));
        }
        if (r.message() != null && !r.message().isEmpty()) {
            sb.append("  (").append(r.message()).append(')');
        }
        return sb.toString();
    }
}
