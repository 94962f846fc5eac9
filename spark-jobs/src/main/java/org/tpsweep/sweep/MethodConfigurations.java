package org.tpsweep.sweep;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.ParamType;

/**
 * The configurations of one method of a sweep (the order and rules are those of {@link SweepSpec}): grid points
 * × random samples, each replaced by sensitivity draws around it when the method has a sensitivity study.
 * Construction validates every fixed value, axis value and axis bound against the method's hyperparameter
 * definitions; {@link #count()} is known before anything is drawn; {@link #forEach} generates the
 * configurations, the same ones on every call.
 */
final class MethodConfigurations {

    /**
     * One configuration: the values the spec sets for the method (the method's defaults fill in the rest), and
     * whether it is a draw of a sensitivity study.
     */
    record Configuration(Map<String, Object> values, boolean sensitivity) {
    }

    private final String source;
    private final String method;
    private final MethodDescriptor md;
    private final MethodSpec spec;
    /** Fixed values and axes, in spec order. */
    private final Map<String, Object> values;
    /** Where each value came from ("spec.yaml: methods.bp", "spec.yaml: defaults", "command line"). */
    private final Map<String, String> origins;
    private final List<String> gridKeys = new ArrayList<>();
    private final List<List<Object>> gridValues = new ArrayList<>();
    /** Random axes in key order (the order of draws does not matter: each key has its own stream). */
    private final Map<String, Axis.RandomAxis> randomAxes = new TreeMap<>();
    /** The sensitivity parameters that are sampled: those not fixed on the command line. */
    private final List<String> sensitivityParams = new ArrayList<>();

    /**
     * @param source  the spec's source, for messages
     * @param values  the method's values, fixed or axes, in spec order (defaults, own, command-line overrides
     *                merged)
     * @param origins for each key of {@code values}, where it came from, for messages
     * @throws ConfigException for a value, axis value or bound outside a hyperparameter's allowed range,
     *                         duplicate grid values, or random axes without a sample count
     */
    MethodConfigurations(String source, String method, MethodSpec spec, Map<String, Object> values,
                         Map<String, String> origins) {
        this.source = source;
        this.method = method;
        this.md = Methods.get(method);
        this.spec = spec;
        this.values = new LinkedHashMap<>(values);
        this.origins = Map.copyOf(origins);
        Map<String, ParamDef> defs = md.byKey();
        for (Map.Entry<String, Object> e : this.values.entrySet()) {
            ParamDef def = defs.get(e.getKey());
            String where = origins.get(e.getKey());
            if (e.getValue() instanceof Axis.Grid g) {
                Set<Object> seen = new HashSet<>();
                for (Object v : g.values()) {
                    if (!seen.add(def.coerce(v, where))) {
                        throw new ConfigException(where + "." + def.key() + " = " + g.text() + " lists " + v
                                + " twice; allowed: distinct values");
                    }
                }
                gridKeys.add(e.getKey());
                gridValues.add(g.values());
            } else if (e.getValue() instanceof Axis.Choice c) {
                c.values().forEach(v -> def.coerce(v, where));
                randomAxes.put(e.getKey(), c);
            } else if (e.getValue() instanceof Axis.Uniform u) {
                checkRange(def, u.lo(), u.hi(), where + "." + def.key() + " = " + u.text());
                randomAxes.put(e.getKey(), u);
            } else if (e.getValue() instanceof Axis.LogUniform l) {
                checkRange(def, l.lo(), l.hi(), where + "." + def.key() + " = " + l.text());
                randomAxes.put(e.getKey(), l);
            } else {
                def.coerce(e.getValue(), where);
            }
        }
        if (!randomAxes.isEmpty() && spec.samples() == null) {
            throw new ConfigException(origins.get(randomAxes.keySet().iterator().next()) + ": " + method
                    + " has random axes " + randomAxes.keySet() + " but no 'samples'; allowed: samples: N (a whole number "
                    + "≥ 1) under the method or at the top level");
        }
        Sensitivity s = spec.sensitivity();
        if (s != null) {
            for (String p : s.params()) {
                if (!"command line".equals(origins.get(p))) {
                    sensitivityParams.add(p);
                }
            }
        }
    }

    /** The number of configurations {@link #forEach} generates (saturating at {@link Long#MAX_VALUE}). */
    long count() {
        long n = 1;
        for (List<Object> g : gridValues) {
            n = times(n, g.size());
        }
        n = times(n, randomAxes.isEmpty() ? 1 : spec.samples());
        Sensitivity s = spec.sensitivity();
        return s == null ? n : times(n, s.samples() + (s.includeBase() ? 1L : 0L));
    }

