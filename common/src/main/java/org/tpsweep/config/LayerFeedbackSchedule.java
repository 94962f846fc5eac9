package org.tpsweep.config;

import java.util.ArrayList;
import java.util.List;

/**
 * How one feedback iteration of [F]'s schedule (ALGORITHMS.md §2b) visits the feedback maps g_2 … g_L: the layer
 * order, and per map its number of steps, noise σ, learning rate and the feedback SGD's momentum. [F]'s code
 * (every rule, l-drl-f included) visits L..2 once each with one σ and one lr_fb; Ernoult et al.'s L-DRL
 * (l-drl-e, §3b) trains the layers in ascending order, each for its own number of steps with its own σ and lr,
 * SGD with momentum 0.9. Rules without the per-layer keys get [F]'s form.
 *
 * <p>Each list is empty (the scalar {@code sigma} / {@code lr_fb}, or 1 step, for every map), one value (every
 * map) or one value per hidden layer: element k (0-based) belongs to hidden layer k + 1, i.e. to the map
 * g_{k+2} that propagates its target.
 */
public final class LayerFeedbackSchedule {
    /** Per-map steps within one feedback iteration. */
    public static final String FB_ITERATIONS = "fb_iterations";
    /** Per-map feedback noise σ. */
    public static final String SIGMA_LAYERS = "sigma_layers";
    /** Per-map feedback learning rate. */
    public static final String LR_FB_LAYERS = "lr_fb_layers";
    /** Heavy-ball momentum of the feedback SGD. */
    public static final String MOMENTUM_FB = "momentum_fb";
    /** The order in which one feedback iteration visits the maps. */
    public static final String FB_LAYER_ORDER = "fb_layer_order";
    public static final String DESCENDING = "descending";
    public static final String ASCENDING = "ascending";

    private final int numLayers;
    private final boolean ascending;
    private final double[] iterations;
    private final double[] sigmas;
    private final double[] lrs;
    private final double sigma;
    private final double lr;
    private final double momentum;

    private LayerFeedbackSchedule(RunConfig c) {
        this.numLayers = c.getInt(Methods.NUM_HIDDEN) + 1;
        this.ascending = c.has(FB_LAYER_ORDER) && ASCENDING.equals(c.getString(FB_LAYER_ORDER));
        this.iterations = list(c, FB_ITERATIONS);
        this.sigmas = list(c, SIGMA_LAYERS);
        this.lrs = list(c, LR_FB_LAYERS);
        this.sigma = c.has(Methods.SIGMA) ? c.getDouble(Methods.SIGMA) : Double.NaN;
        this.lr = c.has(Methods.LR_FB) ? c.getDouble(Methods.LR_FB) : Double.NaN;
        this.momentum = c.has(MOMENTUM_FB) ? c.getDouble(MOMENTUM_FB) : 0.0;
    }

    /** The schedule of a resolved config ([F]'s form for a method without the per-layer keys). */
    public static LayerFeedbackSchedule of(RunConfig c) {
        return new LayerFeedbackSchedule(c);
    }

    /** The parameter definitions, with the given defaults (lists in "x1,x2,…" form, "" = empty). */
    static List<ParamDef> params(String order, String iterations, double momentum) {
        return List.of(
                ParamDef.choice(FB_LAYER_ORDER, order, List.of(DESCENDING, ASCENDING), "order in which one feedback "
                        + "iteration of schedule f trains the maps: descending L..2 ([F]) or ascending 2..L ([E])"),
                ParamDef.doubleList(FB_ITERATIONS, iterations, 1, "schedule f: steps of each map per feedback "
                        + "iteration, one value or one per hidden layer (k-th: the map g_{k+2} into hidden layer "
                        + "k+1); empty = 1"),
                ParamDef.doubleList(SIGMA_LAYERS, "", 0, "per-map feedback noise σ, one value or one per hidden "
                        + "layer; empty = sigma"),
                ParamDef.doubleList(LR_FB_LAYERS, "", 0, "per-map feedback learning rate, one value or one per "
                        + "hidden layer; empty = lr_fb"),
                ParamDef.real(MOMENTUM_FB, momentum, 0, false, 1, true, "heavy-ball momentum of the feedback SGD "
                        + "([E]: 0.9; optimizer sgd and schedule f only)"));
    }

