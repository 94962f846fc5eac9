package org.tpsweep.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of learning methods and their hyperparameters: the one vocabulary of YAML keys, Parquet
 * columns and sweep axes. Defaults are the published MNIST configurations of Meulemans et al. 2020
 * (shared/reference/meulemans-final-configs.txt, e.g. {@code mnist_BP}, {@code mnist_DDTPlinear}); each
 * method's description names its config.
 */
public final class Methods {

    /** Keys of the run itself (network, data, schedule length), shared by every method. */
    public static final String EPOCHS = "epochs";
    public static final String TRAIN_SUBSET = "train_subset";
    public static final String NUM_HIDDEN = "num_hidden";
    public static final String SIZE_HIDDEN = "size_hidden";
    public static final String BATCH_SIZE = "batch_size";
    public static final String PRECISION = "precision";
    public static final String NO_VAL_SET = "no_val_set";
    /** Compute the forward updates but never apply them ([M]'s toy experiments, freeze_forward_weights). */
    public static final String FREEZE_FORWARD = "freeze_forward";
    /** [M]'s λ search: after epoch 3, choose each hidden layer's GNT damping and end the run. */
    public static final String GN_DAMPING_SEARCH = "gn_damping_search";
    /** Log [M]'s null-space ratio of every layer's update with the angles (toy experiments). */
    public static final String NULLSPACE_RATIO = "nullspace_ratio";
    /** [M]'s early-stop rule (ALGORITHMS.md §2 step 4): status stopped when training accuracy stays low. */
    public static final String EARLY_STOP = "early_stop";
    /** Alignment angles: every this many training minibatches (0 = off), and the GNT dampings λ_i. */
    public static final String ANGLE_INTERVAL = "angle_interval";
    public static final String GNT_DAMPING = "gnt_damping";
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

    /** Width n_fb of the shared fixed random feedback layer (ddtp-rhl, ddtp-rec). */
    public static final String SIZE_HIDDEN_FB = "size_hidden_fb";
    /** gnt's damping λ of the Gauss-Newton targets. */
    public static final String GN_DAMPING_TRAINING = "gn_damping_training";

    public static final String BP = "bp";
    public static final String DFA = "dfa";
    public static final String DTP = "dtp";
    public static final String DTP_PRETRAINED = "dtp-pretrained";
    public static final String DTP_DRL = "dtp-drl";
    public static final String DDTP_LINEAR = "ddtp-linear";
    public static final String DDTP_RHL = "ddtp-rhl";
    public static final String DDTP_REC = "ddtp-rec";
    public static final String DDTP_CONTROL = "ddtp-control";
    public static final String GNT = "gnt";
    public static final String FW_DTP = "fw-dtp";
    public static final String TP = "tp";
    public static final String FW_DTP_BN = "fw-dtp-bn";
    public static final String DTP_BN = "dtp-bn";
    public static final String L_DRL_F = "l-drl-f";
    public static final String L_DRL_E = "l-drl-e";
    /** Bengio 2020's differential target propagation with iteratively refined inverses (ALGORITHMS.md §3c). */
    public static final String DTP_ITERATIVE = "dtp-iterative";
    /** dtp-iterative with Algorithm 1's literal choices: decoder start, clean decoders, h_0 = φ(x), no pre-training. */
    public static final String DTP_ITERATIVE_LITERAL = "dtp-iterative-literal";
    /** l-drl's loss scale s: 1/2 ([F]'s code) or 1 ([E]). */
    public static final String LDRL_SCALE = "ldrl_scale";
    /** l-drl: r = g_i(y) differentiated ([E]) or held constant ([F]'s code). */
    public static final String LDRL_R_GRAD = "ldrl_r_grad";
    /** Reproduction only: [F]'s BP/FA code uses a_{i-1} in place of h_{i-1} in ∇W_i (ALGORITHMS.md §3b). */
    public static final String FA_BP_PREACT_BUG = "fa_bp_preact_bug";
    /** dtp-drl's reference: noisy h̃_{i-1} ([M]) or clean h_{i-1} ([F]-DRL). */
    public static final String DRL_TARGET = "drl_target";
    public static final String NOISY = "noisy";
    public static final String CLEAN = "clean";
    /** dtp-drl: gradient through the difference term g_i(h_i) ([M]) or not ([F]-DRL). */
    public static final String DIFF_TERM_GRAD = "diff_term_grad";
    /** dtp-drl: the loss scaled by 1/σ² ([M]) or not ([F]-DRL). */
    public static final String INV_SIGMA2_SCALE = "inv_sigma2_scale";
    /** fw-dtp-bn's output layer: linear or linear-BN (ALGORITHMS.md §1b). */
    public static final String LAST_ACTIVATION = "last_activation";
    public static final String LINEAR = "linear";
    public static final String LINEAR_BN = "linear-BN";
    public static final String FA = "fa";
    /** a: fw-dtp's fixed feedback weights are drawn from U(−a, a) (ALGORITHMS.md §1b). */
    public static final String FEEDBACK_SCALE = "feedback_scale";
    /** [F]'s Jacobian conditions per epoch (ALGORITHMS.md §4), on the methods with layer-wise feedback. */
    public static final String JACOBIANS = "jacobians";
    /** How BN enters the Jacobians of the conditions (methods with BN maps only). */
    public static final String JACOBIAN_BN_MODE = "jacobian_bn_mode";
    /** [F]'s quirk: f_i and g_i applied to the one sample, so BN standardises across its features. */
    public static final String PER_SAMPLE_QUIRK = "per-sample-quirk";
    /** BN with the evaluation minibatch's mean and std held fixed: a diagonal 1/(s + ε) factor. */
    public static final String FROZEN_BATCH_STATS = "frozen-batch-stats";

