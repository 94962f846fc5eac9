package org.tpsweep.sweep;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.ParamType;

/**
 * Reads one hyperparameter value of a spec: either a fixed value (returned as given) or an {@link Axis}.
 *
 * <ul>
 *   <li>a YAML list {@code [a, b, c]} is a grid axis — except for a list-valued
 *       ({@link ParamType#DOUBLE_LIST}) hyperparameter such as {@code gnt_damping}, where the list is the value;</li>
 *   <li>{@code grid([a, b])}, {@code choice([a, b])}: the argument is one YAML flow list (for a list-valued key,
 *       a list of lists);</li>
 *   <li>{@code uniform(lo, hi)}, {@code log_uniform(lo, hi)}: two numbers, lo &lt; hi (and 0 &lt; lo for
 *       log_uniform), for numeric (DOUBLE or INT) hyperparameters only;</li>
 *   <li>anything else is a fixed value, validated later against the hyperparameter's type and range.</li>
 * </ul>
 * Every malformed axis is a {@link ConfigException} naming the key, the value and what is allowed.
 */
public final class AxisParser {

    /** The axis functions a spec may use. */
    public static final List<String> FUNCTIONS = List.of("grid", "choice", "uniform", "log_uniform");

    /** What a value may be, quoted in messages. */
    public static final String ALLOWED = "allowed: a single value, a list [a, b, ...] (grid axis), grid([a, b, ...]), "
            + "choice([a, b, ...]), uniform(lo, hi) or log_uniform(lo, hi)";

    /** A word followed by '(' : the value is meant as an axis function. */
    private static final Pattern CALL_START = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
    /** A complete call: name '(' arguments ')'. */
    private static final Pattern CALL = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\((.*)\\)\\s*", Pattern.DOTALL);

    private AxisParser() {
    }

    /**
     * The value {@code raw} of hyperparameter {@code def} as a fixed value or an {@link Axis}; {@code where}
     * names it in messages (e.g. {@code "spec.yaml: methods.bp.lr"}).
     *
     * @throws ConfigException for a malformed or empty axis, or a random range on a non-numeric key
     */
    public static Object parse(Object raw, ParamDef def, String where) {
        if (raw instanceof Map<?, ?>) {
            throw new ConfigException(where + " = " + raw + " is not allowed; " + ALLOWED);
        }
        if (raw instanceof List<?> list) {
            if (def.type() == ParamType.DOUBLE_LIST) {
                if (list.stream().anyMatch(o -> o instanceof List<?>)) {
                    throw new ConfigException(where + " = " + raw + " is not allowed: a list is the value of the list-valued "
                            + def.key() + "; to sweep over several lists write grid([[...], [...]]) or choice([[...], [...]])");
                }
                return raw;
            }
            return new Axis.Grid(elements(list, def, where, "the list " + raw));
        }
        if (raw instanceof String s) {
            Matcher start = CALL_START.matcher(s);
            if (start.lookingAt()) {
                return call(s, start.group(1), def, where);
            }
        }
        return raw;
    }

