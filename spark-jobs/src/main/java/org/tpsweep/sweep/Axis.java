package org.tpsweep.sweep;

import java.util.List;
import java.util.SplittableRandom;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.ParamType;

/**
 * A sweep axis: a hyperparameter value in a spec that stands for several values. A {@link Grid} axis takes
 * each of its values in turn (the method's grid axes form a Cartesian product); a {@link RandomAxis} is
 * sampled {@code samples} times, jointly with the method's other random axes. Written in a spec as
 * {@code [a, b]} or {@code grid([a, b])}, {@code choice([a, b])}, {@code uniform(lo, hi)} and
 * {@code log_uniform(lo, hi)} ({@link AxisParser}).
 */
public sealed interface Axis {

    /** True for the axes that are sampled rather than enumerated. */
    boolean random();

    /** The axis as written in a spec, for messages. */
    String text();

    /** A grid axis: every one of {@code values} (non-empty, as given in the spec, not yet validated). */
    record Grid(List<Object> values) implements Axis {
        /** Copies {@code values}; they must not be empty. */
        public Grid {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("empty grid axis");
            }
        }

        @Override
        public boolean random() {
            return false;
        }

        @Override
        public String text() {
            return "grid(" + values + ")";
        }
    }

    /** An axis drawn at random: one value per draw from a seeded stream. */
    sealed interface RandomAxis extends Axis {
        /**
         * One draw from {@code random} for the hyperparameter {@code def}: {@link ParamType#INT} values are
         * rounded to the nearest whole number.
         */
        Object draw(SplittableRandom random, ParamDef def);

        @Override
        default boolean random() {
            return true;
        }
    }

    /** {@code choice([a, b, …])}: one of {@code values}, each equally likely. */
    record Choice(List<Object> values) implements RandomAxis {
        /** Copies {@code values}; they must not be empty. */
        public Choice {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("empty choice axis");
            }
        }

        @Override
        public Object draw(SplittableRandom random, ParamDef def) {
            return values.get(random.nextInt(values.size()));
        }

        @Override
        public String text() {
            return "choice(" + values + ")";
        }
    }

    /** {@code uniform(lo, hi)}: a number drawn uniformly from [lo, hi), lo &lt; hi. */
    record Uniform(double lo, double hi) implements RandomAxis {
        /** Checks lo &lt; hi (both finite). */
        public Uniform {
            if (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
                throw new IllegalArgumentException("uniform needs finite lo < hi");
            }
        }

        @Override
        public Object draw(SplittableRandom random, ParamDef def) {
            return numeric(random.nextDouble(lo, hi), def);
        }

        @Override
        public String text() {
            return "uniform(" + lo + ", " + hi + ")";
        }
    }

    /** {@code log_uniform(lo, hi)}: exp(U) with U uniform on [log lo, log hi), 0 &lt; lo &lt; hi. */
    record LogUniform(double lo, double hi) implements RandomAxis {
        /** Checks 0 &lt; lo &lt; hi (both finite). */
        public LogUniform {
            if (!(lo > 0 && lo < hi) || Double.isInfinite(hi)) {
                throw new IllegalArgumentException("log_uniform needs finite 0 < lo < hi");
            }
        }

        @Override
        public Object draw(SplittableRandom random, ParamDef def) {
            double x = Math.exp(random.nextDouble(Math.log(lo), Math.log(hi)));
            // exp(log x) may miss x by an ulp: keep the draw inside [lo, hi).
            return numeric(Math.min(Math.max(x, lo), Math.nextDown(hi)), def);
        }

        @Override
        public String text() {
            return "log_uniform(" + lo + ", " + hi + ")";
        }
    }

    /** {@code x} as a value of {@code def}: rounded to the nearest whole number for an INT hyperparameter. */
    static Object numeric(double x, ParamDef def) {
        return def.type() == ParamType.INT ? (Object) (int) Math.round(x) : (Object) x;
    }
}
