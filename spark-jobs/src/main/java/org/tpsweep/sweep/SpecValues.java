package org.tpsweep.sweep;

import org.tpsweep.config.ConfigException;

/** Checks of the spec's own small values: sample counts and sampling seeds. */
final class SpecValues {

    private SpecValues() {
    }

    /**
     * A sample count: a whole number ≥ 1.
     *
     * @throws ConfigException naming {@code where}, the value and what is allowed
     */
    static int count(Object raw, String where) {
        if (!(raw instanceof Integer || raw instanceof Long) || ((Number) raw).longValue() < 1
                || ((Number) raw).longValue() > Integer.MAX_VALUE) {
            throw new ConfigException(where + " = " + raw + " is not allowed; allowed: a whole number ≥ 1 (and ≤ "
                    + Integer.MAX_VALUE + ")");
        }
        return ((Number) raw).intValue();
    }

    /**
     * A sampling seed: a non-negative whole number.
     *
     * @throws ConfigException naming {@code where}, the value and what is allowed
     */
    static long seed(Object raw, String where) {
        if (!(raw instanceof Integer || raw instanceof Long) || ((Number) raw).longValue() < 0) {
            throw new ConfigException(where + " = " + raw + " is not allowed; allowed: a non-negative whole number");
        }
        return ((Number) raw).longValue();
    }
}