    /**
     * The methods with layer-wise feedback maps g_i from layer i to layer i − 1 (dtp's form, learned or fixed):
     * those whose Jacobian conditions ([F], ALGORITHMS.md §4) exist, so the only ones with {@code jacobians}.
     */
    private static final java.util.Set<String> LAYERWISE_FEEDBACK = java.util.Set.of(DTP, DTP_PRETRAINED, DTP_DRL, TP,
            FW_DTP, FW_DTP_BN, L_DRL_F, L_DRL_E, DTP_BN);
    /** The methods among those whose layers and feedback maps have BN: the only ones with {@code jacobian_bn_mode}. */
    private static final java.util.Set<String> BATCH_NORM_MAPS = java.util.Set.of(FW_DTP_BN, DTP_BN);

    private static final Map<String, MethodDescriptor> METHODS = new LinkedHashMap<>();

    static {
        register(new MethodDescriptor(BP,
                "backpropagation of the batch-mean cross-entropy, Adam (Meulemans et al. 2020 baseline; mnist_BP, "
                        + "which ran in float32)",
                concat(runParams("float32"), forwardParams(0.0002970474733093798, 1.0, 0.99, 0.999,
                                6.927830087224072e-08),
                        List.of(preactBug()), Conventions.params(Conventions.M, false))));
        register(new MethodDescriptor(DFA,
                "direct feedback alignment with fixed Xavier-normal output-to-layer feedback ([M]'s DMLPDTP2 "
                        + "form; mnist_DFA)",
                concat(runParams(),
                        forwardParams(0.0003808175281098754, 1.0, 0.9, 0.999, 1.0861745402518128e-07))));
        register(new MethodDescriptor(DTP,
                "difference target propagation, layer-wise tanh feedback trained by the layer-wise "
                        + "reconstruction loss with the σ floor (mnist_DTP)",
                concat(runParams(),
                        forwardParams(6.185037324617764e-05, 0.21951187497378802, 0.9, 0.999, 1.0170111936290766e-08),
                        feedbackParams(0.0019584756448113774, 0.9, 0.999, 7.541132645747324e-06, 0.0,
                                0.08372453893037193, 0, 0),
                        Conventions.params(Conventions.M, true))));
        register(new MethodDescriptor(FW_DTP,
                "fixed-weight DTP (Shibuya et al. 2023) without BN: dtp's difference targets through fixed "
                        + "random tanh feedback Q_i ~ U(−a, a), never trained; [F]'s conventions by default. [F] "
                        + "published no setting for it (its FW-DTP is the BN form): lr 0.1, β 0.5 are placeholders "
                        + "that lower the training loss of an MNIST subset; with a = 1e-3 the hidden targets are "
                        + "≈ a·√n smaller per layer, so mostly the output layer learns",
                concat(runParams("float32"), forwardParams(0.1, 0.5, 0.9, 0.999, 1e-8),
                        List.of(feedbackScale()),
                        Conventions.params(Conventions.F, false))));
        register(new MethodDescriptor(FW_DTP_BN,
                "[F]'s FW-DTP: fixed-weight DTP with BN (hidden layers and feedback maps BN∘tanh, targets through "
                        + "BN, output linear or linear-BN); defaults: [F]'s conventions and the one published "
                        + "setting (the README of [F]'s code, MNIST: lr 0.1, β 0.04, linear-BN)",
                concat(runParams("float32"), forwardParams(0.1, 0.04, 0.9, 0.999, 1e-8),
                        List.of(feedbackScale(),
                                ParamDef.choice(LAST_ACTIVATION, LINEAR_BN, List.of(LINEAR, LINEAR_BN),
                                        "the output layer: linear, or linear followed by BN")),
                        Conventions.params(Conventions.F, false))));
        register(new MethodDescriptor(L_DRL_F,
                "L-DRL as [F]'s code runs it (its Table-2 L-DRL row): dtp's feedback and targets, each g_i trained "
                        + "by −Σ dx⊙(g_i(f_i(x+dx)) − sg[g_i(y)]) + ½Σ(g_i(y+dy) − sg[g_i(y)])²; [F]'s conventions "
                        + "by default; lr, β, lr_fb, σ are placeholders ([F]'s code defaults), not published settings",
                concat(fCodeDefaultsWithLearnedFeedback(), ldrlParams(0.5, false),
                        LayerFeedbackSchedule.params(LayerFeedbackSchedule.DESCENDING, "", 0.0))));
        register(new MethodDescriptor(L_DRL_E,
                "L-DRL in Ernoult et al. 2022's form: ℓ_i = −2Σ dx⊙(g_i(f_i(x+dx)) − g_i(y)) + Σ(g_i(y+dy) − g_i(y))² "
                        + "with g_i(y) differentiated, on [F]'s network and targets; per feedback iteration the maps "
                        + "train in ascending order, each for its fb_iterations steps with its own σ and lr "
                        + "(sigma_layers, lr_fb_layers), SGD with momentum 0.9; epochs_backward 1 (one iteration per "
                        + "minibatch, one pre-training epoch). [E]'s own lists are for CNNs; lr, β, lr_fb (half of "
                        + "l-drl-f's, the same step for its loss twice as large), σ and 5 steps per map are "
                        + "placeholders",
                withDefault(concat(runParams("float32"), forwardParams(1e-3, 1e-2, 0.9, 0.999, 1e-8),
                        feedbackParams(5e-4, 0.9, 0.999, 1e-8, 0.0, 1e-2, 0, 0), Conventions.params(Conventions.F, true),
                        ldrlParams(1.0, true), LayerFeedbackSchedule.params(LayerFeedbackSchedule.ASCENDING, "5.0", 0.9)),
                        Conventions.EPOCHS_BACKWARD, 1)));
        register(new MethodDescriptor(DTP_BN,
                "dtp with [F]'s BN (in no table of [F]): hidden layers and every learned g_i BN∘tanh, targets through "
                        + "BN, linear output, g_i trained with dtp-f's reconstruction loss through BN; [F]'s "
                        + "conventions by default; lr, β, lr_fb, σ are placeholders ([F]'s code defaults)",
                fCodeDefaultsWithLearnedFeedback()));
        register(new MethodDescriptor(TP,
                "plain target propagation (Bengio 2014; [F]'s TP row): τ_{i-1} = g_i(τ_i) without the difference "
                        + "correction, g_i trained with dtp's reconstruction loss; fails on non-invertible networks "
                        + "([F] Table 2: 78.99 % on MNIST). [F]'s conventions by default; lr, β, lr_fb, σ are "
                        + "placeholders ([F]'s code defaults), not published settings",
                fCodeDefaultsWithLearnedFeedback()));
        register(new MethodDescriptor(FA,
                "feedback alignment ([F]'s FA row): backpropagation with each W_iᵀ replaced by a fixed random B_i "
                        + "~ N(mean(W_i⁰), std(W_i⁰)²); [F]'s conventions by default; lr 0.1 is a placeholder, "
                        + "not a published setting",
                concat(runParams("float32"), forwardParams(0.1, 1.0, 0.9, 0.999, 1e-8), List.of(preactBug()),
                        Conventions.params(Conventions.F, false))));
        register(new MethodDescriptor(DTP_PRETRAINED,
                "dtp with the DRL schedule: feedback pre-training, interleaved feedback epochs, feedback "
                        + "weight decay (mnist_DTP_pretrained)",
                concat(runParams(),
                        forwardParams(8.755114977760993e-05, 0.29588215061609174, 0.9, 0.99, 1.3539369588818846e-07),
                        feedbackParams(0.00046353371500045345, 0.9, 0.9, 4.3671895272055226e-07,
                                0.002191969471427704, 0.17295321576257636, 6, 1))));
        register(new MethodDescriptor(DTP_DRL,
                "dtp's layer-wise feedback trained by the difference reconstruction loss (mnist_DTPDRL)",
                concat(runParams(),
                        forwardParams(2.968902530985572e-05, 0.06858850589618244, 0.9, 0.99, 1.001084429920261e-08),
                        feedbackParams(2.0123315498373473e-05, 0.99, 0.999, 5.0844503288987736e-08,
                                5.384963778780523e-06, 0.056879454462500055, 6, 1),
                        List.of(ParamDef.choice(DRL_TARGET, NOISY, List.of(NOISY, CLEAN), "the reconstruction's "
                                        + "reference: the noisy h̃_{i-1} ([M]) or the clean h_{i-1} ([F]-DRL)"),
                                ParamDef.flag(DIFF_TERM_GRAD, true, "gradient also through the difference term "
                                        + "g_i(h_i) ([M]; [F]-DRL: false)"),
                                ParamDef.flag(INV_SIGMA2_SCALE, true, "scale the loss by 1/σ² ([M]; [F]-DRL: false)")),
                        Conventions.params(Conventions.M, true))));
        register(new MethodDescriptor(DDTP_LINEAR,
                "direct difference TP with linear output-to-layer feedback trained by the difference "
                        + "reconstruction loss (Meulemans et al. 2020, DDTP-linear)",
                concat(runParams(),
                        forwardParams(2.0354415171962153e-05, 0.06096940412767466, 0.9, 0.999, 1.255238177132068e-08),
                        feedbackParams(0.00016378232822128718, 0.999, 0.999, 0.0002838378678760835,
                                5.836204840235672e-07, 0.0907524824699504, 6, 1))));
        register(new MethodDescriptor(DDTP_RHL,
                "direct DTP through a shared fixed random tanh layer z(a_L) and trained tanh maps, DRL "
                        + "(mnist_DDTPRHL)",
                concat(runParams(),
                        forwardParams(2.804754262888465e-05, 0.04351591164035645, 0.9, 0.99, 3.9835298531505314e-08),
                        feedbackParams(0.0003024461368410027, 0.9, 0.999, 3.4025663897285684e-06,
                                0.001621280241954684, 0.041623297924346575, 6, 1),
                        List.of(sizeHiddenFb()))));
        register(new MethodDescriptor(DDTP_REC,
                "ddtp-rhl whose feedback maps also read the layer's own clean activation (mnist_DDTPRHL_rec, "
                        + "which [M] ran in float32)",
                concat(runParams("float32"),
                        forwardParams(2.652373507135506e-06, 0.013702850480584929, 0.99, 0.999, 2.7973489422583565e-08),
                        feedbackParams(2.33465546481648e-05, 0.9, 0.9, 1.8063911581818608e-06,
                                0.00024779683921180096, 0.0571993471784792, 6, 1),
                        List.of(sizeHiddenFb()))));
        register(new MethodDescriptor(DDTP_CONTROL,
                "ddtp-linear's feedback and targets with all biases, feedback trained without difference "
                        + "correction or σ scale (mnist_DDTPControl)",
                concat(runParams(),
                        forwardParams(8.882733337430332e-05, 0.09416689927228376, 0.9, 0.999, 5.552559684258553e-08),
                        feedbackParams(0.00018713096100900022, 0.9, 0.999, 1.2297580110850507e-08,
                                0.00040219548415666565, 0.008719996683197298, 6, 1))));
        register(new MethodDescriptor(GNT,
                "ideal damped Gauss-Newton targets for every layer, no feedback weights (analysis method; "
                        + "forward defaults of mnist_DDTPlinear)",
                concat(runParams(),
                        forwardParams(2.0354415171962153e-05, 0.06096940412767466, 0.9, 0.999, 1.255238177132068e-08),
                        List.of(ParamDef.nonNegative(GN_DAMPING_TRAINING, 0.0,
                                "damping λ of the Gauss-Newton targets (0: pseudo-inverse)")))));
    }

