package org.tpsweep.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.ParamDef;

/**
 * A sweep specification as read from YAML, checked for shape (keys, types, seeds, known methods, datasets and
 * hyperparameter keys, axis syntax, sample counts, sensitivity blocks). Hyperparameter values and axis bounds
 * are validated against each method's allowed ranges when the spec is expanded into a {@link SweepPlan}; both
 * happen before any trial runs.
 *
 * <h2>Format</h2>
 *
 * <pre>{@code
 * name: demo                   # optional; used in the default output folder name out/<name>-<yyyyMMdd-HHmmss>
 *                              # (default: the file name without .yaml); letters, digits, '.', '_', '-'
 * dataset: mnist               # one dataset, or  datasets: [mnist, fashion-mnist]  (exactly one of the two)
 * seeds: [1, 2, 3]             # non-empty list of distinct non-negative whole numbers, shared by every configuration
 * sampling_seed: 0             # optional (default 0): seed of every random draw of the spec
 * samples: 20                  # optional: number of random configurations of a method with random axes
 *                              # (a method's own 'samples' wins); an error when no method has a random axis
 * defaults:                    # optional: values shared by the methods that have the key (a method's own value wins)
 *   epochs: 3
 *   train_subset: 10000
 * methods:                     # non-empty; method name -> its values (empty: the method's defaults)
 *   bp: {}
 *   ddtp-linear: {epochs_fb: 1}
 * }</pre>
 *
 * <h2>Values and axes</h2>
 *
 * Under {@code defaults} or a method, each hyperparameter key takes one of:
 * <table>
 *   <caption>value forms</caption>
 *   <tr><th>form</th><th>meaning</th></tr>
 *   <tr><td>{@code 0.001}, {@code true}, {@code float32}</td><td>a fixed value</td></tr>
 *   <tr><td>{@code [a, b, c]}</td><td>grid axis: each value in turn</td></tr>
 *   <tr><td>{@code grid([a, b, c])}</td><td>grid axis, explicit form</td></tr>
 *   <tr><td>{@code choice([a, b, c])}</td><td>random axis: one of the values, each equally likely</td></tr>
 *   <tr><td>{@code uniform(lo, hi)}</td><td>random axis: uniform on [lo, hi), lo &lt; hi (numeric keys)</td></tr>
 *   <tr><td>{@code log_uniform(lo, hi)}</td><td>random axis: log-uniform on [lo, hi), 0 &lt; lo &lt; hi (numeric
 *       keys)</td></tr>
 * </table>
 * A list-valued hyperparameter ({@code gnt_damping}) takes a list as its fixed value
 * ({@code gnt_damping: [1, 1, 1, 1, 1e-4]}); sweep it with {@code grid([[1, 1, 1, 1, 1e-4], [1, 1, 1, 1, 1e-3]])}
 * or {@code choice([...])}. Random draws of whole-number hyperparameters ({@code epochs}, {@code size_hidden}
 * …) are rounded to the nearest whole number. Inside a YAML flow mapping {@code {...}} quote the functions:
 * {@code {lr: 'log_uniform(1e-5, 1e-3)'}}.
 *
 * <h2>Configurations of a method</h2>
 * <ol>
 *   <li>Grid: the Cartesian product of the method's grid axes ({@code defaults} keys first, then the method's
 *       own, in spec order; the first axis varies slowest).</li>
 *   <li>Random: a method with random axes needs {@code samples: N} (under the method, or top-level); its random
 *       axes are drawn jointly N times (sample j takes the j-th draw of every random axis). Grid × random:
 *       each of the N samples is combined with each grid point (the same N samples for every point, grid point
 *       major), so the method has (grid points × N) configurations.</li>
 *   <li>Sensitivity (FW-DTP's protocol, ALGORITHMS.md §4): a method-level block
 *       {@code sensitivity: {params: [lr, target_stepsize, lr_fb, sigma], samples: 100, factors: [0.2, 5],
 *       seed: 0, include_base: false}} replaces each configuration of steps 1–2 (normally the single base
 *       configuration: the method's values with its defaults filled in) by {@code samples} configurations
 *       around it: each listed hyperparameter α (DOUBLE or INT, base value ᾱ &gt; 0) drawn independently with
 *       log α ~ U(log(f_lo·ᾱ), log(f_hi·ᾱ)). {@code params} and {@code samples} are required; {@code factors}
 *       defaults to [0.2, 5], {@code seed} to {@code sampling_seed}; the base configuration is added (first)
 *       only with {@code include_base: true}.</li>
 * </ol>
 * Draws are deterministic: the j-th draw of a key of a method depends only on the seed, the method and the
 * key, so the same spec gives the same configurations, adding a method, an axis or more samples leaves the
 * existing draws unchanged, and every dataset gets the same configurations.
 *
 * <h2>Trials</h2>
 * Every configuration × seed × dataset is a trial, ordered by dataset (spec order), method (spec order),
 * configuration, seed; each has a stable {@code trial_id} ({@link org.tpsweep.config.RunConfig#trialId()}) and
 * a {@code config_id} shared by the seeds of one configuration ({@link SweepPlan#configId}). A configuration
 * equal to an earlier one of the same method (rounded whole-number draws, command-line overrides) is run once.
 * Command-line overrides ({@code --epochs}, {@code --train-subset}) replace the key's value, an axis included,
 * in every method that has it. A plan may have at most {@value SweepPlan#MAX_TRIALS} trials.
 *
 * <h2>Examples</h2>
 * Grid (2 × 2 = 4 configurations × 3 seeds = 12 trials):
 * <pre>{@code
 * dataset: mnist
 * seeds: [1, 2, 3]
 * defaults: {epochs: 10}
 * methods:
 *   ddtp-linear:
 *     lr: [1e-5, 1e-4]
 *     sigma: [0.01, 0.1]
 * }</pre>
 * Random search (dtp 20 configurations, ddtp-linear 2 × 20 = 40; × 2 datasets × 2 seeds = 240 trials):
 * <pre>{@code
 * datasets: [mnist, fashion-mnist]
 * seeds: [1, 2]
 * samples: 20
 * sampling_seed: 7
 * methods:
 *   dtp:
 *     lr: log_uniform(1e-6, 1e-3)
 *     sigma: uniform(0.01, 0.3)
 *     batch_size: choice([64, 128])
 *   ddtp-linear:
 *     lr: log_uniform(1e-6, 1e-3)
 *     epochs_fb: [0, 6]            # grid × random: 2 × 20 = 40 configurations
 * }</pre>
 * Sensitivity study (FW-DTP Fig. 3: 100 configurations around the base values, one seed each):
 * <pre>{@code
 * dataset: mnist
 * seeds: [1]
 * methods:
 *   dtp:
 *     lr: 5e-5
 *     sensitivity: {params: [lr, target_stepsize, lr_fb, sigma], samples: 100, factors: [0.2, 5], seed: 0}
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>The file is read as YAML 1.2 (core schema). Unquoted values that YAML 1.1 reads otherwise are errors
 *       naming the key and what to write: {@code 010}, {@code 1:30}, {@code 0x1F}, {@code 0o17}, {@code 0b101},
 *       {@code 1_000}, {@code yes/no/on/off/y/n}; so are recursive aliases, aliases repeating more than 100 000
 *       values and nesting deeper than 32 levels.</li>
 *   <li>Top-level keys other than {@link #TOP_LEVEL_KEYS} are errors.</li>
 *   <li>A {@code defaults} key applies only to the methods of the spec that define that hyperparameter
 *       (so {@code sigma} under {@code defaults} reaches {@code ddtp-linear} but not {@code bp}); a
 *       {@code defaults} key that no method of the spec defines is an error.</li>
 *   <li>A key under a method must be one of that method's hyperparameters ({@code bin/tp-sweep methods}
 *       lists them with defaults and allowed ranges), {@code samples} or {@code sensitivity}; missing keys take
 *       the method's default.</li>
 *   <li>{@code samples} under a method without random axes is an error, and so is a random axis without
 *       {@code samples}.</li>
 * </ul>
 */
