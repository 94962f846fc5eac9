package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.LayerFeedbackSchedule;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.Batch;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.SampleOrder;
import org.tpsweep.data.Split;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.GaussianNoise;
import org.tpsweep.nn.Loss;
import org.tpsweep.nn.LossResult;
import org.tpsweep.optim.Adam;
import org.tpsweep.optim.AdamSettings;
import org.tpsweep.optim.Optimizer;
import org.tpsweep.optim.Parameter;
import org.tpsweep.optim.Sgd;
import org.tpsweep.rules.LearningRule;
import org.tpsweep.rules.LearningRules;

/**
 * The trainer's wiring replayed by hand (issue 15 item 1): for every method, a short run of {@link Trainer} on a
 * tiny network (pre-training, two minibatches per epoch, an interleaved feedback epoch where the method has them)
 * is replayed with a second rule built from the same seeds, the rule's own gradient calls in the order
 * ALGORITHMS.md §2 / §2b give, and optimisers built here from the raw hyperparameters: Adam with lr/β
 * (normalize_lr) for the forward weights and lr_fb (never divided) for the feedback weights under [M]'s schedule,
 * per-layer SGD under [F]'s. Every parameter must be bit-identical afterwards, so swapping the feedback step and
 * the forward-gradient computation, or dropping or doubling the lr/β division, fails.
 */
class TrainerWiringTest {
    private static final int N = 8;
    private static final int BATCH = 4;
    private static final int DIM = 6;
    private static final int CLASSES = 3;
    private static final long SEED = 5;

    static Stream<String> methods() {
        return Methods.all().stream().map(MethodDescriptor::name);
    }

    private static RunConfig config(String method) {
        MethodDescriptor m = Methods.get(method);
        Map<String, Object> p = new HashMap<>(Map.of(Methods.EPOCHS, 2, Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 5,
                Methods.BATCH_SIZE, BATCH, Methods.NO_VAL_SET, true));
        putIfKnown(m, p, Methods.EPOCHS_FB, 1);
        putIfKnown(m, p, Methods.EXTRA_FB_EPOCHS, 1);
        putIfKnown(m, p, Methods.SIZE_HIDDEN_FB, 7);
        putIfKnown(m, p, Conventions.EPOCHS_BACKWARD, 2);
        // a β well away from 1, so that the lr/β division is visible (bp's and dfa's have no β in their rule)
        putIfKnown(m, p, Methods.TARGET_STEPSIZE, 0.3);
        return RunConfig.of(method, "mnist", SEED, p);
    }