    static {
        register(new MethodDescriptor(DTP_ITERATIVE,
                "Bengio 2020's differential target propagation: pre-activation targets refined by synchronous "
                        + "sweeps of eq. 35 through decoders g_i (trained by normalised LMS, decoder step first), "
                        + "difference start, per-sample relative stop and divergence guard, normalised forward "
                        + "update with layer weights κ_i (eqs. 42-43); no optimiser: β is the learning rate. [B] "
                        + "has no experiments: every default is tp-sweep's choice (ALGORITHMS.md §3c)",
                withDefault(concat(runParams(), IterativeKeys.params()), BATCH_SIZE, 32)));
        register(new MethodDescriptor(DTP_ITERATIVE_LITERAL,
                "dtp-iterative as Algorithm 1 of Bengio 2020 is printed: the decoder start τ_{i-1} = g_i(τ_i), "
                        + "decoders trained on clean pairs (dec_noise 0), h_0 = φ(x), no decoder pre-training; the "
                        + "other keys as dtp-iterative. On a classifier (n_{L-1} > n_L) the decoder start keeps an "
                        + "O(1) offset in every hidden target (ALGORITHMS.md §3c)",
                withDefault(withDefault(withDefault(withDefault(withDefault(concat(runParams(),
                        IterativeKeys.params()), BATCH_SIZE, 32), IterativeKeys.TARGET_INIT, IterativeKeys.DECODER),
                        IterativeKeys.DEC_NOISE, 0.0), IterativeKeys.INPUT_PHI, true), EPOCHS_FB, 0)));
    }

