package org.tpsweep.sweep;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.tpsweep.config.ConfigException;

/**
 * Reads the YAML of a spec (and the lists inside {@code grid(...)}, {@code choice(...)}, {@code uniform(...)})
 * with the YAML 1.2 core schema (snakeyaml-engine), and refuses what a reader could take two ways or what would
 * blow up:
 * <ul>
 *   <li>plain scalars that YAML 1.1 reads differently from YAML 1.2 ({@link #ambiguity}): numbers with a leading
 *       zero ({@code 010}), base-60 numbers ({@code 1:30}), {@code 0x…}/{@code 0o…}/{@code 0b…} numbers, numbers
 *       with {@code _} and the booleans {@code yes/no/on/off/y/n} ({@code <<} merge keys are read as by
 *       YAML 1.1);</li>
 *   <li>recursive aliases, aliases that repeat more than {@value #MAX_REPEATED} nodes in all (a "billion
 *       laughs" file) and nesting deeper than {@value #MAX_DEPTH} levels (a stack overflow while parsing is
 *       caught by {@link SweepSpec#parse}).</li>
 * </ul>
 * Every refusal is a one-line {@link ConfigException}.
 */
final class SpecYaml {

    /** The most nodes that aliases may repeat in one document. */
    static final int MAX_REPEATED = 100_000;
    /** The deepest nesting of lists and mappings a spec may have. */
    static final int MAX_DEPTH = 32;

    private static final Pattern BOOL_11 = Pattern.compile("y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF");
    private static final Pattern LEADING_ZERO = Pattern.compile("[-+]?0[0-9]+");
    private static final Pattern OCTAL_12 = Pattern.compile("[-+]?0o[0-7_]+");
    private static final Pattern HEX = Pattern.compile("[-+]?0x[0-9a-fA-F_]+");
    private static final Pattern BINARY = Pattern.compile("[-+]?0b[01_]+");
    private static final Pattern SEXAGESIMAL = Pattern.compile("[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");
    private static final Pattern UNDERSCORE_NUMBER =
            Pattern.compile("[-+]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9_]+)([eE][-+]?[0-9]+)?");

    private SpecYaml() {
    }

    /**
     * The spec document {@code text} as plain Java values (maps, lists, strings, numbers, booleans, null);
     * {@code null} for an empty document. {@code source} names the file in messages, which give the line.
     *
     * @throws ConfigException when the text is not YAML, holds an ambiguous scalar or a bad alias, or nests too deep
     */
    static Object read(String text, String source) {
        return load(text, source, problem -> source + " is not valid YAML: " + problem, source + ": ", true);
    }

    /**
     * A YAML fragment of a value (e.g. the list of {@code grid([...])}); {@code where} names the value in messages.
     *
     * @throws ConfigException as {@link #read}, but with the message {@code malformed} when it is not YAML
     */
    static Object fragment(String text, String where, String malformed) {
        return load(text, where, problem -> malformed, where + ": ", false);
    }

