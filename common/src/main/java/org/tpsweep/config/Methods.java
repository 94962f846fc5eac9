package org.tpsweep.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of learning methods and their hyperparameters: the one vocabulary of YAML keys, Parquet
 * columns and sweep axes. Defaults are the published MNIST configurations of Meulemans et al. 2020
 * (shared/reference/meulemans-final-configs.txt: {@code mnist_BP}, {@code mnist_DDTPlinear}).
 */
public final class Methods {

    /** Keys of the run itself (network, data, schedule length), shared by every method. */
    public static final String EPOCHS = "epochs";
    public static final String TRAIN_SUBSET = "train_subset";
    public static final String NUM_HIDDEN = "num_hidden";
    public static final String SIZE_HIDDEN = "size_hidden";
    public static final String BATCH_SIZE = "batch_size";
    public static final String PRECISION = "precision";
    /** Forward optimiser and output target. */
    public static final String LR = "lr";
    public static final String TARGET_STEPSIZE = "target_stepsize";
    public static final String NORMALIZE_LR = "normalize_lr";
    public static final String BETA1 = "beta1";
    public static final String BETA2 = "beta2";
    public static final String EPSILON = "epsilon";
    public static final String FORWARD_WD = "forward_wd";
    /** Feedback optimiser, noise and schedule. */
    public static final String LR_FB = "lr_fb";
    public static final String BETA1_FB = "beta1_fb";
    public static final String BETA2_FB = "beta2_fb";
    public static final String EPSILON_FB = "epsilon_fb";
    public static final String FEEDBACK_WD = "feedback_wd";
    public static final String SIGMA = "sigma";
    public static final String EPOCHS_FB = "epochs_fb";
    public static final String EXTRA_FB_EPOCHS = "extra_fb_epochs";

    public static final String BP = "bp";
    public static final String DDTP_LINEAR = "ddtp-linear";

    private static final Map<String, MethodDescriptor> METHODS = new LinkedHashMap<>();

    static {
        register(new MethodDescriptor(BP,
                "backpropagation of the batch-mean cross-entropy, Adam (Meulemans et al. 2020 baseline)",
                concat(runParams(), forwardParams(0.0002970474733093798, 1.0, 0.99, 0.999, 6.927830087224072e-08))));
        register(new MethodDescriptor(DDTP_LINEAR,
                "direct difference TP with linear output-to-layer feedback trained by the difference "
                        + "reconstruction loss (Meulemans et al. 2020, DDTP-linear)",
                concat(runParams(),
                        forwardParams(2.0354415171962153e-05, 0.06096940412767466, 0.9, 0.999, 1.255238177132068e-08),
                        feedbackParams(0.00016378232822128718, 0.999, 0.999, 0.0002838378678760835,
                                5.836204840235672e-07, 0.0907524824699504, 6, 1))));
    }

    private Methods() {
    }

    /** Every method in catalogue order. */
    public static List<MethodDescriptor> all() {
        return List.copyOf(METHODS.values());
    }

    /** The method called {@code name}, or an error naming the allowed methods. */
    public static MethodDescriptor get(String name) {
        MethodDescriptor m = METHODS.get(name);
        if (m == null) {
            throw new ConfigException("unknown method '" + name + "'; allowed: " + METHODS.keySet());
        }
        return m;
    }

    private static void register(MethodDescriptor m) {
        METHODS.put(m.name(), m);
    }

    private static List<ParamDef> runParams() {
        return List.of(
                ParamDef.integer(EPOCHS, 100, 1, Integer.MAX_VALUE, "training epochs"),
                ParamDef.integer(TRAIN_SUBSET, 0, 0, Integer.MAX_VALUE,
                        "train on only this many training samples (0 = the whole training split)"),
                ParamDef.integer(NUM_HIDDEN, 5, 1, 1000, "number of tanh hidden layers"),
                ParamDef.integer(SIZE_HIDDEN, 256, 1, 1_000_000, "width of every hidden layer"),
                ParamDef.integer(BATCH_SIZE, 128, 1, 1_000_000, "minibatch size"),
                ParamDef.choice(PRECISION, "float64", List.of("float64", "float32"), "floating-point precision"));
    }

    private static List<ParamDef> forwardParams(double lr, double beta, double b1, double b2, double eps) {
        return List.of(
                ParamDef.positive(LR, lr, "forward learning rate (divided by target_stepsize when normalize_lr)"),
                ParamDef.positive(TARGET_STEPSIZE, beta, "output target step size β"),
                ParamDef.flag(NORMALIZE_LR, true, "effective forward lr = lr / target_stepsize"),
                ParamDef.real(BETA1, b1, 0, false, 1, true, "forward Adam β1"),
                ParamDef.real(BETA2, b2, 0, false, 1, true, "forward Adam β2"),
                ParamDef.positive(EPSILON, eps, "forward Adam ε"),
                ParamDef.nonNegative(FORWARD_WD, 0.0, "forward coupled L2 weight decay"));
    }

    private static List<ParamDef> feedbackParams(double lr, double b1, double b2, double eps, double wd,
                                                 double sigma, int epochsFb, int extraFb) {
        return List.of(
                ParamDef.positive(LR_FB, lr, "feedback learning rate"),
                ParamDef.real(BETA1_FB, b1, 0, false, 1, true, "feedback Adam β1"),
                ParamDef.real(BETA2_FB, b2, 0, false, 1, true, "feedback Adam β2"),
                ParamDef.positive(EPSILON_FB, eps, "feedback Adam ε"),
                ParamDef.nonNegative(FEEDBACK_WD, wd, "feedback coupled L2 weight decay (all feedback parameters)"),
                ParamDef.positive(SIGMA, sigma, "feedback noise std σ (the DRL loss is scaled by exactly 1/σ²)"),
                ParamDef.integer(EPOCHS_FB, epochsFb, 0, 1000, "feedback-only pre-training epochs"),
                ParamDef.integer(EXTRA_FB_EPOCHS, extraFb, 0, 1000, "feedback-only epochs after every epoch"));
    }

    @SafeVarargs
    private static List<ParamDef> concat(List<ParamDef>... parts) {
        List<ParamDef> all = new ArrayList<>();
        for (List<ParamDef> p : parts) {
            all.addAll(p);
        }
        return List.copyOf(all);
    }
}