    /**
     * Refuses lists of the wrong length or with bad elements, and per-layer settings where the config's schedule
     * or optimiser cannot apply them; a method without the keys passes.
     *
     * @throws ConfigException naming the key, the bad value and what is allowed
     */
    static void validate(RunConfig c, String context) {
        if (!c.has(FB_ITERATIONS)) {
            return;
        }
        int hidden = c.getInt(Methods.NUM_HIDDEN);
        for (String key : List.of(FB_ITERATIONS, SIGMA_LAYERS, LR_FB_LAYERS)) {
            double[] v = list(c, key);
            if (v.length > 1 && v.length != hidden) {
                throw new ConfigException(context + ": " + key + " has " + v.length + " values but the network has "
                        + hidden + " hidden layers; allowed: none, one value, or one per hidden layer (" + hidden + ")");
            }
            for (double x : v) {
                if (key.equals(FB_ITERATIONS) ? x != Math.rint(x) || x < 1 : !(x > 0) || Double.isInfinite(x)) {
                    throw new ConfigException(context + ": " + key + " = " + c.getString(key) + " has the element "
                            + x + "; allowed: " + (key.equals(FB_ITERATIONS) ? "whole numbers ≥ 1" : "numbers > 0"));
                }
            }
        }
        boolean perLayer = list(c, FB_ITERATIONS).length + list(c, SIGMA_LAYERS).length
                + list(c, LR_FB_LAYERS).length > 0 || c.getDouble(MOMENTUM_FB) > 0
                || ASCENDING.equals(c.getString(FB_LAYER_ORDER));
        boolean scheduleF = c.has(Conventions.SCHEDULE) && Conventions.F.equals(c.getString(Conventions.SCHEDULE));
        if (perLayer && !scheduleF) {
            throw new ConfigException(context + ": fb_iterations, sigma_layers, lr_fb_layers, momentum_fb and "
                    + "fb_layer_order: ascending set how schedule f iterates over the layers, but schedule = "
                    + c.getString(Conventions.SCHEDULE) + "; allowed: them with schedule f (conventions f), or their "
                    + "defaults (empty lists, momentum_fb 0, descending) with schedule m");
        }
        boolean sgd = Conventions.SGD.equals(c.getString(Conventions.OPTIMIZER));
        if (c.getDouble(MOMENTUM_FB) > 0 && !sgd) {
            throw new ConfigException(context + ": momentum_fb = " + c.getDouble(MOMENTUM_FB) + " with optimizer "
                    + c.getString(Conventions.OPTIMIZER) + "; allowed: momentum_fb > 0 with optimizer sgd only "
                    + "(Adam has its own beta1_fb)");
        }
    }

    /** The maps g_i, i = 2..L, in the order one feedback iteration trains them. */
    public List<Integer> layerOrder() {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < numLayers - 1; k++) {
            out.add(ascending ? 2 + k : numLayers - k);
        }
        return out;
    }

    /** Steps of map g_i per feedback iteration. */
    public int iterations(int layer) {
        return (int) perLayer(iterations, layer, 1);
    }

    /** Feedback noise σ of map g_i. */
    public double sigma(int layer) {
        return perLayer(sigmas, layer, sigma);
    }

    /** Feedback learning rate of map g_i. */
    public double lr(int layer) {
        return perLayer(lrs, layer, lr);
    }

    /** Heavy-ball momentum of the feedback SGD (0: plain SGD). */
    public double momentum() {
        return momentum;
    }

    private double perLayer(double[] values, int layer, double fallback) {
        if (layer < 2 || layer > numLayers) {
            throw new IllegalArgumentException("feedback maps are g_2 … g_L, got layer " + layer);
        }
        return values.length == 0 ? fallback : values.length == 1 ? values[0] : values[layer - 2];
    }

    private static double[] list(RunConfig c, String key) {
        return c.has(key) ? c.getDoubleList(key) : new double[0];
    }
}
