package org.tpsweep.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A learning method as the user sees it: its canonical name, a one-line description and every
 * hyperparameter it accepts with that method's default (its published MNIST value where one exists).
 */
public record MethodDescriptor(String name, String description, List<ParamDef> params) {

    /** The definitions keyed by hyperparameter key, in declaration order. */
    public Map<String, ParamDef> byKey() {
        Map<String, ParamDef> m = new LinkedHashMap<>();
        for (ParamDef p : params) {
            m.put(p.key(), p);
        }
        return m;
    }

    /**
     * Validates user-given values and fills in defaults: unknown keys and out-of-range values are errors
     * naming the key and what is allowed.
     */
    public SortedMap<String, Object> resolve(Map<String, ?> given, String context) {
        Map<String, ParamDef> defs = byKey();
        SortedMap<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, ?> e : given.entrySet()) {
            ParamDef def = defs.get(e.getKey());
            if (def == null) {
                throw new ConfigException(context + ": unknown hyperparameter '" + e.getKey() + "' for method "
                        + name + "; allowed: " + defs.keySet());
            }
            out.put(def.key(), def.coerce(e.getValue(), context));
        }
        for (ParamDef def : params) {
            out.putIfAbsent(def.key(), def.defaultValue());
        }
        return out;
    }
}