    /** True for dtp-iterative and its literal variant (one rule, two sets of defaults). */
    public static boolean isIterative(String method) {
        return DTP_ITERATIVE.equals(method) || DTP_ITERATIVE_LITERAL.equals(method);
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
        METHODS.put(m.name(), withJacobianParams(m));
    }

    /** {@code m} with the Jacobian-condition keys where it has layer-wise feedback (and the BN mode where BN). */
    private static MethodDescriptor withJacobianParams(MethodDescriptor m) {
        if (!LAYERWISE_FEEDBACK.contains(m.name())) {
            return m;
        }
        List<ParamDef> p = new ArrayList<>(m.params());
        p.add(ParamDef.flag(JACOBIANS, false, "measure [F]'s Jacobian conditions every epoch, epoch 0 (after any "
                + "feedback pre-training, before the first training epoch) included: tr(J_f J_g) and the share of "
                + "its eigenvalues with real part > 0 for layers 2..L at sample 0 of every evaluation minibatch "
                + "(validation set, or the test set with no_val_set), averaged over the minibatches (table "
                + "jacobians)"));
        if (BATCH_NORM_MAPS.contains(m.name())) {
            p.add(ParamDef.choice(JACOBIAN_BN_MODE, PER_SAMPLE_QUIRK, List.of(PER_SAMPLE_QUIRK, FROZEN_BATCH_STATS),
                    "BN in the Jacobians: per-sample-quirk ([F]: f_i, g_i on the one sample, so BN standardises "
                            + "across its features) or frozen-batch-stats (the evaluation minibatch's mean and std "
                            + "held fixed)"));
        }
        return new MethodDescriptor(m.name(), m.description(), List.copyOf(p));
    }

