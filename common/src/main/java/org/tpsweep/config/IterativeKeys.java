package org.tpsweep.config;

import java.util.List;
import java.util.Map;

/**
 * The hyperparameters of dtp-iterative (Bengio 2020, ALGORITHMS.md §3c) with their defaults, and the checks
 * that span several keys: the option combinations the rule does not have and the non-injective activations, each
 * one {@link ConfigException} line before any work.
 */
public final class IterativeKeys {
    /** sum | mean: how per-sample updates are combined (the decoder step and the forward update alike). */
    public static final String REDUCTION = "reduction";
    /** leaky-relu | tanh: the hidden nonlinearity φ (must be injective). */
    public static final String ACTIVATION = "activation";
    /** s: the leaky-ReLU slope, &gt; 0. */
    public static final String LEAKY_SLOPE = "leaky_slope";
    /** h_0 = φ(x) as printed in [B] (default: h_0 = x). */
    public static final String INPUT_PHI = "input_phi";
    /** σ_dec of the decoder step in units of the per-unit RMS of a_{i-1} over the minibatch (0: clean, as [B]). */
    public static final String DEC_NOISE = "dec_noise";
    /** difference | decoder: the start of the refinement (S3); ALGORITHMS.md writes it init=…. */
    public static final String TARGET_INIT = "target_init";
    /** synchronous | sequential: the sweep scheme of eq. 35. */
    public static final String SCHEME = "scheme";
    /** eq35 | eq27 | eq27+34 | eq27-then-35 (ALGORITHMS.md: eq27→35): the refinement. */
    public static final String REFINE = "refine";
    /** ε_rel of the per-sample relative stop. */
    public static final String EPS_REL = "eps_rel";
    /** T_max: the most sweeps per refinement. */
    public static final String T_MAX = "t_max";
    /** Keep the best iterate per sample and stop samples whose residual explodes. */
    public static final String DIVERGENCE_GUARD = "divergence_guard";
    /** influence | convex | none: the layer weights κ_i of the forward update. */
    public static final String LAYER_WEIGHTS = "layer_weights";
    /** η_dec of the decoder-only pre-training epochs ({@code epochs_fb}, mean reduction). */
    public static final String LR_DEC_PRETRAIN = "lr_dec_pretrain";
    /** Record ρ and ‖·‖₂ of each layer's sweep Jacobian on the evaluation set after every epoch (and epoch 0). */
    public static final String CONTRACTION = "contraction_diagnostics";

    public static final String SUM = "sum";
    public static final String MEAN = "mean";
    public static final String LEAKY_RELU = "leaky-relu";
    public static final String TANH = "tanh";
    public static final String DIFFERENCE = "difference";
    public static final String DECODER = "decoder";
    public static final String SYNCHRONOUS = "synchronous";
    public static final String SEQUENTIAL = "sequential";
    public static final String EQ35 = "eq35";
    public static final String EQ27 = "eq27";
    public static final String EQ27_34 = "eq27+34";
    public static final String EQ27_THEN_35 = "eq27-then-35";
    public static final String INFLUENCE = "influence";
    public static final String CONVEX = "convex";
    public static final String NONE = "none";

    private IterativeKeys() {
    }

    /** The method-specific parameters with the §3c defaults (β is {@code target_stepsize}, 0.05). */
    static List<ParamDef> params() {
        return List.of(
                ParamDef.positive(Methods.TARGET_STEPSIZE, 0.05, "β: output target step size, decoder step size "
                        + "η_dec and, through the normalised update (η = 1), the learning rate"),
                ParamDef.choice(REDUCTION, SUM, List.of(SUM, MEAN), "per-sample updates summed (first-order "
                        + "equivalent of B online steps) or averaged (divides [B]'s step by B), decoders and forward "
                        + "weights alike"),
                ParamDef.choice(ACTIVATION, LEAKY_RELU, List.of(LEAKY_RELU, TANH), "hidden nonlinearity φ "
                        + "(injective; ReLU is refused)"),
                ParamDef.positive(LEAKY_SLOPE, 0.5, "leaky-ReLU slope s > 0 ([B] gives none)"),
                ParamDef.flag(INPUT_PHI, false, "h_0 = φ(x) as printed in [B] (default h_0 = x)"),
                ParamDef.nonNegative(DEC_NOISE, 1.0, "σ_dec of the decoder step in units of the per-unit RMS of "
                        + "a_{i-1} over the minibatch; 0 = clean pairs as in [B]"),
                ParamDef.choice(TARGET_INIT, DIFFERENCE, List.of(DIFFERENCE, DECODER), "start of the refinement: "
                        + "difference τ_{i-1} = a_{i-1} + g_i(τ_i) − g_i(a_i), or decoder τ_{i-1} = g_i(τ_i) "
                        + "(Algorithm 1 as printed)"),
                ParamDef.choice(SCHEME, SYNCHRONOUS, List.of(SYNCHRONOUS, SEQUENTIAL), "eq.-35 sweeps: all layers "
                        + "at once from the previous sweep (Jacobi), or layer by layer top-down to convergence ([B] §6)"),
                ParamDef.choice(REFINE, EQ35, List.of(EQ35, EQ27, EQ27_34, EQ27_THEN_35), "refinement: eq. 35; "
                        + "eq. 27 (u_i ← u_i + τ_i − f_i(g_i(u_i)), τ_{i-1} = g_i(u_i)); eq. 27 then eq. 34; eq. 27 "
                        + "then eq. 35 (ALGORITHMS.md: eq27→35)"),
                ParamDef.positive(EPS_REL, 1e-4, "per-sample stop when ‖Δτ_1‖ < eps_rel·‖τ_L − a_L‖ (from sweep L − 1)"),
                ParamDef.integer(T_MAX, 100, 1, 1_000_000, "most sweeps per refinement"),
                ParamDef.flag(DIVERGENCE_GUARD, true, "keep each sample's iterate of smallest residual, stop a sample "
                        + "whose residual is non-finite or > 10³ × its best, restore the best at the end"),
                ParamDef.choice(LAYER_WEIGHTS, INFLUENCE, List.of(INFLUENCE, CONVEX, NONE), "κ_i of the forward "
                        + "update: influence ‖τ_L − a_L‖²/‖τ_i − a_i‖² (eq. 42), convex (κ_i/Σ_k κ_k), none (κ = 1)"),
                ParamDef.integer(Methods.EPOCHS_FB, 2, 0, 1000, "decoder-only pre-training epochs"),
                ParamDef.positive(LR_DEC_PRETRAIN, 0.5, "η_dec of the decoder-only pre-training (mean reduction)"),
                ParamDef.flag(CONTRACTION, true, "after the pre-training and every epoch, ρ and ‖·‖₂ of each "
                        + "layer's sweep Jacobian I − J_g J_f (eq. 27: I − J_f J_g) at the first sample of every "
                        + "validation minibatch, into the diagnostics table"));
    }