    private static Object load(String text, String label, UnaryOperator<String> notYaml, String prefix,
                               boolean marks) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(label)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(1_000)
                .setCodePointLimit(64 * 1024 * 1024)
                .setUseMarks(marks)
                .build();
        try {
            Optional<Node> root = new Compose(settings).composeString(text);
            if (root.isEmpty()) {
                return null;
            }
            new Walk(prefix).node(root.get(), "", 0);
            return new StandardConstructor(settings).constructSingleDocument(root);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(SpecYaml::at).orElse("");
            String problem = e.getProblem() == null ? e.getClass().getSimpleName() : e.getProblem();
            throw new ConfigException(notYaml.apply(oneLine(problem) + where));
        } catch (YamlEngineException e) {
            throw new ConfigException(notYaml.apply(oneLine(String.valueOf(e.getMessage()))));
        }
    }

    /**
     * Why the plain (unquoted) scalar {@code s} is refused, with what to write instead, or {@code null} when
     * YAML 1.1 and YAML 1.2 read it alike.
     */
    static String ambiguity(String s) {
        if (BOOL_11.matcher(s).matches()) {
            boolean b = s.startsWith("y") || s.startsWith("Y") || s.equalsIgnoreCase("on");
            return "is ambiguous: YAML 1.1 reads it as " + b + ", YAML 1.2 as the text '" + s + "'; write " + b
                    + ", or quote it ('" + s + "') for text";
        }
        if (LEADING_ZERO.matcher(s).matches()) {
            BigInteger decimal = new BigInteger(s);
            if (s.matches("[-+]?0[0-7]+")) {
                BigInteger octal = new BigInteger(s.replaceFirst("0", ""), 8);
                return "is ambiguous: YAML 1.1 reads it as octal " + octal + ", YAML 1.2 as decimal " + decimal
                        + "; write " + (octal.equals(decimal) ? decimal : decimal + " or " + octal)
                        + " (no leading zero)";
            }
            return "is ambiguous: YAML 1.1 reads a leading 0 as octal, YAML 1.2 as decimal " + decimal + "; write "
                    + decimal + " (no leading zero)";
        }
        if (OCTAL_12.matcher(s).matches()) {
            return "is ambiguous: YAML 1.2 reads it as octal " + radix(s, "0o", 8) + ", YAML 1.1 as the text '" + s
                    + "'; write " + radix(s, "0o", 8) + " (decimal)";
        }
        if (HEX.matcher(s).matches()) {
            return "is a hexadecimal number (YAML 1.1 and 1.2 accept different hexadecimal forms); allowed: decimal "
                    + "numbers only; write " + radix(s, "0x", 16);
        }
        if (BINARY.matcher(s).matches()) {
            return "is ambiguous: YAML 1.1 reads it as binary " + radix(s, "0b", 2) + ", YAML 1.2 as the text '" + s
                    + "'; write " + radix(s, "0b", 2) + " (decimal)";
        }
        if (SEXAGESIMAL.matcher(s).matches()) {
            String v = sexagesimal(s);
            return "is ambiguous: YAML 1.1 reads it as the base-60 number " + v + ", YAML 1.2 as the text '" + s
                    + "'; write " + v + ", or quote it ('" + s + "') for text";
        }
        if (s.indexOf('_') >= 0 && UNDERSCORE_NUMBER.matcher(s).matches()) {
            String v = s.replace("_", "");
            return "is ambiguous: YAML 1.1 reads it as the number " + v + ", YAML 1.2 as the text '" + s + "'; write "
                    + v + " (no '_'), or quote it ('" + s + "') for text";
        }
        return null;
    }

    private static BigInteger radix(String s, String prefix, int radix) {
        boolean negative = s.startsWith("-");
        String digits = s.replaceFirst("^[-+]?" + prefix, "").replace("_", "");
        BigInteger v = digits.isEmpty() ? BigInteger.ZERO : new BigInteger(digits, radix);
        return negative ? v.negate() : v;
    }

    /** YAML 1.1's value of a base-60 number such as {@code 1:30} (90) or {@code 1:30.5} (90.5). */
    private static String sexagesimal(String s) {
        boolean negative = s.startsWith("-");
        String[] parts = s.replaceFirst("^[-+]", "").replace("_", "").split(":");
        BigDecimal v = BigDecimal.ZERO;
        for (String p : parts) {
            v = v.multiply(BigDecimal.valueOf(60)).add(new BigDecimal(p.endsWith(".") ? p + "0" : p));
        }
        return (negative ? v.negate() : v).stripTrailingZeros().toPlainString();
    }

    private static String at(Mark m) {
        return " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")";
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /**
     * One pass over the node graph before it is built: every node once (aliases share nodes), counting the
     * nodes the aliases repeat, refusing recursion, deep nesting and ambiguous plain scalars.
     */
    private static final class Walk {
        private final String prefix;
        private final Map<Node, Long> expanded = new IdentityHashMap<>();
        private final Set<Node> open = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        private long repeated;

        Walk(String prefix) {
            this.prefix = prefix;
        }

        /** The number of nodes {@code n} stands for once its aliases are expanded. */
        long node(Node n, String path, int depth) {
            if (open.contains(n)) {
                throw new ConfigException(prefix + name(path) + " refers to itself through an alias"
                        + n.getAnchor().map(a -> " (*" + a + ")").orElse("") + mark(n)
                        + "; allowed: aliases of values defined before and outside them");
            }
            Long known = expanded.get(n);
            if (known != null) {
                repeated += known;
                if (repeated > MAX_REPEATED) {
                    throw new ConfigException(prefix + "its aliases repeat more than " + MAX_REPEATED + " values (at "
                            + name(path) + mark(n) + "); allowed: at most " + MAX_REPEATED
                            + " (a spec has no need of nested aliases)");
                }
                return known;
            }
            if (depth > MAX_DEPTH) {
                throw new ConfigException(prefix + name(path) + mark(n) + " nests lists or mappings more than "
                        + MAX_DEPTH + " levels deep; allowed: at most " + MAX_DEPTH);
            }
            long size = 1;
            open.add(n);
            if (n instanceof ScalarNode s) {
                scalar(s, path, false);
            } else if (n instanceof SequenceNode seq) {
                int i = 0;
                for (Node child : seq.getValue()) {
                    size = add(size, node(child, path + "[" + i++ + "]", depth + 1));
                }
            } else if (n instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                    if (t.getKeyNode() instanceof ScalarNode k) {
                        scalar(k, path, true);
                    }
                    size = add(size, node(t.getKeyNode(), path + "{key}", depth + 1));
                    size = add(size, node(t.getValueNode(), path.isEmpty() ? key : path + "." + key, depth + 1));
                }
            }
            open.remove(n);
            expanded.put(n, size);
            return size;
        }

        private void scalar(ScalarNode s, String path, boolean key) {
            if (!s.isPlain()) {
                return;
            }
            String why = ambiguity(s.getValue());
            if (why != null) {
                String what = key ? "key '" + s.getValue() + "' in " + (path.isEmpty() ? "the top level" : path)
                        : name(path) + " = " + s.getValue();
                throw new ConfigException(prefix + what + " " + why + mark(s));
            }
        }

        private static String name(String path) {
            return path.isEmpty() ? "the document" : path;
        }

        private static String mark(Node n) {
            return n.getStartMark().map(SpecYaml::at).orElse("");
        }

        private static long add(long a, long b) {
            long r = a + b;
            return r < 0 ? Long.MAX_VALUE : r;
        }
    }
}
