package org.tpsweep.lockstep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.Datasets;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.SampleOrder;
import org.tpsweep.data.Split;
import org.tpsweep.nn.RecordedNoise;
import org.tpsweep.optim.Parameter;
import org.tpsweep.rules.LearningRule;
import org.tpsweep.train.StepListener;
import org.tpsweep.train.TrainResult;
import org.tpsweep.train.Trainer;
import org.tpsweep.train.TrainerHooks;

/**
 * Replays a {@link LockstepFixture} in tp-sweep's own {@link Trainer}: the fixture's method and hyperparameters,
 * its initial parameters loaded into the rule, its sample orders and noise draws given to the trainer, and after
 * every optimiser step every parameter compared with the recording. The same code replays every method.
 */
public final class LockstepReplay {

    /** Relative tolerance per parameter tensor: ‖ours − theirs‖_∞ ≤ TOLERANCE · ‖theirs‖_∞. */
    public static final double TOLERANCE = 1e-10;

    /** Hyperparameters the fixture may carry that a method without them ignores only at this neutral value. */
    private static final Map<String, Object> NEUTRAL = Map.of("feedback_wd", 0.0, "forward_wd", 0.0,
            "epochs_fb", 0, "extra_fb_epochs", 0);

    /**
     * The comparison after one step: the largest relative error over its parameters and where it is, and the
     * largest relative error of each parameter.
     */
    public record StepCheck(int index, LockstepFixture.Step step, String worstParam, double worstRelError,
                            int worstElement, double ours, double theirs, Map<String, Double> relErrors) {
        boolean ok() {
            return worstRelError <= TOLERANCE;
        }

        String describe() {
            return String.format("step %d (%s): %s[%d] = %.17g here, %.17g in the authors' code (relative error "
                    + "%.3g)", index, step.describe(), worstParam, worstElement, ours, theirs, worstRelError);
        }
    }

    /** Every step's check, the first one over the tolerance (null if none), and the run's status. */
    public record Report(String fixture, List<StepCheck> checks, StepCheck firstDivergence, TrainResult result,
                         int noiseUsed, int noiseRecorded) {
        /** One line per step: its largest relative error. */
        public String table() {
            StringBuilder sb = new StringBuilder(fixture).append('\n');
            for (StepCheck c : checks) {
                sb.append(String.format("  %2d %-52s max rel err %.2e (%s)%n", c.index(), c.step().describe(),
                        c.worstRelError(), c.worstParam()));
            }
            return sb.toString();
        }
    }

    private LockstepReplay() {
    }