    /**
     * Generates the configurations in order, the same on every call.
     *
     * @throws ConfigException when a sensitivity study's base value is not &gt; 0 or its range leaves the
     *                         hyperparameter's allowed range
     */
    void forEach(Consumer<Configuration> out) {
        Map<String, ParamDef> defs = md.byKey();
        int n = randomAxes.isEmpty() ? 1 : spec.samples();
        List<Map<String, Object>> samples = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            samples.add(new LinkedHashMap<>());
        }
        randomAxes.forEach((key, axis) -> {
            SplittableRandom r = SamplingStreams.of(SamplingStreams.AXES, spec.samplingSeed(), method, key);
            for (Map<String, Object> sample : samples) {
                sample.put(key, axis.draw(r, defs.get(key)));
            }
        });
        Sensitivity s = spec.sensitivity();
        Map<String, SplittableRandom> streams = new LinkedHashMap<>();
        if (s != null) {
            sensitivityParams.forEach(p -> streams.put(p, SamplingStreams.of(SamplingStreams.SENSITIVITY, s.seed(), method, p)));
        }
        int[] index = new int[gridKeys.size()];
        do {
            for (Map<String, Object> sample : samples) {
                Map<String, Object> base = new LinkedHashMap<>(values); // spec order; every axis is replaced below
                for (int a = 0; a < index.length; a++) {
                    base.put(gridKeys.get(a), gridValues.get(a).get(index[a]));
                }
                base.putAll(sample);
                if (s == null) {
                    out.accept(new Configuration(base, false));
                    continue;
                }
                Map<String, Double> bar = baseValues(base, s);
                if (s.includeBase()) {
                    out.accept(new Configuration(base, false));
                }
                for (int i = 0; i < s.samples(); i++) {
                    Map<String, Object> draw = new LinkedHashMap<>(base);
                    streams.forEach((p, r) -> draw.put(p, s.draw(r, bar.get(p), defs.get(p))));
                    out.accept(new Configuration(draw, true));
                }
            }
        } while (next(index));
    }

    /** The base values ᾱ of the sampled sensitivity parameters at one base configuration, each checked. */
    private Map<String, Double> baseValues(Map<String, Object> base, Sensitivity s) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String p : sensitivityParams) {
            ParamDef def = md.byKey().get(p);
            Object raw = base.containsKey(p) ? base.get(p) : def.defaultValue();
            double bar = ((Number) def.coerce(raw, origins.getOrDefault(p, "method default"))).doubleValue();
            String where = source + ": methods." + method + ".sensitivity";
            if (!(bar > 0)) {
                throw new ConfigException(where + ": " + p + " has the base value " + raw + "; allowed: a sensitivity "
                        + "study samples around a base value > 0 (set " + p + " > 0 for " + method + ")");
            }
            checkRange(def, s.factorLo() * bar, s.factorHi() * bar, where + ": " + p + " sampled in [" + s.factorLo()
                    + " × " + bar + ", " + s.factorHi() + " × " + bar + "]");
            out.put(p, bar);
        }
        return out;
    }

    /**
     * Checks that every value drawn from [lo, hi) — rounded for a whole-number hyperparameter — lies in the
     * hyperparameter's allowed range.
     */
    private static void checkRange(ParamDef def, double lo, double hi, String what) {
        double l = def.type() == ParamType.INT ? Math.round(lo) : lo;
        double h = def.type() == ParamType.INT ? Math.round(hi) : hi;
        boolean loOk = def.minExclusive() ? l > def.min() : l >= def.min();
        // Draws are < hi, so hi itself may equal an exclusive maximum.
        if (!loOk || !(h <= def.max())) {
            throw new ConfigException(what + " leaves the allowed range of " + def.key() + "; allowed: " + def.allowed());
        }
    }

    /** Advances the grid odometer (last axis fastest); false after the last point. */
    private boolean next(int[] index) {
        for (int a = index.length - 1; a >= 0; a--) {
            if (++index[a] < gridValues.get(a).size()) {
                return true;
            }
            index[a] = 0;
        }
        return false;
    }

    private static long times(long a, long b) {
        long r = a * b;
        return (a != 0 && (r / a != b || r < 0)) ? Long.MAX_VALUE : r;
    }
}