    private static Axis call(String text, String function, ParamDef def, String where) {
        if (!FUNCTIONS.contains(function)) {
            throw new ConfigException(where + " = " + text + ": unknown axis function '" + function + "'; allowed functions: "
                    + FUNCTIONS);
        }
        Matcher m = CALL.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(where + " = " + text + " is malformed (no closing parenthesis); " + ALLOWED);
        }
        String args = m.group(2).trim();
        return switch (function) {
            case "grid", "choice" -> {
                Object parsed = yaml(args, where + " = " + text);
                if (!(parsed instanceof List<?> list)) {
                    throw new ConfigException(where + " = " + text + " is malformed: " + function
                            + " takes one list, e.g. " + function + "([0.1, 0.2]); " + ALLOWED);
                }
                List<Object> values = def.type() == ParamType.DOUBLE_LIST
                        ? listValues(list, def, where, text) : elements(list, def, where, text);
                yield function.equals("grid") ? new Axis.Grid(values) : new Axis.Choice(values);
            }
            default -> range(text, function, args, def, where);
        };
    }

    /** uniform(lo, hi) or log_uniform(lo, hi). */
    private static Axis range(String text, String function, String args, ParamDef def, String where) {
        String form = function + "(lo, hi)";
        Object parsed = yaml("[" + args + "]", where + " = " + text);
        if (!(parsed instanceof List<?> list) || list.size() != 2) {
            throw new ConfigException(where + " = " + text + " is malformed: " + function + " takes two numbers, "
                    + form + "; " + ALLOWED);
        }
        double lo = number(list.get(0), where, text, form);
        double hi = number(list.get(1), where, text, form);
        if (def.type() != ParamType.DOUBLE && def.type() != ParamType.INT) {
            throw new ConfigException(where + " = " + text + " is not allowed: " + def.key() + " is not numeric; "
                    + function + " is allowed only for numeric hyperparameters; allowed for " + def.key() + ": "
                    + def.allowed() + ", a list [a, b, ...] or choice([a, b, ...])");
        }
        if (!(lo < hi)) {
            throw new ConfigException(where + " = " + text + " has lo = " + list.get(0) + " ≥ hi = " + list.get(1)
                    + "; allowed: " + form + " with lo < hi");
        }
        if (function.equals("log_uniform")) {
            if (!(lo > 0)) {
                throw new ConfigException(where + " = " + text + " has lo = " + list.get(0)
                        + " ≤ 0; allowed: log_uniform(lo, hi) with 0 < lo < hi");
            }
            return new Axis.LogUniform(lo, hi);
        }
        return new Axis.Uniform(lo, hi);
    }

    /** The elements of a grid or choice over a scalar key: non-empty, each a single value. */
    private static List<Object> elements(List<?> list, ParamDef def, String where, String what) {
        if (list.isEmpty()) {
            throw new ConfigException(where + " = " + what + " is an empty axis; allowed: at least one value, e.g. [0.1, 0.2]");
        }
        for (Object o : list) {
            if (o instanceof List<?> || o instanceof Map<?, ?> || o == null) {
                throw new ConfigException(where + " = " + what + " has the element " + o
                        + ", which is not a single value; allowed: single values of " + def.key() + " (" + def.allowed() + ")");
            }
        }
        return List.copyOf(list);
    }

    /** The elements of a grid or choice over a list-valued key: non-empty, each a list. */
    private static List<Object> listValues(List<?> list, ParamDef def, String where, String text) {
        if (list.isEmpty()) {
            throw new ConfigException(where + " = " + text + " is an empty axis; allowed: at least one value, e.g. "
                    + "grid([[1, 1, 1, 1, 1e-4], [1, 1, 1, 1, 1e-3]])");
        }
        for (Object o : list) {
            if (!(o instanceof List<?>)) {
                throw new ConfigException(where + " = " + text + " has the element " + o + ", which is not a list; "
                        + def.key() + " is list-valued; allowed: lists as values, e.g. grid([[1, 1, 1, 1, 1e-4], [1, 1, 1, 1, 1e-3]])");
            }
        }
        return List.copyOf(list);
    }

    private static double number(Object o, String where, String text, String form) {
        double v;
        if (o instanceof Number n && !(o instanceof Boolean)) {
            v = n.doubleValue();
        } else {
            try {
                v = Double.parseDouble(String.valueOf(o).trim());
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new ConfigException(where + " = " + text + ": '" + o + "' is not a finite number; allowed: " + form
                    + " with two finite numbers");
        }
        return v;
    }

    /** Parses a YAML fragment (a flow list) as the spec's own YAML ({@link SpecYaml}). */
    private static Object yaml(String text, String what) {
        return SpecYaml.fragment(text, what, what + " is malformed: its argument is not a YAML list; " + ALLOWED);
    }
}
