package org.tpsweep.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A paper's conventions as data, not as forks of the code (ALGORITHMS.md §1 vs §1b, §2 vs §2b). Each convention
 * is one hyperparameter of its own ({@link #keys()}); the per-trial setting {@code conventions: m | f} only
 * chooses the defaults of those keys that the spec leaves unset. [M]'s values are the keys' defaults;
 * {@code conventions: f} turns them into [F]'s: sum cross-entropy (no 1/B in the output target), plain SGD
 * (lr × the gradient of the batch-mean loss, i.e. [F]'s lr/B on the batch sum) without weight decay, no biases, orthogonal forward
 * weights, learned feedback drawn from U(±1e-2), no lr/β normalisation, [F]'s schedule (K feedback iterations
 * per minibatch before the targets, K pre-training epochs), [F]'s data normalisation and float32.
 * A new convention later is one key here plus the code that reads it.
 */
public final class Conventions {
    /** The per-trial choice of conventions. */
    public static final String KEY = "conventions";
    public static final String M = "m";
    public static final String F = "f";

    /** mean | sum: the reduction of the classification loss over the minibatch (sets the output target's 1/B). */
    public static final String LOSS_REDUCTION = "loss_reduction";
    /** adam | sgd: the optimiser of forward and feedback parameters. */
    public static final String OPTIMIZER = "optimizer";
    /** Whether forward layers and feedback maps have biases. */
    public static final String BIASES = "biases";
    /** xavier-normal | orthogonal: the forward weights' initialisation. */
    public static final String INIT = "init";
    /** xavier-normal | uniform: learned feedback weights' initialisation ([F]: U(−1e-2, 1e-2)). */
    public static final String FEEDBACK_INIT = "feedback_init";
    /** m | f: the training schedule of ALGORITHMS.md §2 or §2b. */
    public static final String SCHEDULE = "schedule";
    /** K of §2b: feedback iterations per minibatch and pre-training epochs (schedule f only). */
    public static final String EPOCHS_BACKWARD = "epochs_backward";
    /** m | f: [M]'s per-dataset data normalisation or [F]'s (x/255 − 0.1307)/0.3081 for every dataset. */
    public static final String DATA_NORMALIZATION = "data_normalization";
    /** random | last: [M]'s seeded random validation split or [F]'s fixed slice, the last samples of the file. */
    public static final String VALIDATION_SPLIT = "validation_split";
    public static final String RANDOM = "random";
    public static final String LAST = "last";
    /** Evaluation minibatch size: the unit of the batch-averaged error, and the BN batch when evaluating. */
    public static final String EVAL_BATCH_SIZE = "eval_batch_size";

    public static final String MEAN = "mean";
    public static final String SUM = "sum";
    public static final String ADAM = "adam";
    public static final String SGD = "sgd";
    public static final String XAVIER_NORMAL = "xavier-normal";
    public static final String ORTHOGONAL = "orthogonal";
    public static final String UNIFORM = "uniform";

    /** [F]'s value of every key that {@code conventions: f} changes (§1b, §2b). */
    private static final Map<String, Object> F_VALUES = fValues();

    private Conventions() {
    }

    private static Map<String, Object> fValues() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put(LOSS_REDUCTION, SUM);
        f.put(OPTIMIZER, SGD);
        f.put(BIASES, false);
        f.put(INIT, ORTHOGONAL);
        f.put(FEEDBACK_INIT, UNIFORM);
        f.put(SCHEDULE, F);
        f.put(DATA_NORMALIZATION, F);
        f.put(EVAL_BATCH_SIZE, 256);
        f.put(VALIDATION_SPLIT, LAST);
        f.put(Methods.NORMALIZE_LR, false);
        f.put(Methods.FORWARD_WD, 0.0);
        f.put(Methods.FEEDBACK_WD, 0.0);
        f.put(Methods.PRECISION, "float32");
        return Map.copyOf(f);
    }

    /** The convention keys a method with conventions carries (besides normalize_lr and precision). */
    public static List<String> keys() {
        return List.of(KEY, LOSS_REDUCTION, OPTIMIZER, BIASES, INIT, FEEDBACK_INIT, SCHEDULE, EPOCHS_BACKWARD,
                DATA_NORMALIZATION, EVAL_BATCH_SIZE, VALIDATION_SPLIT);
    }

    /** The keys {@code conventions: f} sets when the spec leaves them unset. */
    public static Set<String> keysSetByF() {
        return F_VALUES.keySet();
    }

    /**
     * The parameter definitions of the convention keys, with [M]'s values as defaults (a method whose default
     * conventions are f gets [F]'s through {@link #withDefaults}).
     */
    static List<ParamDef> params(String defaultConventions, boolean withFeedback) {
        List<ParamDef> p = new java.util.ArrayList<>(List.of(
                ParamDef.choice(KEY, defaultConventions, List.of(M, F), "whose conventions: m (Meulemans et al. "
                        + "2020) or f (Shibuya et al. 2023); sets the defaults of the convention keys below"),
                ParamDef.choice(LOSS_REDUCTION, MEAN, List.of(MEAN, SUM), "cross-entropy over the minibatch: mean "
                        + "([M]; the output target carries 1/B) or sum ([F]; no 1/B)"),
                ParamDef.choice(OPTIMIZER, ADAM, List.of(ADAM, SGD), "adam ([M], ε after the bias correction) or "
                        + "plain sgd ([F]: lr × the gradient of the batch-mean loss, feedback with lr_fb)"),
                ParamDef.flag(BIASES, true, "forward layers and feedback maps have biases ([F]: none)"),
                ParamDef.choice(INIT, XAVIER_NORMAL, List.of(XAVIER_NORMAL, ORTHOGONAL),
                        "forward weight initialisation ([F]: orthogonal, gain 1)"),
                ParamDef.choice(SCHEDULE, M, List.of(M, F), "m: one feedback step per forward step after the "
                        + "targets, epochs_fb/extra_fb_epochs; f: epochs_backward feedback iterations per minibatch "
                        + "before the targets and epochs_backward pre-training epochs"),
                ParamDef.integer(EPOCHS_BACKWARD, 5, 0, 1000, "K of schedule f: feedback iterations per "
                        + "minibatch and pre-training epochs"),
                ParamDef.choice(DATA_NORMALIZATION, M, List.of(M, F), "m: per dataset (MNIST (x−0.1307)/0.3081, "
                        + "Fashion-MNIST x, CIFAR (x−0.5)/0.5); f: (x − 0.1307)/0.3081 for every dataset"),
                ParamDef.choice(VALIDATION_SPLIT, RANDOM, List.of(RANDOM, LAST), "the validation samples: a "
                        + "seeded random 5000 of the training file ([M]) or its last 5000 ([F]'s search slice)"),
                ParamDef.integer(EVAL_BATCH_SIZE, 128, 1, 1_000_000, "evaluation minibatch size: the unit of the "
                        + "batch-averaged error ([M] 128) and, with BN, the batch whose statistics normalise ([F] 256)")));
        if (withFeedback) {
            p.add(ParamDef.choice(FEEDBACK_INIT, XAVIER_NORMAL, List.of(XAVIER_NORMAL, UNIFORM),
                    "learned feedback weight initialisation ([F]: U(−1e-2, 1e-2))"));
        }
        return p;
    }

    /**
     * {@code given} with the convention defaults its {@code conventions} value implies, for the keys the method
     * has and {@code given} leaves unset; unchanged for conventions m or when the key is absent.
     *
     * @throws ConfigException when {@code conventions} is given to a method without conventions, naming the
     *                         methods that have them
     */
    public static Map<String, Object> withDefaults(MethodDescriptor method, Map<String, ?> given) {
        Map<String, Object> out = new LinkedHashMap<>(given);
        ParamDef def = method.byKey().get(KEY);
        Object c = given.containsKey(KEY) ? given.get(KEY) : def == null ? null : def.defaultValue();
        if (c == null) {
            return out;
        }
        if (def == null) {
            throw new ConfigException("method '" + method.name() + "' has no conventions setting (it runs [M]'s "
                    + "conventions only); methods with conventions m | f: " + withConventions());
        }
        if (!F.equals(c)) {
            return out;
        }
        for (Map.Entry<String, Object> e : F_VALUES.entrySet()) {
            if (method.byKey().containsKey(e.getKey()) && !given.containsKey(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * Refuses combinations the conventions do not have: weight decay with plain SGD ([F]'s SGD has none; it is
     * an option of the Adam optimisers here).
     */
    public static void validate(RunConfig c, String context) {
        if (Methods.FW_DTP_BN.equals(c.method()) && c.getInt(Methods.BATCH_SIZE) < 2) {
            throw new ConfigException(context + ": batch_size = " + c.getInt(Methods.BATCH_SIZE) + " with BN; allowed: "
                    + "batch_size ≥ 2 (BN's unbiased std divides by B − 1, so B = 1 gives NaN)");
        }
        if (c.has(OPTIMIZER) && SGD.equals(c.getString(OPTIMIZER))) {
            for (String wd : List.of(Methods.FORWARD_WD, Methods.FEEDBACK_WD)) {
                if (c.has(wd) && c.getDouble(wd) != 0) {
                    throw new ConfigException(context + ": " + wd + " = " + c.getDouble(wd) + " with optimizer sgd; "
                            + "allowed: " + wd + " = 0 with sgd (weight decay is an option of optimizer adam)");
                }
            }
        }
    }

    /** The methods that carry the conventions setting. */
    public static List<String> withConventions() {
        return Methods.all().stream().filter(m -> m.byKey().containsKey(KEY)).map(MethodDescriptor::name).toList();
    }
}