    /**
     * Refuses given values the rule cannot run before any default is filled in: a non-injective activation
     * (ReLU).
     */
    static void checkGiven(MethodDescriptor m, Map<String, ?> given, String context) {
        if (!Methods.isIterative(m.name())) {
            return;
        }
        Object act = given.get(ACTIVATION);
        if (act != null && act.toString().trim().equalsIgnoreCase("relu")) {
            throw new ConfigException(context + ": activation = relu is not injective, so its layers cannot be "
                    + "inverted; allowed: " + LEAKY_RELU + " (with leaky_slope > 0) or " + TANH);
        }
    }

    /** Refuses the option combinations dtp-iterative does not have. */
    static void validate(RunConfig c, String context) {
        if (!Methods.isIterative(c.method())) {
            return;
        }
        if (SEQUENTIAL.equals(c.getString(SCHEME)) && !EQ35.equals(c.getString(REFINE))) {
            throw new ConfigException(context + ": scheme = sequential with refine = " + c.getString(REFINE)
                    + " is not a combination the rule has; allowed: scheme = sequential only with refine = eq35");
        }
        boolean tanhInput = TANH.equals(c.getString(ACTIVATION)) && !c.getBoolean(INPUT_PHI);
        if (!tanhInput && (c.getInt(Methods.ANGLE_INTERVAL) > 0 || c.getBoolean(Methods.GN_DAMPING_SEARCH))) {
            throw new ConfigException(context + ": angle_interval/gn_damping_search compare with a tanh BP "
                    + "reference, but this dtp-iterative run has activation = " + c.getString(ACTIVATION)
                    + (c.getBoolean(INPUT_PHI) ? " and input_phi" : "") + "; allowed: angles only with activation = "
                    + "tanh and input_phi = false");
        }
    }

    /**
     * The warning for a decoder step (S1) that can diverge, or null. S1 is normalised LMS with step β per sample,
     * summed (or averaged) over the minibatch: for a fixed minibatch the decoder's error is multiplied by
     * I − η M, M = Σ_b v̄_b v̄_bᵀ / ‖v̄_b‖² (trace B, so every eigenvalue ≤ B), with η = β (sum) or β/B (mean). It
     * contracts for every minibatch only while β·B ≤ 2 (sum) or β ≤ 2 (mean); past that it depends on how
     * aligned the minibatch's inputs are (on MNIST 784-256×5-10, B = 32, sum: β = 0.15 stayed stable, β = 0.3 did
     * not). Diverged decoders make the guard stop every sample, so the hidden layers stop learning.
     */
    public static String decoderStepWarning(double beta, int batchSize, boolean mean) {
        double step = mean ? beta : beta * batchSize;
        if (step <= 2) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "warning: dtp-iterative target_stepsize β = %s with reduction = "
                + "%s and batch_size %d: the decoder step (normalised LMS, step β per sample, %s over the minibatch) "
                + "is stable for every minibatch only while %s ≤ 2 (here %s); above that the decoders can diverge, "
                + "and the hidden layers then stop learning", beta, mean ? MEAN : SUM, batchSize,
                mean ? "averaged" : "summed", mean ? "β" : "β × " + batchSize, step);
    }

    /**
     * The warning for init=decoder on a network with a wider lower layer (n_{i-1} &gt; n_i for some i ≥ 2), or null:
     * there the decoder start leaves an O(1) reconstruction error in every lower target (ALGORITHMS.md §3c).
     */
    public static String wideningWarning(String targetInit, int[] widths) {
        if (!DECODER.equals(targetInit)) {
            return null;
        }
        for (int i = 2; i < widths.length; i++) {
            if (widths[i - 1] > widths[i]) {
                return "warning: dtp-iterative target_init = decoder on a network whose layer " + (i - 1) + " ("
                        + widths[i - 1] + " units) is wider than layer " + i + " (" + widths[i] + "): the decoder "
                        + "start keeps the O(1) reconstruction error g_" + i + "(a_" + i + ") − a_" + (i - 1)
                        + " in every lower target, so hidden layers may not learn; target_init = difference avoids it";
            }
        }
        return null;
    }
}
