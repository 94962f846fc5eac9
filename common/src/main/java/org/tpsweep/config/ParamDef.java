package org.tpsweep.config;

import java.util.List;
import java.util.Locale;

/**
 * Definition of one hyperparameter: its key (the YAML key, the Parquet column and the sweep axis name,
 * one vocabulary), type, default, allowed range and a one-line description.
 *
 * <p>Ranges are inclusive or exclusive as stated by {@code minExclusive}/{@code maxExclusive}; a
 * {@link ParamType#CHOICE} parameter lists its allowed words in {@code choices}.
 */
public record ParamDef(String key, ParamType type, Object defaultValue, double min, boolean minExclusive,
                       double max, boolean maxExclusive, List<String> choices, String description) {

    /** A real-valued parameter in (min, max) or [min, max] as the flags say. */
    public static ParamDef real(String key, double def, double min, boolean minExclusive, double max,
                                boolean maxExclusive, String description) {
        return new ParamDef(key, ParamType.DOUBLE, def, min, minExclusive, max, maxExclusive, List.of(), description);
    }

    /** A strictly positive real parameter. */
    public static ParamDef positive(String key, double def, String description) {
        return real(key, def, 0, true, Double.POSITIVE_INFINITY, true, description);
    }

    /** A non-negative real parameter. */
    public static ParamDef nonNegative(String key, double def, String description) {
        return real(key, def, 0, false, Double.POSITIVE_INFINITY, true, description);
    }

    /** A whole-number parameter in [min, max]. */
    public static ParamDef integer(String key, int def, int min, int max, String description) {
        return new ParamDef(key, ParamType.INT, def, min, false, max, false, List.of(), description);
    }

    /** A boolean flag. */
    public static ParamDef flag(String key, boolean def, String description) {
        return new ParamDef(key, ParamType.BOOLEAN, def, 0, false, 0, false, List.of(), description);
    }

    /** A list of numbers ≥ {@code min} (empty allowed), e.g. one damping per hidden layer; default empty. */
    public static ParamDef doubleList(String key, double min, String description) {
        return doubleList(key, "", min, description);
    }

    /** A list of numbers ≥ {@code min} with the default {@code canonicalDefault} ("x1,x2,…"; "" = empty). */
    public static ParamDef doubleList(String key, String canonicalDefault, double min, String description) {
        return new ParamDef(key, ParamType.DOUBLE_LIST, canonicalDefault, min, false, Double.POSITIVE_INFINITY, true,
                List.of(), description);
    }

    /** The numbers of a {@link ParamType#DOUBLE_LIST} value in its canonical "x1,x2,…" form. */
    public static double[] parseList(String canonical) {
        if (canonical.isEmpty()) {
            return new double[0];
        }
        String[] parts = canonical.split(",");
        double[] out = new double[parts.length];
        for (int k = 0; k < parts.length; k++) {
            out[k] = Double.parseDouble(parts[k]);
        }
        return out;
    }

    /** One word out of {@code choices}. */
    public static ParamDef choice(String key, String def, List<String> choices, String description) {
        return new ParamDef(key, ParamType.CHOICE, def, 0, false, 0, false, List.copyOf(choices), description);
    }

    /**
     * Converts a raw value (from YAML or a {@code key=value} string) to this parameter's type and checks its
     * range.
     *
     * @throws ConfigException naming the key, the bad value and what is allowed
     */
    public Object coerce(Object raw, String context) {
        if (raw == null) {
            throw new ConfigException(context + ": '" + key + "' has no value; allowed: " + allowed());
        }
        switch (type) {
            case DOUBLE -> {
                double v = toDouble(raw, context);
                if (Double.isNaN(v) || below(v) || above(v)) {
                    throw new ConfigException(context + ": " + key + " = " + raw + " is out of range; allowed: " + allowed());
                }
                return v;
            }
            case INT -> {
                double d = toDouble(raw, context);
                if (d != Math.rint(d) || Double.isInfinite(d)) {
                    throw new ConfigException(context + ": " + key + " = " + raw + " is not a whole number; allowed: " + allowed());
                }
                if (below(d) || above(d)) {
                    throw new ConfigException(context + ": " + key + " = " + raw + " is out of range; allowed: " + allowed());
                }
                return (int) d;
            }
            case BOOLEAN -> {
                if (raw instanceof Boolean b) {
                    return b;
                }
                String s = raw.toString().trim().toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.parseBoolean(s);
                }
                throw new ConfigException(context + ": " + key + " = " + raw + " is not a boolean; allowed: true or false");
            }
            case CHOICE -> {
                String s = raw.toString().trim();
                if (!choices.contains(s)) {
                    throw new ConfigException(context + ": " + key + " = " + raw + " is not allowed; allowed: " + allowed());
                }
                return s;
            }
            case DOUBLE_LIST -> {
                List<?> items;
                if (raw instanceof List<?> l) {
                    items = l;
                } else {
                    String s = raw.toString().trim().replace("[", "").replace("]", "");
                    items = s.isEmpty() ? List.of() : List.of(s.split("\\s*,\\s*"));
                }
                StringBuilder canonical = new StringBuilder();
                for (Object item : items) {
                    double v = toDouble(item, context);
                    if (Double.isNaN(v) || below(v) || above(v)) {
                        throw new ConfigException(context + ": " + key + " = " + raw + " has the element " + item
                                + " out of range; allowed: " + allowed());
                    }
                    canonical.append(canonical.length() == 0 ? "" : ",").append(v);
                }
                return canonical.toString();
            }
            default -> throw new IllegalStateException("unhandled type " + type);
        }
    }

    /** Human-readable description of the allowed values, used in every error message. */
    public String allowed() {
        return switch (type) {
            case BOOLEAN -> "true or false";
            case CHOICE -> "one of " + choices;
            case INT -> "a whole number in [" + (long) min + ", " + (max >= Integer.MAX_VALUE ? "∞" : (long) max) + "]";
            case DOUBLE -> "a number in " + (minExclusive ? "(" : "[") + fmt(min) + ", " + fmt(max)
                    + (maxExclusive ? ")" : "]");
            case DOUBLE_LIST -> "a list of numbers ≥ " + fmt(min) + " (e.g. [1, 1, 1, 1, 1e-4]), one per hidden layer";
        };
    }

    private boolean below(double v) {
        return minExclusive ? v <= min : v < min;
    }

    private boolean above(double v) {
        return maxExclusive ? v >= max : v > max;
    }

    private double toDouble(Object raw, String context) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(raw.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(context + ": " + key + " = '" + raw + "' is not a number; allowed: " + allowed());
        }
    }

    private static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
