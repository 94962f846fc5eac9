package org.tpsweep.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One method's entry of a {@link SweepSpec}: its own hyperparameter values (each a fixed value as given in
 * the spec, or an {@link Axis}), in spec order, and how its configurations are drawn.
 *
 * @param values       the method's own values (the spec's {@code defaults} are merged in by {@link SweepPlan})
 * @param samples      the number of joint draws of the method's random axes: its own {@code samples} or the
 *                     spec's top-level {@code samples}; null when the method has no random axis
 * @param samplingSeed the spec's {@code sampling_seed}, seed of the random axes' draws
 * @param sensitivity  the method's sensitivity study, or null
 */
public record MethodSpec(Map<String, Object> values, Integer samples, long samplingSeed, Sensitivity sensitivity) {

    /** Copies {@code values}, keeping their order. */
    public MethodSpec {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A method with fixed {@code values}, no random axes and no sensitivity study. */
    public static MethodSpec fixed(Map<String, ?> values) {
        return new MethodSpec(new LinkedHashMap<>(values), null, 0, null);
    }
}
