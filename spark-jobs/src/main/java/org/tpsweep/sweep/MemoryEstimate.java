package org.tpsweep.sweep;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.StudentTeacher;

/**
 * A rough, deliberately generous estimate of a sweep's memory, checked before Spark starts. Two pools of one JVM
 * (driver in local mode, executor on a cluster), each about the JVM's maximum heap (ND4J's off-heap limit
 * defaults to it):
 * <ul>
 *   <li>ND4J (off-heap), per running trial: {@link #networkBytes}: weights (feedback weights too for the methods
 *       that learn them) × {@value #WEIGHT_COPIES} (value, gradient, two optimiser moments) plus activations and
 *       workspaces, batch × (inputs + hidden widths + outputs) × {@value #ACTIVATION_COPIES}, at the trial's
 *       precision (8 or 4 bytes);</li>
 *   <li>heap: the datasets a JVM loads once and shares ({@link #datasetBytes}, float) plus, per running trial,
 *       its own training and validation copies ({@link #splitBytes}).</li>
 * </ul>
 */
public final class MemoryEstimate {

    /** Copies of every weight: value, gradient, two optimiser moments. */
    static final int WEIGHT_COPIES = 4;
    /** Copies of a minibatch's activations: pre-activations, activations, targets, deltas, workspaces. */
    static final int ACTIVATION_COPIES = 16;
    private static final long TEST_IMAGES = 10_000;

    private MemoryEstimate() {
    }

    /** Inputs of a sample of {@code dataset}: 784 (MNIST family), 3072 (CIFAR), 6 (student–teacher). */
    static int inputs(String dataset) {
        return switch (Datasets.files(dataset)) {
            case Datasets.CIFAR10, Datasets.CIFAR100 -> 3072;
            case Datasets.STUDENT_TEACHER -> StudentTeacher.INPUTS;
            default -> 784;
        };
    }

    /** Outputs of the network on {@code dataset}: its classes (10, 100) or regression outputs. */
    static int outputs(String dataset) {
        return switch (dataset) {
            case Datasets.CIFAR100 -> 100;
            case Datasets.STUDENT_TEACHER -> StudentTeacher.OUTPUTS;
            default -> 10;
        };
    }

    /** ND4J bytes of one trial: weights, their gradients and optimiser state, activations and workspaces. */
    public static long networkBytes(RunConfig c) {
        long in = inputs(c.dataset());
        long out = outputs(c.dataset());
        long layers = c.getInt(Methods.NUM_HIDDEN);
        long h = c.getInt(Methods.SIZE_HIDDEN);
        long weights = in * h + (layers - 1) * h * h + h * out + layers * h + out;
        if (c.has(Methods.LR_FB) || Methods.isIterative(c.method())) {      // feedback maps or decoders
            weights *= 2;
        }
        if (c.has(Methods.SIZE_HIDDEN_FB)) {
            weights += 2 * layers * h * c.getInt(Methods.SIZE_HIDDEN_FB);
        }
        if (c.has(Methods.JACOBIANS) && c.getBoolean(Methods.JACOBIANS)) {
            weights += layers * h * h;
        }
        long activations = c.getInt(Methods.BATCH_SIZE) * (in + layers * h + out);
        long bytes = "float32".equals(c.getString(Methods.PRECISION)) ? 4 : 8;
        return (weights * WEIGHT_COPIES + activations * ACTIVATION_COPIES) * bytes;
    }

    /** Heap bytes of one trial's own copies of its training and validation samples (float). */
    public static long splitBytes(RunConfig c) {
        long file = Datasets.trainingFileSize(c.dataset());
        if (file == 0) {
            return (long) (StudentTeacher.TRAIN + StudentTeacher.VALIDATION) * (inputs(c.dataset()) + outputs(c.dataset())) * 4;
        }
        long heldOut = c.getBoolean(Methods.NO_VAL_SET) ? 0 : Datasets.validationSize(c.dataset());
        long subset = c.getInt(Methods.TRAIN_SUBSET);
        long rows = subset > 0 ? heldOut + subset : file;
        return rows * (inputs(c.dataset()) + 1) * 4;
    }

    /** Heap bytes of {@code dataset}'s training and test files as loaded once per JVM (float pixels, int labels). */
    public static long datasetBytes(String dataset) {
        long file = Datasets.trainingFileSize(dataset);
        return file == 0 ? 0 : (file + TEST_IMAGES) * (inputs(dataset) + 1) * 4;
    }

    /**
     * Refuses {@code plan} when its trials would not fit a JVM of {@code jvmBytes} running {@code tasks} trials at
     * once (fewer when the plan has fewer trials); {@code raise} says how to give them more.
     *
     * @throws ConfigException giving the estimate, the limit and {@code raise}
     */
    public static void check(SweepPlan plan, long jvmBytes, int tasks, String raise) {
        if (plan.trials().isEmpty()) {
            return;
        }
        long running = Math.max(1, Math.min(tasks, plan.trials().size()));
        RunConfig biggest = plan.trials().stream().max(Comparator.comparingLong(MemoryEstimate::networkBytes)).get();
        long network = networkBytes(biggest);
        if (running * network > jvmBytes) {
            throw new ConfigException(plan.name() + ": a trial of " + biggest.method() + " on " + biggest.dataset()
                    + " (num_hidden " + biggest.getInt(Methods.NUM_HIDDEN) + ", size_hidden "
                    + biggest.getInt(Methods.SIZE_HIDDEN) + ", batch_size " + biggest.getInt(Methods.BATCH_SIZE) + ", "
                    + biggest.getString(Methods.PRECISION) + ") needs about " + mib(network) + " for its network, "
                    + running + " at once about " + mib(running * network) + ", but a JVM has " + mib(jvmBytes)
                    + "; allowed: at most " + mib(jvmBytes) + " — " + raise + ", or use a smaller network");
        }
        Set<String> files = new LinkedHashSet<>();
        plan.trials().forEach(t -> files.add(Datasets.files(t.dataset())));
        long shared = files.stream().mapToLong(MemoryEstimate::datasetBytes).sum();
        long split = plan.trials().stream().mapToLong(MemoryEstimate::splitBytes).max().orElse(0);
        long heap = shared + running * split;
        if (heap > jvmBytes) {
            throw new ConfigException(plan.name() + ": the data need about " + mib(heap) + " of heap (the datasets "
                    + files + " " + mib(shared) + ", plus " + running + " trials at once × " + mib(split)
                    + " for their training and validation samples), but a JVM has " + mib(jvmBytes)
                    + "; allowed: at most " + mib(jvmBytes) + " — " + raise + ", or set a smaller train_subset");
        }
    }

    /** {@code bytes} in MiB, rounded up, e.g. {@code "1536 MiB"}. */
    static String mib(long bytes) {
        return ((bytes + (1 << 20) - 1) >> 20) + " MiB";
    }
}
