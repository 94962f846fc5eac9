package org.tpsweep.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One fully resolved training run: method, dataset, seed and every hyperparameter of the method (defaults
 * filled in, validated). Immutable; its {@link #canonical()} string is the basis of the trial id.
 */
public record RunConfig(String method, String dataset, long seed, SortedMap<String, Object> params)
        implements java.io.Serializable {

    public RunConfig {
        params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
    }

    /**
     * Validates {@code given} against the method's definitions and fills in its defaults.
     *
     * @throws ConfigException for an unknown method, dataset, key or an out-of-range value
     */
    public static RunConfig of(String method, String dataset, long seed, Map<String, ?> given) {
        MethodDescriptor m = Methods.get(method);
        Datasets.require(dataset);
        String context = method + " on " + dataset;
        for (String key : given.keySet()) {
            Methods.refuseMissingJacobianKey(m, key, context);
        }
        IterativeKeys.checkGiven(m, given, context);
        RunConfig config = new RunConfig(method, dataset, seed, m.resolve(Conventions.withDefaults(m, given), context));
        Conventions.validate(config, context);
        LayerFeedbackSchedule.validate(config, context);
        IterativeKeys.validate(config, context);
        int fileSize = Datasets.trainingFileSize(dataset);
        int heldOut = config.getBoolean(Methods.NO_VAL_SET) ? 0 : Datasets.validationSize(dataset);
        if (fileSize > 0 && config.getInt(Methods.TRAIN_SUBSET) > fileSize - heldOut) {
            throw new ConfigException(context + ": train_subset = " + config.getInt(Methods.TRAIN_SUBSET) + " but the "
                    + dataset + " training split has " + (fileSize - heldOut) + " samples (" + fileSize + " in its "
                    + "training file" + (heldOut > 0 ? ", " + heldOut + " held out for validation" : "") + "); allowed: "
                    + "0 (all) to " + (fileSize - heldOut));
        }
        double[] damping = config.getDoubleList(Methods.GNT_DAMPING);
        int hidden = config.getInt(Methods.NUM_HIDDEN);
        if (damping.length != 0 && damping.length != hidden) {
            throw new ConfigException(context + ": gnt_damping has " + damping.length + " values but the network has "
                    + hidden + " hidden layers; allowed: exactly one damping per hidden layer (or none)");
        }
        if (config.getBoolean(Methods.GN_DAMPING_SEARCH) && config.getInt(Methods.EPOCHS) < 3) {
            throw new ConfigException(context + ": gn_damping_search runs after epoch 3, but epochs = "
                    + config.getInt(Methods.EPOCHS) + "; allowed: epochs ≥ 3");
        }
        return config;
    }

    public double getDouble(String key) {
        return ((Number) require(key)).doubleValue();
    }

    public int getInt(String key) {
        return ((Number) require(key)).intValue();
    }

    public boolean getBoolean(String key) {
        return (Boolean) require(key);
    }

    /** A {@link ParamType#DOUBLE_LIST} value. */
    public double[] getDoubleList(String key) {
        return ParamDef.parseList(getString(key));
    }

    public String getString(String key) {
        return require(key).toString();
    }

    /** True when the method of this run has hyperparameter {@code key}. */
    public boolean has(String key) {
        return params.containsKey(key);
    }

    private Object require(String key) {
        Object v = params.get(key);
        if (v == null) {
            throw new IllegalArgumentException("method " + method + " has no hyperparameter '" + key + "'");
        }
        return v;
    }

    /** A copy with {@code key} set to {@code value} (validated). */
    public RunConfig with(String key, Object value) {
        Map<String, Object> p = new TreeMap<>(params);
        p.put(key, value);
        return of(method, dataset, seed, p);
    }

    /** Canonical description: {@code method=…;dataset=…;seed=…;key=value;…} with keys sorted. */
    public String canonical() {
        StringBuilder sb = new StringBuilder();
        sb.append("method=").append(method).append(";dataset=").append(dataset).append(";seed=").append(seed);
        for (Map.Entry<String, Object> e : params.entrySet()) {
            sb.append(';').append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /** Stable trial id: the first 16 hex digits of SHA-256 of {@link #canonical()}. */
    public String trialId() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
