package org.tpsweep.rules;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.rng.Random;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.Initializers;
import org.tpsweep.nn.NoiseSource;

/**
 * Builds the network and the learning rule a run configuration names: the architecture (n_0, n_hidden × L−1,
 * n_L), which layers have biases (ALGORITHMS.md §1), and the rule with its hyperparameters.
 */
public final class LearningRules {
    private LearningRules() {
    }

    /** n_0, size_hidden repeated num_hidden times, n_L. */
    public static int[] widths(RunConfig config, int inputDim, int outputDim) {
        int hidden = config.getInt(Methods.NUM_HIDDEN);
        int[] w = new int[hidden + 2];
        w[0] = inputDim;
        Arrays.fill(w, 1, hidden + 1, config.getInt(Methods.SIZE_HIDDEN));
        w[hidden + 1] = outputDim;
        return w;
    }

    /** The dtype the config's {@code precision} names. */
    public static DataType dataType(RunConfig config) {
        return "float32".equals(config.getString(Methods.PRECISION)) ? DataType.FLOAT : DataType.DOUBLE;
    }

    private static final Map<String, RuleFactory> FACTORIES = new HashMap<>();

    static {
        register(Methods.BP, (c, widths, dtype, init, noise) ->
                new BackpropRule(forwardNetwork(c, widths, allBiases(widths), dtype, init),
                        c.getBoolean(Methods.FA_BP_PREACT_BUG)));
        register(Methods.DDTP_LINEAR, (c, widths, dtype, init, noise) -> {
            DenseNetwork net = DenseNetwork.xavierNormal(widths, withoutLastHiddenBias(widths), dtype, init);
            DirectLinearFeedback fb = new DirectLinearFeedback(widths, dtype, init);
            return new DdtpLinearRule(net, fb, c.getDouble(Methods.TARGET_STEPSIZE), c.getDouble(Methods.SIGMA), noise);
        });
        register(Methods.DFA, DfaRule::create);
        register(Methods.GNT, GntRule::create);
        register(Methods.DTP, DtpRule::create);
        register(Methods.DTP_PRETRAINED, DtpRule::create);
        register(Methods.DTP_DRL, DtpDrlRule::create);
        register(Methods.FW_DTP, FwDtpRule::create);
        register(Methods.FW_DTP_BN, FwDtpRule::create);
        register(Methods.TP, DtpRule::create);
        register(Methods.DTP_BN, DtpRule::create);
        register(Methods.L_DRL_F, LDrlRule::create);
        register(Methods.L_DRL_E, LDrlRule::create);
        register(Methods.FA, FeedbackAlignmentRule::create);
        register(Methods.DDTP_RHL, DdtpRhlRule::rhl);
        register(Methods.DDTP_REC, DdtpRhlRule::rec);
        register(Methods.DDTP_CONTROL, DdtpControlRule::create);
        register(Methods.DTP_ITERATIVE, DtpIterativeRule::create);
        register(Methods.DTP_ITERATIVE_LITERAL, DtpIterativeRule::create);
    }

    private static void register(String method, RuleFactory factory) {
        FACTORIES.put(method, factory);
    }

    /** True when a learning rule is registered for {@code method}. */
    public static boolean has(String method) {
        return FACTORIES.containsKey(method);
    }

    /**
     * Creates the rule for {@code config}: forward weights, then feedback weights, drawn from {@code init};
     * feedback noise from {@code noise}.
     */
    public static LearningRule create(RunConfig config, int inputDim, int outputDim, Random init,
                                      NoiseSource noise) {
        RuleFactory factory = FACTORIES.get(config.method());
        if (factory == null) {
            throw new ConfigException("no learning rule for method '" + config.method() + "'");
        }
        return factory.create(config, widths(config, inputDim, outputDim), dataType(config), init, noise);
    }

    /**
     * The forward network under the config's conventions: {@code init} (xavier-normal or orthogonal) and, when
     * the config has {@code biases = false}, no bias in any layer; otherwise the biases {@code hasBias} says.
     */
    public static DenseNetwork forwardNetwork(RunConfig c, int[] widths, boolean[] hasBias, DataType dtype,
                                              Random rng) {
        boolean[] bias = biases(c) ? hasBias : new boolean[widths.length - 1];
        Initializers.Init init = c.has(Conventions.INIT) && Conventions.ORTHOGONAL.equals(c.getString(Conventions.INIT))
                ? Initializers::orthogonal : Initializers::xavierNormal;
        return DenseNetwork.initialized(widths, bias, init, dtype, rng);
    }

    /** False when the config's conventions have no biases ({@code biases = false}); true otherwise. */
    public static boolean biases(RunConfig c) {
        return !c.has(Conventions.BIASES) || c.getBoolean(Conventions.BIASES);
    }

    /** The initialisation of learned feedback weights: Xavier-normal ([M]) or U(−1e-2, 1e-2) ([F]). */
    public static Initializers.Init learnedFeedbackInit(RunConfig c) {
        if (c.has(Conventions.FEEDBACK_INIT) && Conventions.UNIFORM.equals(c.getString(Conventions.FEEDBACK_INIT))) {
            return (rows, cols, dtype, rng) -> Initializers.uniform(rows, cols, LEARNED_FEEDBACK_BOUND, dtype, rng);
        }
        return Initializers::xavierNormal;
    }

    /** [F]'s bound of learned feedback weights, U(−1e-2, 1e-2) (ALGORITHMS.md §1b). */
    public static final double LEARNED_FEEDBACK_BOUND = 1e-2;

    /** The output target: β = target_stepsize, with the config's loss reduction (mean unless it says sum). */
    public static OutputTarget outputTarget(RunConfig c) {
        boolean sum = c.has(Conventions.LOSS_REDUCTION) && Conventions.SUM.equals(c.getString(Conventions.LOSS_REDUCTION));
        return new OutputTarget(c.getDouble(Methods.TARGET_STEPSIZE), sum);
    }

    /** Every layer has a bias (bp, dtp family, ddtp-rhl/rec/control, gnt). */
    public static boolean[] allBiases(int[] widths) {
        boolean[] b = new boolean[widths.length - 1];
        Arrays.fill(b, true);
        return b;
    }

    /** Every layer has a bias except the last hidden layer L−1 (dfa, ddtp-linear; ALGORITHMS.md §1 Biases). */
    public static boolean[] withoutLastHiddenBias(int[] widths) {
        boolean[] b = allBiases(widths);
        if (b.length >= 2) {
            b[b.length - 2] = false;
        }
        return b;
    }
}