    private static void putIfKnown(MethodDescriptor m, Map<String, Object> p, String key, Object value) {
        if (m.byKey().containsKey(key)) {
            p.put(key, value);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void everyParameterEqualsAHandReplayOfTheSchedule(String method) {
        RunConfig c = config(method);
        LabeledData train = ToyData.random(N, DIM, CLASSES, 3);
        LabeledData test = ToyData.random(BATCH, DIM, CLASSES, 4);
        Trainer trainer = new Trainer(c, new Split(train, train.select(new int[0])), test, TrainerHooks.none());
        Replay replay = new Replay(c, train);
        assertBitIdentical(arrays(trainer.rule()), arrays(replay.rule), method + " before training (same seeds)");

        TrainResult r = trainer.train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r.status(), r.message());
        replay.run();
        assertEquals(replay.forwardSteps, trainer.forwardSteps(), "forward steps");
        assertEquals(replay.feedbackSteps, trainer.feedbackSteps(), "feedback steps");
        assertTrue(replay.forwardSteps > 0);
        assertBitIdentical(arrays(replay.rule), arrays(trainer.rule()), method + " after training");
    }

    /** The schedule written out by hand on a second rule built from the same seeds. */
    private static final class Replay {
        final RunConfig c;
        final LabeledData train;
        final LearningRule rule;
        final DataType dtype;
        final SampleOrder order;
        final Optimizer forward;
        final Optimizer feedback;                       // [M]'s one feedback optimiser
        final Map<Integer, Optimizer> perLayer = new LinkedHashMap<>();   // [F]'s, in iteration order
        final LayerFeedbackSchedule schedule;
        final boolean scheduleF;
        long forwardSteps;
        long feedbackSteps;

        Replay(RunConfig c, LabeledData train) {
            this.c = c;
            this.train = train;
            RngStreams rng = RngStreams.of(c.seed());
            this.dtype = "float32".equals(c.getString(Methods.PRECISION)) ? DataType.FLOAT : DataType.DOUBLE;
            this.rule = LearningRules.create(c, DIM, CLASSES,
                    Nd4j.getRandomFactory().getNewRandomInstance(rng.initSeed()), new GaussianNoise(rng.noiseSeed()));
            this.order = SampleOrder.shuffled(new SplittableRandom(rng.shuffleSeed()));
            this.scheduleF = c.has(Conventions.SCHEDULE) && Conventions.F.equals(c.getString(Conventions.SCHEDULE));
            boolean sgd = c.has(Conventions.OPTIMIZER) && Conventions.SGD.equals(c.getString(Conventions.OPTIMIZER));
            if (rule.writesUpdates()) {                 // dtp-iterative: −ΔW in the buffers, SGD with lr 1
                forward = new Sgd(1.0, rule.forwardParameters());
            } else if (sgd) {
                forward = new Sgd(forwardLr(c), rule.forwardParameters());
            } else {
                forward = new Adam(new AdamSettings(forwardLr(c), c.getDouble(Methods.BETA1), c.getDouble(Methods.BETA2),
                        c.getDouble(Methods.EPSILON), c.getDouble(Methods.FORWARD_WD)), rule.forwardParameters());
            }
            this.schedule = LayerFeedbackSchedule.of(c);
            if (rule.trainsFeedback() && scheduleF) {
                for (int i : schedule.layerOrder()) {
                    List<Parameter> params = rule.feedbackParameters(i);
                    if (!params.isEmpty()) {
                        perLayer.put(i, sgd ? new Sgd(schedule.lr(i), schedule.momentum(), params)
                                : new Adam(new AdamSettings(schedule.lr(i), c.getDouble(Methods.BETA1_FB),
                                c.getDouble(Methods.BETA2_FB), c.getDouble(Methods.EPSILON_FB),
                                c.getDouble(Methods.FEEDBACK_WD)), params));
                    }
                }
                feedback = null;
            } else if (rule.trainsFeedback()) {
                feedback = sgd ? new Sgd(c.getDouble(Methods.LR_FB), rule.feedbackParameters())
                        : new Adam(new AdamSettings(c.getDouble(Methods.LR_FB), c.getDouble(Methods.BETA1_FB),
                        c.getDouble(Methods.BETA2_FB), c.getDouble(Methods.EPSILON_FB),
                        c.getDouble(Methods.FEEDBACK_WD)), rule.feedbackParameters());
            } else {
                feedback = null;
            }
        }

        /** lr, divided by β when normalize_lr (ALGORITHMS.md §1). */
        private static double forwardLr(RunConfig c) {
            double lr = c.getDouble(Methods.LR);
            return c.getBoolean(Methods.NORMALIZE_LR) ? lr / c.getDouble(Methods.TARGET_STEPSIZE) : lr;
        }

        void run() {
            for (int e = 0; e < rule.ownPretrainEpochs(); e++) {
                for (Batch b : pass()) {
                    rule.ownPretrainStep(rule.network().forward(b.x()));
                }
            }
            if (rule.trainsFeedback()) {
                int pretrain = scheduleF ? c.getInt(Conventions.EPOCHS_BACKWARD) : c.getInt(Methods.EPOCHS_FB);
                for (int e = 0; e < pretrain; e++) {
                    for (Batch b : pass()) {
                        feedbackStep(rule.network().forward(b.x()));
                    }
                }
            }
            for (int epoch = 1; epoch <= c.getInt(Methods.EPOCHS); epoch++) {
                for (Batch b : pass()) {
                    if (scheduleF && rule.trainsFeedback()) {
                        for (int k = 0; k < c.getInt(Conventions.EPOCHS_BACKWARD); k++) {
                            feedbackStep(rule.network().forward(b.x()));
                        }
                    }
                    ForwardPass pass = rule.network().forward(b.x());
                    LossResult loss = Loss.CROSS_ENTROPY.evaluate(pass.logits(), b.targets(), true);
                    rule.computeForwardGradients(pass, loss.gradient());      // targets with the pre-step feedback
                    if (!scheduleF && rule.trainsFeedback()) {
                        feedbackStep(pass);                                   // then the feedback step, same pass
                    }
                    forward.step();
                    forwardSteps++;
                }
                if (!scheduleF && rule.trainsFeedback()) {
                    for (int e = 0; e < c.getInt(Methods.EXTRA_FB_EPOCHS); e++) {
                        for (Batch b : pass()) {
                            feedbackStep(rule.network().forward(b.x()));
                        }
                    }
                }
            }
        }

        private void feedbackStep(ForwardPass pass) {
            if (!scheduleF) {
                rule.computeFeedbackGradients(pass);
                feedback.step();
                feedbackSteps++;
                return;
            }
            for (Map.Entry<Integer, Optimizer> layer : perLayer.entrySet()) {
                for (int k = 0; k < schedule.iterations(layer.getKey()); k++) {
                    rule.computeLayerFeedbackGradients(pass, layer.getKey());
                    layer.getValue().step();
                    feedbackSteps++;
                }
            }
        }

        private List<Batch> pass() {
            int[] o = order.nextPass(train.n());
            List<Batch> batches = new ArrayList<>();
            for (int from = 0; from < train.n(); from += BATCH) {
                batches.add(train.batch(o, from, Math.min(train.n(), from + BATCH), dtype));
            }
            return batches;
        }
    }

    /** Every array of the rule by name: forward, trained feedback and fixed feedback. */
    private static Map<String, INDArray> arrays(LearningRule rule) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        rule.forwardParameters().forEach(p -> all.put("forward " + p.name(), p.value()));
        rule.feedbackParameters().forEach(p -> all.put("feedback " + p.name(), p.value()));
        rule.fixedFeedback().forEach((k, v) -> all.put("fixed " + k, v));
        return all;
    }

    private static void assertBitIdentical(Map<String, INDArray> expected, Map<String, INDArray> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            INDArray a = actual.get(e.getKey());
            assertEquals(e.getValue().dataType(), a.dataType(), what + ": " + e.getKey());
            assertArrayEquals(e.getValue().dup('c').data().asDouble(), a.dup('c').data().asDouble(),
                    what + ": " + e.getKey() + " differs");
        }
    }
}