    /** The run configuration the fixture describes, strict about keys the method does not have. */
    public static RunConfig config(LockstepFixture f) {
        if (!org.tpsweep.rules.LearningRules.has(f.method())) {
            throw f.error("method", "= '" + f.method() + "' is not a tp-sweep method");
        }
        MethodDescriptor m = Methods.get(f.method());
        Map<String, Object> given = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : f.hyperparameters().entrySet()) {
            Object value = value(e.getValue());
            if (m.byKey().containsKey(e.getKey())) {
                given.put(e.getKey(), value);
            } else if (!NEUTRAL.containsKey(e.getKey()) || !sameNumber(NEUTRAL.get(e.getKey()), value)) {
                throw f.error("hyperparameters." + e.getKey(), "= " + value + ", but tp-sweep's " + f.method()
                        + " has no such hyperparameter");
            }
        }
        given.put(Methods.PRECISION, f.dtype());
        given.put(Methods.NO_VAL_SET, true);
        given.put(Methods.TRAIN_SUBSET, 0);
        RunConfig c = RunConfig.of(f.method(), Datasets.MNIST, 1, given);
        int[] w = f.widths();
        if (w.length != c.getInt(Methods.NUM_HIDDEN) + 2 || w[0] != f.data().dim()
                || w[w.length - 1] != f.data().numClasses()) {
            throw f.error("widths", "= " + Arrays.toString(w) + " do not fit num_hidden = "
                    + c.getInt(Methods.NUM_HIDDEN) + ", data.dim = " + f.data().dim() + " and "
                    + f.data().numClasses() + " classes");
        }
        for (int i = 1; i < w.length - 1; i++) {
            if (w[i] != c.getInt(Methods.SIZE_HIDDEN)) {
                throw f.error("widths", "= " + Arrays.toString(w) + " do not fit size_hidden = "
                        + c.getInt(Methods.SIZE_HIDDEN));
            }
        }
        return c;
    }

    /** Replays {@code f} and compares every parameter after every step. */
    public static Report run(LockstepFixture f) {
        RunConfig config = config(f);
        LabeledData data = f.data();
        List<INDArray> draws = new ArrayList<>();
        for (LockstepFixture.Tensor t : f.noise()) {
            draws.add(Nd4j.createFromArray(t.values()).reshape('c', t.shape()));
        }
        RecordedNoise noise = new RecordedNoise(f.name(), draws);
        List<StepCheck> checks = new ArrayList<>();
        Map<String, INDArray>[] live = new Map[1];
        StepListener listener = step -> {
            int k = checks.size();
            if (k >= f.steps().size()) {
                throw f.error("steps", "has " + f.steps().size() + " steps, but tp-sweep takes more: step " + k
                        + " is " + step);
            }
            LockstepFixture.Step theirs = f.steps().get(k);
            String ours = step.phase().name().toLowerCase() + " " + step.epoch() + "/" + step.batch() + " "
                    + step.optimizer().name().toLowerCase();
            String expected = theirs.phase() + " " + theirs.epoch() + "/" + theirs.batch() + " " + theirs.optimizer();
            if (!ours.equals(expected)) {
                throw f.error("steps[" + k + "]", "is a " + expected + " step, but tp-sweep's step " + k
                        + " is a " + ours + " step: the schedules differ");
            }
            checks.add(compare(f, k, theirs, live[0]));
        };
        TrainerHooks hooks = TrainerHooks.none().withNoise(noise)
                .withOrder(SampleOrder.recorded(f.name(), f.orders())).withSteps(listener);
        Trainer trainer = new Trainer(config, new Split(data, data.select(new int[0])), data, hooks);
        live[0] = namedArrays(trainer.rule());
        load(f, live[0]);
        TrainResult result = trainer.train(m -> { });
        if (checks.size() != f.steps().size() && result.message().isEmpty()) {
            throw f.error("steps", "has " + f.steps().size() + " steps, but tp-sweep took " + checks.size());
        }
        StepCheck first = checks.stream().filter(c -> !c.ok()).findFirst().orElse(null);
        return new Report(f.name(), checks, first, result, (int) noise.position(), noise.size());
    }

    /** Every array of the rule by tp-sweep's name: forward and trained feedback parameters, fixed feedback. */
    static Map<String, INDArray> namedArrays(LearningRule rule) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        for (Parameter p : rule.forwardParameters()) {
            all.put(p.name(), p.value());
        }
        for (Parameter p : rule.feedbackParameters()) {
            all.put(p.name(), p.value());
        }
        all.putAll(rule.fixedFeedback());
        return all;
    }

    /** Assigns the fixture's initial values; every array on both sides must be matched, with equal shapes. */
    static void load(LockstepFixture f, Map<String, INDArray> live) {
        for (String name : live.keySet()) {
            if (!f.initial().containsKey(name)) {
                throw f.error("initial", "has no " + name + ", which tp-sweep's " + f.method() + " has (it has "
                        + f.initial().keySet() + ")");
            }
        }
        for (Map.Entry<String, LockstepFixture.Tensor> e : f.initial().entrySet()) {
            INDArray target = live.get(e.getKey());
            if (target == null) {
                throw f.error("initial." + e.getKey(), "is not a parameter of tp-sweep's " + f.method() + " (it has "
                        + live.keySet() + ")");
            }
            if (!Arrays.equals(target.shape(), e.getValue().shape())) {
                throw f.error("initial." + e.getKey() + ".shape", "= " + Arrays.toString(e.getValue().shape())
                        + ", but tp-sweep's " + e.getKey() + " is " + Arrays.toString(target.shape()));
            }
            target.assign(Nd4j.createFromArray(e.getValue().values()).reshape('c', e.getValue().shape())
                    .castTo(target.dataType()));
        }
    }

    private static StepCheck compare(LockstepFixture f, int index, LockstepFixture.Step theirs,
                                     Map<String, INDArray> live) {
        String worst = "";
        double worstErr = -1;
        int worstAt = -1;
        double worstOurs = 0;
        double worstTheirs = 0;
        Map<String, Double> relErrors = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : theirs.params().entrySet()) {
            INDArray array = live.get(e.getKey());
            if (array == null) {
                throw f.error("steps[" + index + "].params." + e.getKey(), "is not a parameter of tp-sweep's "
                        + f.method());
            }
            double[] ours = array.dup('c').castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
            double[] ref = e.getValue();
            if (ours.length != ref.length) {
                throw f.error("steps[" + index + "].params." + e.getKey(), "has " + ref.length
                        + " values, but tp-sweep's has " + ours.length);
            }
            double scale = 0;
            for (double v : ref) {
                scale = Math.max(scale, Math.abs(v));
            }
            double paramErr = 0;
            for (int k = 0; k < ref.length; k++) {
                double diff = Math.abs(ours[k] - ref[k]);
                double rel = diff == 0 ? 0 : scale == 0 ? Double.POSITIVE_INFINITY : diff / scale;
                if (Double.isNaN(ours[k]) != Double.isNaN(ref[k])) {
                    rel = Double.POSITIVE_INFINITY;
                }
                paramErr = Math.max(paramErr, rel);
                if (rel > worstErr) {
                    worstErr = rel;
                    worst = e.getKey();
                    worstAt = k;
                    worstOurs = ours[k];
                    worstTheirs = ref[k];
                }
            }
            relErrors.put(e.getKey(), paramErr);
        }
        return new StepCheck(index, theirs, worst, worstErr, worstAt, worstOurs, worstTheirs, relErrors);
    }

    private static Object value(JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber()) {
            return v.asInt();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            v.forEach(x -> list.add(value(x)));
            return list;
        }
        return v.asText();
    }

    private static boolean sameNumber(Object a, Object b) {
        return a instanceof Number x && b instanceof Number y && x.doubleValue() == y.doubleValue();
    }
}