    /** The methods that accept {@code key}, in catalogue order. */
    public static List<String> withKey(String key) {
        return METHODS.values().stream().filter(m -> m.byKey().containsKey(key)).map(MethodDescriptor::name).toList();
    }

    /**
     * Refuses a Jacobian-condition key given to a method that lacks it, with one message naming the methods that
     * have it; any other key is left to the caller's unknown-key message.
     *
     * @throws ConfigException for {@code jacobians} on a method without layer-wise feedback, or
     *                         {@code jacobian_bn_mode} on a method without BN maps
     */
    public static void refuseMissingJacobianKey(MethodDescriptor method, String key, String context) {
        if (method.byKey().containsKey(key)) {
            return;
        }
        if (JACOBIANS.equals(key)) {
            throw new ConfigException(context + ": jacobians needs layer-wise feedback maps g_i (layer i → i − 1), "
                    + "which method " + method.name() + " does not have; allowed: jacobians on the methods with "
                    + "them, " + withKey(JACOBIANS));
        }
        if (JACOBIAN_BN_MODE.equals(key)) {
            throw new ConfigException(context + ": jacobian_bn_mode applies to methods whose layers and feedback maps "
                    + "have BN, which method " + method.name() + " does not; allowed: jacobian_bn_mode on "
                    + withKey(JACOBIAN_BN_MODE));
        }
    }

