package org.tpsweep.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * configuration of the method (grid × random samples, or sensitivity draws; see {@link SweepSpec}), each seed
 * (spec order) one fully resolved and validated {@link RunConfig}. Expanding the same spec twice gives the same
 * trials in the same order with the same trial ids.
 *
 * @param trials            the trials' run configurations, in plan order
 * @param entries           the same trials with their configuration id, index and origin, in the same order
 * @param duplicatesDropped configurations (counted once per dataset) left out because they equal an earlier
 *                          configuration of the same method, e.g. rounded whole-number draws or axes fixed by a
 *                          command-line override
 */
public record SweepPlan(String name, List<String> datasets, List<String> methods, List<Long> seeds,
                        List<RunConfig> trials, List<Trial> entries, int duplicatesDropped) {

    /** The most trials a plan may have. */
    public static final int MAX_TRIALS = 1_000_000;

    /**
     * One trial of the plan.
     *
     * @param config      the run configuration (method, dataset, seed, every hyperparameter)
     * @param configId    {@link SweepPlan#configId(RunConfig)}: equal for the seeds of one configuration
     * @param configIndex the configuration's position among its method's configurations on its dataset (0-based,
     *                    after duplicates are dropped), equal for the seeds of one configuration
     * @param sensitivity true for the draws of a sensitivity study (the base configuration added by
     *                    {@code include_base: true} is false: it is the reference, not a draw)
     */
    public record Trial(RunConfig config, String configId, int configIndex, boolean sensitivity)
            implements java.io.Serializable {
    }

    /** Copies every list; {@code trials} must be the configurations of {@code entries}. */
    public SweepPlan {
        datasets = List.copyOf(datasets);
        methods = List.copyOf(methods);
        seeds = List.copyOf(seeds);
        trials = List.copyOf(trials);
        entries = List.copyOf(entries);
        if (trials.size() != entries.size()) {
            throw new IllegalArgumentException(trials.size() + " trials but " + entries.size() + " entries");
        }
        for (int i = 0; i < trials.size(); i++) {
            if (!trials.get(i).equals(entries.get(i).config())) {
                throw new IllegalArgumentException("trial " + i + " differs from its entry");
            }
        }
    }

    /** Expands {@code spec} with no command-line overrides. */
    public static SweepPlan expand(SweepSpec spec) {
        return expand(spec, Map.of());
    }

    /**
     * Expands {@code spec}; {@code overrides} (from the command line, e.g. {@code epochs}) replace the spec's
     * values, axes included, in every method that defines the key. Validates every hyperparameter of every
     * trial before returning.
     *
     * @throws ConfigException naming the bad key or value and what is allowed, or when the plan would have more
     *                         than {@link #MAX_TRIALS} trials
     */
    public static SweepPlan expand(SweepSpec spec, Map<String, ?> overrides) {
        String src = spec.source();
        List<String> methods = List.copyOf(spec.methods().keySet());
        checkOverrides(overrides, methods);

        Map<String, MethodConfigurations> configurations = new LinkedHashMap<>();
        long perDataset = 0;
        for (String method : methods) {
            MethodConfigurations c = configurations(spec, method, overrides);
            configurations.put(method, c);
            perDataset = saturatingAdd(perDataset, c.count());
        }
        long total = saturatingMultiply(saturatingMultiply(perDataset, spec.datasets().size()), spec.seeds().size());
        if (total > MAX_TRIALS) {
            throw new ConfigException(src + ": the plan has " + (total == Long.MAX_VALUE ? "more than 2^63" : total)
                    + " trials (" + perDataset + " configurations × " + spec.datasets().size() + " datasets × "
                    + spec.seeds().size() + " seeds); allowed: at most " + MAX_TRIALS
                    + " — use fewer grid values, samples, datasets or seeds");
        }

        List<RunConfig> trials = new ArrayList<>();
        List<Trial> entries = new ArrayList<>();
        Set<String> configIds = new HashSet<>();
        int[] dropped = {0};
        long firstSeed = spec.seeds().get(0);
        for (String dataset : spec.datasets()) {
            for (String method : methods) {
                int[] index = {0};
                configurations.get(method).forEach(c -> {
                    RunConfig first = RunConfig.of(method, dataset, firstSeed, c.values());
                    String configId = configId(first);
                    if (!configIds.add(configId)) {
                        dropped[0]++;
                        return;
                    }
                    for (long seed : spec.seeds()) {
                        // Validation does not depend on the seed: the first seed's config validated them all.
                        RunConfig t = seed == firstSeed ? first : new RunConfig(method, dataset, seed, first.params());
                        trials.add(t);
                        entries.add(new Trial(t, configId, index[0], c.sensitivity()));
                    }
                    index[0]++;
                });
            }
        }
        Set<String> ids = new HashSet<>();
        for (RunConfig t : trials) {
            if (!ids.add(t.trialId())) {
                throw new IllegalStateException("two trials share the id " + t.trialId() + ": " + t.canonical());
            }
        }
        return new SweepPlan(spec.name(), spec.datasets(), methods, spec.seeds(), trials, entries, dropped[0]);
    }

    /**
     * The configuration id of a trial: the first 16 hex digits of SHA-256 of its {@link RunConfig#canonical()}
     * description without the seed. Equal for the seeds of one configuration (method, dataset and every
     * hyperparameter), different otherwise.
     */
    public static String configId(RunConfig config) {
        String withoutSeed = config.canonical().replaceFirst(";seed=" + config.seed() + "(?=;|$)", "");
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(withoutSeed.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The number of distinct configurations (configuration × dataset) of the plan: trials ÷ seeds. */
    public int configurationCount() {
        return trials.size() / Math.max(1, seeds.size());
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

    /** The configurations of {@code method}: spec defaults it has, its own values, then command-line overrides. */
    private static MethodConfigurations configurations(SweepSpec spec, String method, Map<String, ?> overrides) {
        MethodDescriptor md = Methods.get(method);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        spec.defaults().forEach((k, v) -> {
            if (md.byKey().containsKey(k)) {
                values.put(k, v);
                origins.put(k, spec.source() + ": defaults");
            }
        });
        spec.methods().get(method).values().forEach((k, v) -> {
            values.put(k, v);
            origins.put(k, spec.source() + ": methods." + method);
        });
        overrides.forEach((k, v) -> {
            if (md.byKey().containsKey(k)) {
                values.put(k, v);
                origins.put(k, "command line");
            }
        });
        return new MethodConfigurations(spec.source(), method, spec.methods().get(method), values, origins);
    }

    /**
     * Command-line overrides: each must be a hyperparameter of at least one method, and its value must be valid
     * for every method that defines it.
     */
    private static void checkOverrides(Map<String, ?> values, List<String> methods) {
        for (Map.Entry<String, ?> e : values.entrySet()) {
            boolean defined = false;
            for (String m : methods) {
                ParamDef def = Methods.get(m).byKey().get(e.getKey());
                if (def != null) {
                    defined = true;
                    def.coerce(e.getValue(), "command line");
                }
            }
            if (!defined) {
                Set<String> allowed = new LinkedHashSet<>();
                methods.forEach(m -> allowed.addAll(Methods.get(m).byKey().keySet()));
                throw new ConfigException("command line: '" + e.getKey()
                        + "' is not a hyperparameter of any method of this sweep " + methods + "; allowed: " + allowed);
            }
        }
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    private static long saturatingMultiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