public record SweepSpec(String source, String name, List<String> datasets, List<Long> seeds,
                        Map<String, Object> defaults, Map<String, MethodSpec> methods) {

    /** Top-level keys a spec may have. */
    public static final List<String> TOP_LEVEL_KEYS =
            List.of("name", "dataset", "datasets", "seeds", "defaults", "methods", "samples", "sampling_seed");
    /** Keys under a method besides its hyperparameters. */
    public static final List<String> METHOD_KEYS = List.of("samples", "sensitivity");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Copies every collection, keeping spec order. */
    public SweepSpec {
        datasets = List.copyOf(datasets);
        seeds = List.copyOf(seeds);
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    }

    /**
     * Reads and checks the spec file at {@code file}.
     *
     * @throws ConfigException when the file is missing, unreadable, not YAML or not a valid spec
     */
    public static SweepSpec load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("spec file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("spec file " + file + " cannot be read: " + e.getMessage());
        }
        String fileName = file.getFileName() == null ? "sweep" : file.getFileName().toString();
        String defaultName = fileName.replaceFirst("\\.(ya?ml)$", "");
        return parse(text, file.toString(), defaultName);
    }

    /**
     * Parses spec text; {@code source} names it in messages, {@code defaultName} is used when the spec has
     * no {@code name}.
     *
     * @throws ConfigException when the text is not YAML or not a valid spec, also when it nests so deeply that
     *                         reading it overflows the stack
     */
    public static SweepSpec parse(String text, String source, String defaultName) {
        try {
            return parseChecked(text, source, defaultName);
        } catch (StackOverflowError e) {
            throw new ConfigException(source + " nests lists or mappings too deeply to read; allowed: at most "
                    + SpecYaml.MAX_DEPTH + " levels");
        }
    }

    private static SweepSpec parseChecked(String text, String source, String defaultName) {
        Map<String, Object> root = readYaml(text, source);
        Set<String> unknown = new LinkedHashSet<>(root.keySet());
        TOP_LEVEL_KEYS.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new ConfigException(source + ": unknown top-level key" + (unknown.size() > 1 ? "s " : " ")
                    + quoted(unknown) + "; allowed: " + TOP_LEVEL_KEYS);
        }
        String name = parseName(root.containsKey("name") ? root.get("name") : defaultName, source);
        List<String> datasets = parseDatasets(root, source);
        List<Long> seeds = parseSeeds(root.get("seeds"), root.containsKey("seeds"), source);
        long samplingSeed = root.containsKey("sampling_seed")
                ? SpecValues.seed(root.get("sampling_seed"), source + ": sampling_seed") : 0L;
        Integer samples = root.containsKey("samples") ? SpecValues.count(root.get("samples"), source + ": samples") : null;
        Map<String, Map<String, Object>> rawMethods = parseMethodNames(root.get("methods"), source);
        Map<String, Object> defaults = parseDefaults(root.get("defaults"), rawMethods.keySet(), source);
        Map<String, MethodSpec> methods = new LinkedHashMap<>();
        rawMethods.forEach((m, raw) -> methods.put(m, parseMethod(m, raw, defaults, samples, samplingSeed, source)));
        if (samples != null && methods.values().stream().noneMatch(ms -> ms.samples() != null)) {
            throw new ConfigException(source + ": samples = " + samples + " is not allowed: no method of this sweep has a "
                    + "random axis (choice, uniform, log_uniform); allowed: 'samples' only with random axes (for a "
                    + "sensitivity study give 'samples' inside its 'sensitivity' block)");
        }
        return new SweepSpec(source, name, datasets, seeds, defaults, methods);
    }

    private static Map<String, Object> readYaml(String text, String source) {
        Object doc = SpecYaml.read(text, source);
        if (doc == null) {
            throw new ConfigException(source + " is empty; a spec needs at least 'dataset', 'seeds' and 'methods'");
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new ConfigException(source + " must be a YAML mapping with keys " + TOP_LEVEL_KEYS
                    + "; found " + describe(doc));
        }
        return stringKeys(map, source, "the top level");
    }

    private static String parseName(Object raw, String source) {
        if (!(raw instanceof String s) || !NAME.matcher(s).matches()) {
            throw new ConfigException(source + ": name = " + raw
                    + " is not allowed; allowed: letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        return s;
    }

    private static List<String> parseDatasets(Map<String, Object> root, String source) {
        boolean one = root.containsKey("dataset");
        boolean many = root.containsKey("datasets");
        if (one == many) {
            throw new ConfigException(source + ": give exactly one of 'dataset' (one name) or 'datasets' (a list); "
                    + "allowed names: " + Datasets.all());
        }
        List<String> out = new ArrayList<>();
        if (one) {
            Object v = root.get("dataset");
            if (!(v instanceof String s)) {
                throw new ConfigException(source + ": dataset = " + v + " is not a dataset name; allowed: " + Datasets.all());
            }
            out.add(checkDataset(s, source, "dataset"));
        } else {
            Object v = root.get("datasets");
            if (!(v instanceof List<?> list) || list.isEmpty()) {
                throw new ConfigException(source + ": datasets = " + v
                        + " is not allowed; allowed: a non-empty list of names out of " + Datasets.all());
            }
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new ConfigException(source + ": datasets entry " + o + " is not a dataset name; allowed: " + Datasets.all());
                }
                if (out.contains(s)) {
                    throw new ConfigException(source + ": datasets lists '" + s + "' twice; each dataset may appear once");
                }
                out.add(checkDataset(s, source, "datasets"));
            }
        }
        return out;
    }

    private static String checkDataset(String s, String source, String key) {
        if (!Datasets.all().contains(s)) {
            throw new ConfigException(source + ": " + key + ": unknown dataset '" + s + "'; allowed: " + Datasets.all());
        }
        return s;
    }

    private static List<Long> parseSeeds(Object raw, boolean present, String source) {
        String allowed = "allowed: a non-empty list of distinct non-negative whole numbers, e.g. [1, 2, 3]";
        if (!present) {
            throw new ConfigException(source + ": 'seeds' is missing; " + allowed);
        }
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw new ConfigException(source + ": seeds = " + raw + " is not allowed; " + allowed);
        }
        Set<Long> seeds = new LinkedHashSet<>();
        for (Object o : list) {
            if (!(o instanceof Integer || o instanceof Long) || ((Number) o).longValue() < 0) {
                throw new ConfigException(source + ": seed " + o + " is not allowed; " + allowed);
            }
            long s = ((Number) o).longValue();
            if (!seeds.add(s)) {
                throw new ConfigException(source + ": seed " + s + " appears twice in seeds; " + allowed);
            }
        }
        return List.copyOf(seeds);
    }

    /** The methods' names (checked) and their raw mappings, in spec order. */
    private static Map<String, Map<String, Object>> parseMethodNames(Object raw, String source) {
        List<String> names = Methods.all().stream().map(MethodDescriptor::name).toList();
        if (!(raw instanceof Map<?, ?> map) || map.isEmpty()) {
            throw new ConfigException(source + ": 'methods' must map at least one method name to its hyperparameters "
                    + "(e.g. 'methods: {bp: {}}'); found " + describe(raw) + "; allowed methods: " + names);
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : stringKeys(map, source, "methods").entrySet()) {
            if (!names.contains(e.getKey())) {
                throw new ConfigException(source + ": methods: unknown method '" + e.getKey() + "'; allowed: " + names);
            }
            out.put(e.getKey(), mapping(e.getValue(), source, "methods." + e.getKey()));
        }
        return out;
    }

    /** The {@code defaults} block: each key must be a hyperparameter of at least one method of the spec. */
    private static Map<String, Object> parseDefaults(Object raw, Set<String> methods, String source) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : mapping(raw, source, "defaults").entrySet()) {
            ParamDef def = null;
            Set<String> allowed = new LinkedHashSet<>();
            for (String m : methods) {
                Map<String, ParamDef> defs = Methods.get(m).byKey();
                allowed.addAll(defs.keySet());
                if (def == null) {
                    def = defs.get(e.getKey());
                }
            }
            if (def == null) {
                String hint = METHOD_KEYS.contains(e.getKey())
                        ? " ('" + e.getKey() + "' belongs under a method" + (e.getKey().equals("samples") ? " or at the top level" : "") + ")"
                        : "";
                throw new ConfigException(source + ": defaults: '" + e.getKey() + "' is not a hyperparameter of any method "
                        + "of this sweep " + List.copyOf(methods) + hint + "; allowed: " + allowed);
            }
            out.put(e.getKey(), AxisParser.parse(e.getValue(), def, source + ": defaults." + e.getKey()));
        }
        return out;
    }

    /** One method's entry: its values (fixed or axes), its sample count and its sensitivity block. */
    private static MethodSpec parseMethod(String method, Map<String, Object> raw, Map<String, Object> defaults,
                                          Integer topSamples, long samplingSeed, String source) {
        MethodDescriptor md = Methods.get(method);
        Map<String, ParamDef> defs = md.byKey();
        String where = source + ": methods." + method;
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (METHOD_KEYS.contains(e.getKey())) {
                continue;
            }
            ParamDef def = defs.get(e.getKey());
            if (def == null) {
                Methods.refuseMissingJacobianKey(md, e.getKey(), where);
                List<String> allowed = new ArrayList<>(defs.keySet());
                allowed.addAll(METHOD_KEYS);
                throw new ConfigException(where + ": unknown hyperparameter '" + e.getKey() + "' for method " + method
                        + "; allowed: " + allowed);
            }
            values.put(e.getKey(), AxisParser.parse(e.getValue(), def, where + "." + e.getKey()));
        }
        String randomKey = null;
        for (Map.Entry<String, Object> e : defaults.entrySet()) {
            if (randomKey == null && defs.containsKey(e.getKey()) && !values.containsKey(e.getKey())
                    && e.getValue() instanceof Axis a && a.random()) {
                randomKey = "defaults." + e.getKey() + " = " + a.text();
            }
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (randomKey == null && e.getValue() instanceof Axis a && a.random()) {
                randomKey = e.getKey() + " = " + a.text();
            }
        }
        Integer own = raw.containsKey("samples") ? SpecValues.count(raw.get("samples"), where + ".samples") : null;
        if (own != null && randomKey == null) {
            throw new ConfigException(where + ".samples = " + own + " is not allowed: " + method + " has no random axis "
                    + "(choice, uniform, log_uniform); allowed: 'samples' only with random axes (for a sensitivity "
                    + "study give 'samples' inside its 'sensitivity' block)");
        }
        Integer samples = randomKey == null ? null : own != null ? own : topSamples;
        if (randomKey != null && samples == null) {
            throw new ConfigException(where + " has the random axis " + randomKey + " but no 'samples'; allowed: "
                    + "samples: N (a whole number ≥ 1) under the method or at the top level");
        }
        Sensitivity sensitivity = raw.containsKey("sensitivity")
                ? Sensitivity.parse(raw.get("sensitivity"), md, samplingSeed, where + ".sensitivity") : null;
        return new MethodSpec(values, samples, samplingSeed, sensitivity);
    }

    /** A mapping with string keys; {@code null} (an empty YAML value) is empty. */
    private static Map<String, Object> mapping(Object raw, String source, String where) {
        if (raw == null) {
            return Map.of();
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ConfigException(source + ": " + where + " must be a mapping of hyperparameter keys to values; found "
                    + describe(raw));
        }
        return stringKeys(map, source, where);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map, String source, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new ConfigException(source + ": key " + e.getKey() + " in " + where + " is not a name");
            }
            out.put(k, e.getValue());
        }
        return out;
    }

    private static String quoted(Set<String> keys) {
        return String.join(", ", keys.stream().map(k -> "'" + k + "'").toList());
    }

    private static String describe(Object o) {
        if (o == null) {
            return "nothing";
        }
        if (o instanceof List<?>) {
            return "a list " + o;
        }
        if (o instanceof Map<?, ?>) {
            return "a mapping " + o;
        }
        return "'" + o + "'";
    }
}
