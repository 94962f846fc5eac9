package org.tpsweep.sweep;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.RunConfig;

/**
 * The deterministic list of trials of a sweep: for each dataset (spec order), each method (spec order), each
 * seed (spec order) one fully resolved and validated {@link RunConfig}. Expanding the same spec twice gives
 * the same trials in the same order with the same trial ids.
 */
public record SweepPlan(String name, List<String> datasets, List<String> methods, List<Long> seeds,
                        List<RunConfig> trials) {

    public SweepPlan {
        datasets = List.copyOf(datasets);
        methods = List.copyOf(methods);
        seeds = List.copyOf(seeds);
        trials = List.copyOf(trials);
    }

    /** Expands {@code spec} with no command-line overrides. */
    public static SweepPlan expand(SweepSpec spec) {
        return expand(spec, Map.of());
    }

    /**
     * Expands {@code spec}; {@code overrides} (from the command line, e.g. {@code epochs}) replace the spec's
     * values in every method that defines the key. Validates every hyperparameter of every trial.
     *
     * @throws ConfigException naming the bad key or value and what is allowed
     */
    public static SweepPlan expand(SweepSpec spec, Map<String, ?> overrides) {
        String src = spec.source();
        List<String> methods = List.copyOf(spec.methods().keySet());
        checkSharedKeys(spec.defaults(), methods, src + ": defaults");
        checkSharedKeys(overrides, methods, "command line");

        List<RunConfig> trials = new ArrayList<>();
        for (String dataset : spec.datasets()) {
            for (String method : methods) {
                MethodDescriptor md = Methods.get(method);
                Map<String, Object> merged = new LinkedHashMap<>();
                spec.defaults().forEach((k, v) -> {
                    if (md.byKey().containsKey(k)) {
                        merged.put(k, v);
                    }
                });
                Map<String, Object> own = spec.methods().get(method);
                md.resolve(own, src + ": methods." + method); // names the method's own bad key/value
                merged.putAll(own);
                overrides.forEach((k, v) -> {
                    if (md.byKey().containsKey(k)) {
                        merged.put(k, v);
                    }
                });
                for (long seed : spec.seeds()) {
                    trials.add(RunConfig.of(method, dataset, seed, merged));
                }
            }
        }
        Set<String> ids = new HashSet<>();
        for (RunConfig t : trials) {
            if (!ids.add(t.trialId())) {
                throw new IllegalStateException("two trials share the id " + t.trialId() + ": " + t.canonical());
            }
        }
        return new SweepPlan(spec.name(), spec.datasets(), methods, spec.seeds(), trials);
    }

    /**
     * Every hyperparameter of the plan's methods, in method order then declaration order, each once: the
     * hyperparameter columns of the trials table. A method lacking a key leaves that column null.
     */
    public Map<String, ParamDef> parameterColumns() {
        Map<String, ParamDef> out = new LinkedHashMap<>();
        for (String m : methods) {
            for (ParamDef p : Methods.get(m).params()) {
                out.putIfAbsent(p.key(), p);
            }
        }
        return out;
    }

    /**
     * Keys shared by several methods (spec {@code defaults}, command-line overrides): each must be a
     * hyperparameter of at least one method, and its value must be valid for every method that defines it.
     */
    private static void checkSharedKeys(Map<String, ?> values, List<String> methods, String context) {
        for (Map.Entry<String, ?> e : values.entrySet()) {
            boolean defined = false;
            for (String m : methods) {
                ParamDef def = Methods.get(m).byKey().get(e.getKey());
                if (def != null) {
                    defined = true;
                    def.coerce(e.getValue(), context);
                }
            }
            if (!defined) {
                Set<String> allowed = new java.util.LinkedHashSet<>();
                methods.forEach(m -> allowed.addAll(Methods.get(m).byKey().keySet()));
                throw new ConfigException(context + ": '" + e.getKey()
                        + "' is not a hyperparameter of any method of this sweep " + methods + "; allowed: " + allowed);
            }
        }
    }
}
