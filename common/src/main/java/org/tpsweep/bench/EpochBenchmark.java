package org.tpsweep.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.TrainTestData;
import org.tpsweep.nn.FastTanh;
import org.tpsweep.rules.LearningRules;
import org.tpsweep.train.EpochListener;
import org.tpsweep.train.EpochMetrics;
import org.tpsweep.train.TrainResult;
import org.tpsweep.train.Trainer;

/**
 * Prints seconds per training epoch (and per feedback-only epoch) of each method on the full 55 000-sample
 * MNIST training split with the published 784-256×5-10 network, per precision, with the thread settings
 * used. Each measurement is one epoch of a fresh run, after a warm-up run of every method and precision on a
 * 5000-sample subset; min and median over the repeats.
 * <pre>
 *   bench [--methods bp,ddtp-linear,…] [--precisions float64,float32] [--conventions m,f] [--repeats 3]
 *         [--threads 1] [--train-subset N]
 * </pre>
 * {@code --train-subset N} times epochs on the first N training samples instead (dtp-iterative: a minute an epoch
 * on 5000 instead of ten on the full split). dtp-iterative keeps its decoder-only pre-training epochs (not
 * measured): its sweeps per sample depend on how well the decoders invert, so untrained decoders would time a
 * different iteration.
 * Defaults: every method, float64, conventions m. Under {@code --conventions f} only the methods with the
 * conventions setting run, with [F]'s schedule (K = 5 feedback iterations per minibatch, inside the measured
 * training epoch; the K pre-training epochs run first and are not measured). {@code x_bp} is the median training
 * epoch over bp's of the same precision and conventions (bp must come first in --methods for it);
 * {@code x_fwdtp_bn} the same over fw-dtp-bn's (ALGORITHMS.md §4 Wall time: [F] reports FW-DTP at 2.9× BP).
 * <pre>
 * </pre>
 */
public final class EpochBenchmark {
    private EpochBenchmark() {
    }

    public static void main(String[] args) {
        Options o = Options.parse(args);
        Nd4j.getEnvironment().setMaxThreads(o.threads);
        Nd4j.factory().blas().setMaxThreads(o.threads);
        System.out.printf("threads: nd4j=%d blas=%d OMP_NUM_THREADS=%s cores=%d tanh=%s backend=%s%n",
                Nd4j.getEnvironment().maxThreads(), Nd4j.factory().blas().getMaxThreads(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), Runtime.getRuntime().availableProcessors(),
                FastTanh.vectorised() ? "vector-api" : "nd4j", Nd4j.getBackend().getClass().getSimpleName());
        TrainTestData mnist = DatasetCache.get("mnist", DataDirectory.resolve());
        for (String conventions : o.conventions) {
            o.methods.stream().filter(m -> !accepts(m, conventions)).forEach(m -> System.out.printf(
                    "%s: not run under conventions %s (its defaults are refused there)%n", m, conventions));
        }
        for (String conventions : o.conventions) {
            for (String precision : o.precisions) {          // warm-up: native load, JIT of every code path
                for (String method : methods(o, conventions)) {
                    run(mnist, method, precision, conventions, 0, o.trainSubset > 0 ? Math.min(5000, o.trainSubset) : 5000);
                }
            }
        }
        System.out.printf("%-15s %-4s %-8s %9s %9s %8s %8s %6s %10s%n", "method", "conv", "dtype", "train_min",
                "train_med", "fb_min", "fb_med", "x_bp", "x_fwdtp_bn");
        for (String conventions : o.conventions) {
            for (String precision : o.precisions) {
                double bpTrain = Double.NaN;
                double fwTrain = Double.NaN;
                for (String method : methods(o, conventions)) {
                    List<Double> trainSec = new ArrayList<>();
                    List<Double> fbSec = new ArrayList<>();
                    for (int r = 0; r < o.repeats; r++) {
                        EpochMetrics m = run(mnist, method, precision, conventions, r + 1, o.trainSubset);
                        trainSec.add(m.seconds());
                        fbSec.add(m.feedbackSeconds());
                    }
                    boolean hasFb = Methods.get(method).byKey().containsKey(Methods.EXTRA_FB_EPOCHS)
                            && median(fbSec) > 0;
                    if (method.equals(Methods.BP)) {
                        bpTrain = median(trainSec);
                    }
                    if (method.equals(Methods.FW_DTP_BN)) {
                        fwTrain = median(trainSec);
                    }
                    System.out.printf("%-15s %-4s %-8s %9.2f %9.2f %8s %8s %6s %10s%n", method, conventions,
                            precision, min(trainSec), median(trainSec),
                            hasFb ? String.format("%.2f", min(fbSec)) : "-",
                            hasFb ? String.format("%.2f", median(fbSec)) : "-", ratio(trainSec, bpTrain),
                            ratio(trainSec, fwTrain));
                }
            }
        }
    }

