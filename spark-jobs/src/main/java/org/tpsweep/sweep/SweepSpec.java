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
import org.tpsweep.config.Methods;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A sweep specification as read from YAML, checked for shape (keys, types, seeds, known methods and
 * datasets). Hyperparameter values are validated per method when the spec is expanded into a
 * {@link SweepPlan}.
 *
 * <h2>Format</h2>
 *
 * <pre>{@code
 * name: quick                  # optional; used in the default output folder name out/<name>-<yyyyMMdd-HHmmss>
 *                              # (default: the file name without .yaml); letters, digits, '.', '_', '-'
 * dataset: mnist               # one dataset, or  datasets: [mnist, fashion-mnist]  (exactly one of the two)
 * seeds: [1, 2, 3]             # non-empty list of distinct non-negative whole numbers
 * defaults:                    # optional: hyperparameters shared by the methods (a method's own value wins)
 *   epochs: 3
 *   train_subset: 10000
 *   num_hidden: 5
 *   size_hidden: 256
 * methods:                     # non-empty; method name -> its hyperparameters (empty: the method's defaults)
 *   bp: {}
 *   ddtp-linear: {epochs_fb: 1}
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Top-level keys other than {@code name, dataset, datasets, seeds, defaults, methods} are errors.</li>
 *   <li>A {@code defaults} key applies only to the methods of the spec that define that hyperparameter
 *       (so {@code sigma} under {@code defaults} reaches {@code ddtp-linear} but not {@code bp}); a
 *       {@code defaults} key that no method of the spec defines is an error.</li>
 *   <li>A key under a method must be one of that method's hyperparameters ({@code bin/tp-sweep methods}
 *       lists them with defaults and allowed ranges); missing keys take the method's default.</li>
 *   <li>Every value is a single scalar (lists and ranges are reserved for sweep axes).</li>
 *   <li>The trials are method × dataset × seed, each with a stable {@code trial_id}
 *       ({@link org.tpsweep.config.RunConfig#trialId()}).</li>
 * </ul>
 */
public record SweepSpec(String source, String name, List<String> datasets, List<Long> seeds,
                        Map<String, Object> defaults, Map<String, Map<String, Object>> methods) {

    /** Top-level keys a spec may have. */
    public static final List<String> TOP_LEVEL_KEYS =
            List.of("name", "dataset", "datasets", "seeds", "defaults", "methods");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public SweepSpec {
        datasets = List.copyOf(datasets);
        seeds = List.copyOf(seeds);
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        methods.forEach((k, v) -> m.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        methods = Collections.unmodifiableMap(m);
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
     * @throws ConfigException when the text is not YAML or not a valid spec
     */
    public static SweepSpec parse(String text, String source, String defaultName) {
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
        Map<String, Object> defaults = parseScalarMap(root.get("defaults"), source, "defaults");
        Map<String, Map<String, Object>> methods = parseMethods(root.get("methods"), source);
        return new SweepSpec(source, name, datasets, seeds, defaults, methods);
    }

    private static Map<String, Object> readYaml(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            String where = mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
            String problem = e.getProblem() == null ? e.getClass().getSimpleName() : e.getProblem();
            throw new ConfigException(source + " is not valid YAML: " + oneLine(problem) + where);
        } catch (YAMLException e) {
            throw new ConfigException(source + " is not valid YAML: " + oneLine(String.valueOf(e.getMessage())));
        }
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
        List<Long> seeds = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Integer || o instanceof Long) || ((Number) o).longValue() < 0) {
                throw new ConfigException(source + ": seed " + o + " is not allowed; " + allowed);
            }
            long s = ((Number) o).longValue();
            if (seeds.contains(s)) {
                throw new ConfigException(source + ": seed " + s + " appears twice in seeds; " + allowed);
            }
            seeds.add(s);
        }
        return seeds;
    }

    private static Map<String, Map<String, Object>> parseMethods(Object raw, String source) {
        List<String> names = Methods.all().stream().map(m -> m.name()).toList();
        if (!(raw instanceof Map<?, ?> map) || map.isEmpty()) {
            throw new ConfigException(source + ": 'methods' must map at least one method name to its hyperparameters "
                    + "(e.g. 'methods: {bp: {}}'); found " + describe(raw) + "; allowed methods: " + names);
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : stringKeys(map, source, "methods").entrySet()) {
            if (!names.contains(e.getKey())) {
                throw new ConfigException(source + ": methods: unknown method '" + e.getKey() + "'; allowed: " + names);
            }
            out.put(e.getKey(), parseScalarMap(e.getValue(), source, "methods." + e.getKey()));
        }
        return out;
    }

    /** A mapping of hyperparameter keys to single scalar values; {@code null} (an empty YAML value) is empty. */
    private static Map<String, Object> parseScalarMap(Object raw, String source, String where) {
        if (raw == null) {
            return Map.of();
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ConfigException(source + ": " + where + " must be a mapping of hyperparameter keys to values; found "
                    + describe(raw));
        }
        Map<String, Object> out = stringKeys(map, source, where);
        for (Map.Entry<String, Object> e : out.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> || v instanceof List<?>) {
                throw new ConfigException(source + ": " + where + "." + e.getKey() + " = " + v
                        + " is not allowed; give a single value (lists and ranges are not supported yet)");
            }
        }
        return out;
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

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