    /**
     * The parameters of an [F] rule with learned feedback and no published setting: [F]'s code defaults (lr =
     * lr_fb = 1e-3, β = σ = 1e-2), float32, conventions f.
     */
    private static List<ParamDef> fCodeDefaultsWithLearnedFeedback() {
        return concat(runParams("float32"), forwardParams(1e-3, 1e-2, 0.9, 0.999, 1e-8),
                feedbackParams(1e-3, 0.9, 0.999, 1e-8, 0.0, 1e-2, 0, 0), Conventions.params(Conventions.F, true));
    }

    private static List<ParamDef> ldrlParams(double scale, boolean rGrad) {
        return List.of(
                ParamDef.positive(LDRL_SCALE, scale, "scale s of the L-DRL loss: 0.5 ([F]'s code) or 1 ([E])"),
                ParamDef.flag(LDRL_R_GRAD, rGrad, "differentiate r = g_i(y) in the L-DRL loss ([E]) or hold it "
                        + "constant ([F]'s code)"));
    }

    /** {@code params} with the default of {@code key} replaced by {@code value}. */
    private static List<ParamDef> withDefault(List<ParamDef> params, String key, Object value) {
        return params.stream().map(p -> !p.key().equals(key) ? p : new ParamDef(p.key(), p.type(), value, p.min(),
                p.minExclusive(), p.max(), p.maxExclusive(), p.choices(), p.description())).toList();
    }

    private static ParamDef feedbackScale() {
        return ParamDef.positive(FEEDBACK_SCALE, 1e-3, "a: the fixed feedback weights are drawn from U(−a, a) "
                + "([F]'s code: 1e-3; its text: 1e-2)");
    }

    private static ParamDef preactBug() {
        return ParamDef.flag(FA_BP_PREACT_BUG, false, "reproduction only: use the pre-activation a_{i-1} in place "
                + "of h_{i-1} in ∇W_i (i ≥ 2), as the BP and FA code of Shibuya et al. 2023 does (its Table-2 rows)");
    }

    private static ParamDef sizeHiddenFb() {
        return ParamDef.integer(SIZE_HIDDEN_FB, 1024, 1, 1_000_000,
                "width n_fb of the shared fixed random feedback layer");
    }

    private static List<ParamDef> runParams() {
        return runParams("float64");
    }

    private static List<ParamDef> runParams(String precision) {
        return List.of(
                ParamDef.integer(EPOCHS, 100, 1, Integer.MAX_VALUE, "training epochs"),
                ParamDef.integer(TRAIN_SUBSET, 0, 0, Integer.MAX_VALUE,
                        "train on only this many training samples (0 = the whole training split)"),
                ParamDef.integer(NUM_HIDDEN, 5, 1, 1000, "number of tanh hidden layers"),
                ParamDef.integer(SIZE_HIDDEN, 256, 1, 1_000_000, "width of every hidden layer"),
                ParamDef.integer(BATCH_SIZE, 128, 1, 1_000_000, "minibatch size"),
                ParamDef.integer(ANGLE_INTERVAL, 0, 0, Integer.MAX_VALUE, "log alignment angles with BP (and GNT "
                        + "when gnt_damping is set) on every N-th training minibatch; 0 = off, unless gnt_damping or "
                        + "nullspace_ratio asks for angles: then every max(1, ⌊minibatches/100⌋)-th"),
                ParamDef.doubleList(GNT_DAMPING, 0.0, "damping λ_i of the GNT reference update per hidden layer for "
                        + "the GNT angles (empty = no GNT angles)"),
                ParamDef.flag(EARLY_STOP, false, "end the run (status stopped) when an epoch from the 6th on has "
                        + "mean training accuracy < 0.4 (MNIST family), < 0.25 (cifar10); never on cifar100 and "
                        + "regression"),
                ParamDef.flag(NULLSPACE_RATIO, false, "with the angles, log each layer's null-space ratio "
                        + "‖P_null(J_W) ΔW‖/‖ΔW‖ (reference 'nullspace'; small networks only)"),
                ParamDef.flag(GN_DAMPING_SEARCH, false, "analysis run: after epoch 3, one frozen pass choosing "
                        + "each hidden layer's GNT damping λ (smallest mean GNT angle); the run then ends"),
                ParamDef.flag(FREEZE_FORWARD, false, "compute forward updates (and their angles) but never apply "
                        + "them; feedback weights still train"),
                ParamDef.flag(NO_VAL_SET, false, "train on the whole training set without a validation split; "
                        + "the reported test error is then the last epoch's ([M]'s *_train configs)"),
                ParamDef.choice(PRECISION, precision, List.of("float64", "float32"), "floating-point precision"));
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