    /**
     * The methods of the run that take {@code conventions} (every method under m; those with the setting under f),
     * less those whose defaults the conventions refuse (l-drl-e's per-layer schedule exists only under f).
     */
    private static List<String> methods(Options o, String conventions) {
        return o.methods.stream().filter(m -> Conventions.M.equals(conventions)
                || Methods.get(m).byKey().containsKey(Conventions.KEY)).filter(m -> accepts(m, conventions)).toList();
    }

    private static boolean accepts(String method, String conventions) {
        if (!Methods.get(method).byKey().containsKey(Conventions.KEY)) {
            return true;
        }
        try {
            RunConfig.of(method, "mnist", 1, Map.of(Conventions.KEY, conventions));
            return true;
        } catch (org.tpsweep.config.ConfigException e) {
            return false;
        }
    }

    private static String ratio(List<Double> seconds, double reference) {
        return Double.isNaN(reference) ? "-" : String.format("%.2f", median(seconds) / reference);
    }

    private static EpochMetrics run(TrainTestData data, String method, String precision, String conventions,
                                    long seed, int subset) {
        Map<String, Object> p = new java.util.HashMap<>(Map.of(Methods.EPOCHS, 1, Methods.PRECISION, precision,
                Methods.TRAIN_SUBSET, subset));
        if (Methods.get(method).byKey().containsKey(Conventions.KEY)) {
            p.put(Conventions.KEY, conventions);
        }
        if (Methods.get(method).byKey().containsKey(Methods.EPOCHS_FB) && !Methods.isIterative(method)) {
            p.put(Methods.EPOCHS_FB, 0);
            p.put(Methods.EXTRA_FB_EPOCHS, 1);
        }
        TrainResult r = new Trainer(RunConfig.of(method, "mnist", seed, p), data).train(EpochListener.NONE);
        if (r.epochs().isEmpty()) {
            throw new IllegalStateException(method + " " + precision + " ended " + r.status().label() + ": "
                    + r.message());
        }
        return r.epochs().get(0);
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Parsed command-line options. */
    private record Options(List<String> methods, List<String> precisions, List<String> conventions, int repeats,
                           int threads, int trainSubset) {
        static Options parse(String[] args) {
            List<String> methods = Methods.all().stream().map(MethodDescriptor::name)
                    .filter(LearningRules::has).toList();
            List<String> precisions = List.of("float64");
            List<String> conventions = List.of(Conventions.M);
            int repeats = 3;
            int threads = 1;
            int trainSubset = 0;
            for (int k = 0; k < args.length; k++) {
                String key = args[k];
                if (k + 1 >= args.length) {
                    throw new ConfigException("bench: option " + key + " needs a value");
                }
                String value = args[++k];
                switch (key) {
                    case "--methods" -> {
                        methods = Arrays.asList(value.split(","));
                        methods.forEach(Methods::get);
                    }
                    case "--precisions" -> {
                        precisions = Arrays.asList(value.split(","));
                        for (String p : precisions) {
                            if (!p.equals("float64") && !p.equals("float32")) {
                                throw new ConfigException("bench: unknown precision '" + p
                                        + "'; allowed: float64, float32");
                            }
                        }
                    }
                    case "--conventions" -> {
                        conventions = Arrays.asList(value.split(","));
                        for (String c : conventions) {
                            if (!c.equals(Conventions.M) && !c.equals(Conventions.F)) {
                                throw new ConfigException("bench: unknown conventions '" + c + "'; allowed: m, f");
                            }
                        }
                    }
                    case "--repeats" -> repeats = positive(key, value);
                    case "--threads" -> threads = positive(key, value);
                    case "--train-subset" -> trainSubset = positive(key, value);
                    default -> throw new ConfigException("bench: unknown option '" + key
                            + "'; allowed: --methods, --precisions, --conventions, --repeats, --threads, "
                            + "--train-subset");
                }
            }
            return new Options(methods, precisions, conventions, repeats, threads, trainSubset);
        }

        private static int positive(String key, String value) {
            try {
                int v = Integer.parseInt(value);
                if (v >= 1) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigException("bench: " + key + " must be a positive integer, got '" + value + "'");
        }
    }
}
