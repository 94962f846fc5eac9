package org.tpsweep.sweep;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.ParamType;

/**
 * The FW-DTP sensitivity protocol of one method (ALGORITHMS.md §4 "Sensitivity"): {@code samples}
 * configurations around a base configuration, each listed hyperparameter α drawn independently with
 * log α ~ U(log(factorLo·ᾱ), log(factorHi·ᾱ)) around its base value ᾱ; INT hyperparameters are rounded to
 * the nearest whole number. The base configuration itself is one of the configurations only when
 * {@code includeBase}.
 *
 * <p>Spec form, a method-level block:
 * {@code sensitivity: {params: [lr, sigma], samples: 100, factors: [0.2, 5], seed: 0, include_base: false}};
 * {@code params} and {@code samples} are required, {@code factors} defaults to [0.2, 5], {@code seed} to the
 * spec's {@code sampling_seed}, {@code include_base} to false.
 */
public record Sensitivity(List<String> params, int samples, double factorLo, double factorHi, long seed,
                          boolean includeBase) {

    /** Keys a {@code sensitivity} block may have. */
    public static final List<String> KEYS = List.of("params", "samples", "factors", "seed", "include_base");
    /** [F]'s factors: ᾱ/5 … 5ᾱ. */
    public static final double DEFAULT_FACTOR_LO = 0.2;
    /** [F]'s factors: ᾱ/5 … 5ᾱ. */
    public static final double DEFAULT_FACTOR_HI = 5.0;

    /** Copies {@code params}. */
    public Sensitivity {
        params = List.copyOf(params);
    }

    /**
     * Reads the {@code sensitivity} block {@code raw} of method {@code md}; {@code where} names it in
     * messages (e.g. {@code "spec.yaml: methods.dtp.sensitivity"}).
     *
     * @throws ConfigException for an unknown key, a missing or bad {@code params} or {@code samples}, bad
     *                         factors or seed
     */
    public static Sensitivity parse(Object raw, MethodDescriptor md, long defaultSeed, String where) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ConfigException(where + " = " + raw + " is not allowed; allowed: a mapping such as "
                    + "{params: [lr, sigma], samples: 100, factors: [0.2, 5], seed: 0, include_base: false}");
        }
        for (Object k : map.keySet()) {
            if (!KEYS.contains(String.valueOf(k))) {
                throw new ConfigException(where + ": unknown key '" + k + "'; allowed: " + KEYS);
            }
        }
        List<String> params = params(map.get("params"), md, where);
        if (!map.containsKey("samples")) {
            throw new ConfigException(where + ": 'samples' is missing; allowed: a whole number ≥ 1 of configurations, "
                    + "e.g. samples: 100");
        }
        int samples = SpecValues.count(map.get("samples"), where + ".samples");
        double lo = DEFAULT_FACTOR_LO;
        double hi = DEFAULT_FACTOR_HI;
        if (map.containsKey("factors")) {
            double[] f = factors(map.get("factors"), where + ".factors");
            lo = f[0];
            hi = f[1];
        }
        long seed = map.containsKey("seed") ? SpecValues.seed(map.get("seed"), where + ".seed") : defaultSeed;
        boolean includeBase = false;
        if (map.containsKey("include_base")) {
            if (!(map.get("include_base") instanceof Boolean b)) {
                throw new ConfigException(where + ".include_base = " + map.get("include_base")
                        + " is not allowed; allowed: true or false");
            }
            includeBase = b;
        }
        return new Sensitivity(params, samples, lo, hi, seed, includeBase);
    }

    /** The hyperparameters of {@code md} a sensitivity study may sample: the numeric (DOUBLE, INT) ones. */
    public static List<String> numericParams(MethodDescriptor md) {
        return md.params().stream().filter(Sensitivity::numeric).map(ParamDef::key).toList();
    }

    /** One draw of α around {@code base} for hyperparameter {@code def}. */
    public Object draw(SplittableRandom random, double base, ParamDef def) {
        double logRatio = random.nextDouble(Math.log(factorLo), Math.log(factorHi));
        // exp(log f) may miss f by an ulp: keep the draw inside [f_lo·ᾱ, f_hi·ᾱ].
        double alpha = Math.min(Math.max(base * Math.exp(logRatio), factorLo * base), factorHi * base);
        return Axis.numeric(alpha, def);
    }

    private static boolean numeric(ParamDef p) {
        return p.type() == ParamType.DOUBLE || p.type() == ParamType.INT;
    }

    private static List<String> params(Object raw, MethodDescriptor md, String where) {
        String allowed = "allowed: a non-empty list of " + md.name() + "'s numeric hyperparameters "
                + numericParams(md);
        if (raw == null) {
            throw new ConfigException(where + ": 'params' is missing; " + allowed);
        }
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw new ConfigException(where + ".params = " + raw + " is not allowed; " + allowed);
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object o : list) {
            ParamDef def = md.byKey().get(String.valueOf(o));
            if (def == null) {
                throw new ConfigException(where + ".params: '" + o + "' is not a hyperparameter of " + md.name() + "; "
                        + allowed);
            }
            if (!numeric(def)) {
                throw new ConfigException(where + ".params: '" + o + "' is not numeric (" + def.allowed() + "); "
                        + allowed);
            }
            if (!out.add(def.key())) {
                throw new ConfigException(where + ".params lists '" + o + "' twice; allowed: each hyperparameter once");
            }
        }
        return new ArrayList<>(out);
    }

    private static double[] factors(Object raw, String where) {
        String allowed = "allowed: two numbers [f_lo, f_hi] with 0 < f_lo < f_hi, e.g. [0.2, 5]";
        if (!(raw instanceof List<?> list) || list.size() != 2) {
            throw new ConfigException(where + " = " + raw + " is not allowed; " + allowed);
        }
        double[] f = new double[2];
        for (int k = 0; k < 2; k++) {
            Object o = list.get(k);
            double v;
            try {
                v = o instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(o).trim());
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new ConfigException(where + " = " + raw + " has the factor " + o + ", which is not a finite "
                        + "number > 0; " + allowed);
            }
            f[k] = v;
        }
        if (!(f[0] < f[1])) {
            throw new ConfigException(where + " = " + raw + " has f_lo = " + list.get(0) + " ≥ f_hi = " + list.get(1)
                    + "; " + allowed);
        }
        return f;
    }
}
