package org.tpsweep.train;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.Datasets;
import org.tpsweep.config.LayerFeedbackSchedule;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.Batch;
import org.tpsweep.data.DataSplits;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.MinibatchOrder;
import org.tpsweep.data.SampleOrder;
import org.tpsweep.data.Split;
import org.tpsweep.data.TrainTestData;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.metrics.RuleDiagnostic;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.GaussianNoise;
import org.tpsweep.nn.Loss;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.nn.LossResult;
import org.tpsweep.nn.StepWorkspace;
import org.tpsweep.optim.Adam;
import org.tpsweep.optim.Optimizer;
import org.tpsweep.optim.Sgd;
import org.tpsweep.optim.AdamSettings;
import org.tpsweep.optim.Parameter;
import org.tpsweep.rules.LearningRule;
import org.tpsweep.rules.LearningRules;

/**
 * The training loop. [M]'s schedule (ALGORITHMS.md §2): {@code epochs_fb} feedback-only pre-training
 * epochs; then per epoch and minibatch: forward pass → forward gradients → one feedback step on the same pass
 * → forward optimiser step; {@code extra_fb_epochs} feedback-only epochs after each epoch; then validation
 * and test. [F]'s schedule ({@code schedule: f}, §2b): K = {@code epochs_backward} feedback-only pre-training
 * epochs; per minibatch K feedback iterations, each on a new forward pass and over layers L..2 (each layer's
 * loss with fresh noise, then at once that layer's step), then a new forward pass, the targets and the forward
 * step; no feedback-only epochs. Separate optimisers for forward and feedback parameters (Adam,
 * or SGD under {@code optimizer: sgd}), the forward lr divided by β when {@code normalize_lr}. A non-finite
 * loss ends the run with status {@code diverged}.
 */
public final class Trainer {
    private static final String WORKSPACE = "tp-train-step";
    /** Early stop (ALGORITHMS.md §2 step 4): from this 1-based epoch on (threshold: Datasets.earlyStopAccuracy). */
    private static final int EARLY_STOP_FROM_EPOCH = 6;
    /** The λ search runs after this epoch ([M]'s code: after three; its text says two). */
    private static final int DAMPING_SEARCH_EPOCH = 3;

    private final RunConfig config;
    private final LabeledData train;
    private final LabeledData validation;
    private final LabeledData test;
    private final DataType dtype;
    private final int batchSize;
    private final LearningRule rule;
    private final Optimizer forwardOptimizer;
    /** [M]'s one optimiser over all feedback parameters; null without trained feedback or under [F]'s schedule. */
    private final Optimizer feedbackOptimizer;
    /**
     * [F]'s schedule: one optimiser per layer's feedback parameters, in the order one feedback iteration steps
     * them (L..2, or 2..L for l-drl-e); else null.
     */
    private final java.util.LinkedHashMap<Integer, Optimizer> layerOptimizers;
    /** [F]'s schedule: the layer order, per-layer steps, learning rates and momentum of a feedback iteration. */
    private final LayerFeedbackSchedule layerSchedule;
    /** K feedback iterations per minibatch before the targets ([F]'s schedule, ALGORITHMS.md §2b); 0 for [M]'s. */
    private final int feedbackIterations;
    /** Evaluation minibatch size ({@code eval_batch_size}; [M]'s 128 for methods without the key). */
    private final int evalBatch;
    private final CountedSampleOrder shuffle;
    /** The feedback noise (and dtp-iterative's decoder noise) of the run; its position goes into checkpoints. */
    private final NoiseSource noise;
    private final StepListener steps;
    private final Loss lossFunction;
    private final boolean freezeForward;
    private final AlignmentMonitor alignment;
    /** [F]'s Jacobian conditions after each epoch and before the first (option jacobians); null when off. */
    private final JacobianMonitor jacobians;
    /** dtp-iterative's contraction record after the pre-training and each epoch (contraction_diagnostics); else null. */
    private final ContractionMonitor contraction;

    public Trainer(RunConfig config, TrainTestData data) {
        this(config, data, TrainerHooks.none());
    }

    /** A run on {@code data}, split into training and validation sets as the config says, with {@code hooks}. */
    public Trainer(RunConfig config, TrainTestData data, TrainerHooks hooks) {
        this(config, DataSplits.split(data.train(), validationSize(config), config.getInt(Methods.TRAIN_SUBSET),
                RngStreams.of(config.seed()).splitSeed(), fixedValidationSlice(config)), data.test(), hooks);
    }

    /**
     * A run on an already made split (no {@code train_subset} or validation split is applied), with
     * {@code hooks} in place of the seeded noise and sample orders where given.
     */
    public Trainer(RunConfig config, Split split, LabeledData test, TrainerHooks hooks) {
        this.config = config;
        RngStreams rng = RngStreams.of(config.seed());
        this.train = split.train();
        this.validation = split.validation();
        this.test = test;
        this.dtype = LearningRules.dataType(config);
        this.freezeForward = config.getBoolean(Methods.FREEZE_FORWARD);
        this.lossFunction = Datasets.isRegression(config.dataset()) ? Loss.MEAN_SQUARED_ERROR : Loss.CROSS_ENTROPY;
        this.batchSize = config.getInt(Methods.BATCH_SIZE);
        Random init = Nd4j.getRandomFactory().getNewRandomInstance(rng.initSeed());
        this.noise = hooks.noise() != null ? hooks.noise() : new GaussianNoise(rng.noiseSeed());
        this.rule = LearningRules.create(config, train.dim(), train.numClasses(), init, noise);
        this.shuffle = new CountedSampleOrder(hooks.order() != null ? hooks.order()
                : SampleOrder.shuffled(new SplittableRandom(rng.shuffleSeed())));
        this.steps = hooks.steps();
        this.alignment = AlignmentMonitor.of(config, rule, MinibatchOrder.numBatches(train.n(), batchSize));
        this.forwardOptimizer = rule.writesUpdates() ? new Sgd(1.0, trainedForwardParameters(config, rule))
                : forwardOptimizer(config, trainedForwardParameters(config, rule));
        this.layerSchedule = LayerFeedbackSchedule.of(config);
        this.layerOptimizers = rule.trainsFeedback() && scheduleF(config)
                ? layerOptimizers(config, rule, layerSchedule) : null;
        this.feedbackOptimizer = rule.trainsFeedback() && layerOptimizers == null
                ? feedbackOptimizer(config, rule.feedbackParameters()) : null;
        this.feedbackIterations = scheduleF(config) ? config.getInt(Conventions.EPOCHS_BACKWARD) : 0;
        this.evalBatch = config.has(Conventions.EVAL_BATCH_SIZE) ? config.getInt(Conventions.EVAL_BATCH_SIZE)
                : Evaluator.AUTHORS_BATCH;
        LabeledData evaluationSet = validation.n() > 0 ? validation : test;     // the monitors' set
        this.jacobians = JacobianMonitor.of(config, rule, evaluationSet, dtype, evalBatch);
        this.contraction = ContractionMonitor.of(config, rule, evaluationSet, dtype, evalBatch);
        if (rule.network().anyBatchNorm()) {
            requireNoSingleSampleBatch("training set", train.n(), batchSize);
            requireNoSingleSampleBatch("validation set", validation.n(), evalBatch);
            requireNoSingleSampleBatch("test set", test.n(), evalBatch);
        }
    }

    /** Training samples held out for validation: none with no_val_set, else the dataset's (5000 for the images). */
    public static int validationSize(RunConfig config) {
        return config.getBoolean(Methods.NO_VAL_SET) ? 0 : Datasets.validationSize(config.dataset());
    }

    /** The forward parameters the optimiser updates: all, or only W_1 and b_1 on Frozen-MNIST. */
    static List<Parameter> trainedForwardParameters(RunConfig config, LearningRule rule) {
        if (!Datasets.onlyFirstLayerTrains(config.dataset())) {
            return rule.forwardParameters();
        }
        return rule.forwardParameters().stream().filter(p -> p.name().equals("W1") || p.name().equals("b1")).toList();
    }

    /** [F]'s per-layer feedback optimisers (each with its layer's lr and the momentum), in the schedule's order. */
    private static java.util.LinkedHashMap<Integer, Optimizer> layerOptimizers(RunConfig c, LearningRule rule,
                                                                                LayerFeedbackSchedule schedule) {
        java.util.LinkedHashMap<Integer, Optimizer> byLayer = new java.util.LinkedHashMap<>();
        for (int i : schedule.layerOrder()) {
            List<Parameter> params = rule.feedbackParameters(i);
            if (!params.isEmpty()) {
                byLayer.put(i, feedbackOptimizer(c, schedule.lr(i), schedule.momentum(), params));
            }
        }
        if (byLayer.isEmpty()) {
            throw new IllegalArgumentException(c.method() + " has no layer-by-layer feedback iteration for [F]'s "
                    + "schedule (schedule: f)");
        }
        return byLayer;
    }

    /** BN cannot standardise a minibatch of one sample: refuses a set whose last minibatch would have one. */
    private static void requireNoSingleSampleBatch(String set, int n, int batch) {
        if (n > 0 && (n % batch == 1 || batch == 1)) {
            throw new IllegalArgumentException("BN: the " + set + " of " + n + " samples in minibatches of " + batch
                    + " leaves a minibatch of 1 sample (BN's unbiased std divides by B − 1); choose a batch size "
                    + "that does not leave 1");
        }
    }

    /** True for [F]'s fixed validation slice (the last samples of the training file), {@code validation_split: last}. */
    public static boolean fixedValidationSlice(RunConfig c) {
        return c.has(Conventions.VALIDATION_SPLIT) && Conventions.LAST.equals(c.getString(Conventions.VALIDATION_SPLIT));
    }

    /** True when the config runs [F]'s schedule (ALGORITHMS.md §2b). */
    static boolean scheduleF(RunConfig c) {
        return c.has(Conventions.SCHEDULE) && Conventions.F.equals(c.getString(Conventions.SCHEDULE));
    }

    /** True when the config's optimiser is plain SGD ([F]); Adam otherwise. */
    static boolean sgd(RunConfig c) {
        return c.has(Conventions.OPTIMIZER) && Conventions.SGD.equals(c.getString(Conventions.OPTIMIZER));
    }

    /** The forward optimiser: Adam ({@link #forwardSettings}) or SGD with the same (possibly β-divided) lr. */
    public static Optimizer forwardOptimizer(RunConfig c, List<Parameter> params) {
        AdamSettings s = forwardSettings(c);
        return sgd(c) ? new Sgd(s.lr(), params) : new Adam(s, params);
    }

    /** The feedback optimiser: Adam ({@link #feedbackSettings}) or SGD with lr_fb. */
    public static Optimizer feedbackOptimizer(RunConfig c, List<Parameter> params) {
        return feedbackOptimizer(c, c.getDouble(Methods.LR_FB), 0.0, params);
    }

    /** The feedback optimiser with learning rate {@code lr} (and, for SGD, heavy-ball {@code momentum}). */
    static Optimizer feedbackOptimizer(RunConfig c, double lr, double momentum, List<Parameter> params) {
        return sgd(c) ? new Sgd(lr, momentum, params) : new Adam(feedbackSettings(c).withLr(lr), params);
    }

    /** The forward Adam settings, lr divided by β when normalize_lr (ALGORITHMS.md §1). */
    public static AdamSettings forwardSettings(RunConfig c) {
        double lr = c.getDouble(Methods.LR);
        if (c.getBoolean(Methods.NORMALIZE_LR)) {
            lr /= c.getDouble(Methods.TARGET_STEPSIZE);
        }
        return new AdamSettings(lr, c.getDouble(Methods.BETA1), c.getDouble(Methods.BETA2),
                c.getDouble(Methods.EPSILON), c.getDouble(Methods.FORWARD_WD));
    }

    /** The feedback Adam settings (lr never divided by β). */
    public static AdamSettings feedbackSettings(RunConfig c) {
        return new AdamSettings(c.getDouble(Methods.LR_FB), c.getDouble(Methods.BETA1_FB),
                c.getDouble(Methods.BETA2_FB), c.getDouble(Methods.EPSILON_FB), c.getDouble(Methods.FEEDBACK_WD));
    }

    /** The rule being trained (tests inspect its parameters). */
    public LearningRule rule() {
        return rule;
    }

    /** Steps taken so far by the forward optimiser. */
    public long forwardSteps() {
        return forwardOptimizer.steps();
    }

    /**
     * Steps taken so far by the feedback optimiser (0 for rules without trained feedback); under [F]'s schedule
     * the sum over the per-layer optimisers.
     */
    public long feedbackSteps() {
        if (layerOptimizers != null) {
            return layerOptimizers.values().stream().mapToLong(Optimizer::steps).sum();
        }
        return feedbackOptimizer == null ? 0 : feedbackOptimizer.steps();
    }

    /** Runs the whole schedule and returns the result; reports each epoch to {@code listener}. */
    public TrainResult train(EpochListener listener) {
        return train(listener, Checkpointing.NONE);
    }

    /**
     * Runs the whole schedule and returns the result; reports each epoch to {@code listener}. With
     * {@code checkpointing} the run first resumes from the trial's checkpoint when one fits (its state after
     * the last saved epoch, so the result is the one the uninterrupted run gives, bit for bit), and saves its
     * state after the pre-training and after each epoch but the last when the interval has passed. A resumed
     * run's message says so. Runs whose noise source cannot be positioned neither resume nor save.
     */
    public TrainResult train(EpochListener listener, Checkpointing checkpointing) {
        Checkpointing cp = noise.position() < 0 ? Checkpointing.NONE : checkpointing;
        TrainerState state = new TrainerState(rule, optimizers());
        TrainerCheckpoint resumed = TrialCheckpoints.resume(cp, config, state);
        Instant started = resumed == null ? Instant.now() : resumed.progress().started();
        List<EpochMetrics> epochs = new ArrayList<>();
        List<AngleStats> angles = new ArrayList<>();
        List<JacobianStats> jacobianStats = new ArrayList<>();
        List<RuleDiagnostic> diagnostics = new ArrayList<>();
        List<String> resumes = List.of();
        int firstEpoch = 1;
        if (resumed != null) {
            shuffle.skipTo(resumed.shufflePasses(), train.n());
            noise.advanceTo(resumed.noisePosition());
            epochs.addAll(resumed.progress().epochs());
            angles.addAll(resumed.progress().angles());
            jacobianStats.addAll(resumed.progress().jacobians());
            diagnostics.addAll(resumed.progress().diagnostics());
            firstEpoch = resumed.epochsDone() + 1;
            resumes = TrialCheckpoints.resumes(resumed, cp);
        }
        String notes = withNote(TrialCheckpoints.note(resumes), String.join("; ", rule.warnings()));
        CheckpointClock clock = new CheckpointClock(cp);
        String selectedDamping = "";
        try {
            if (resumed == null) {
                for (int e = 0; e < rule.ownPretrainEpochs(); e++) {
                    ownPretrainEpoch(e);
                }
                if (rule.trainsFeedback()) {
                    int pretrain = scheduleF(config) ? feedbackIterations : config.getInt(Methods.EPOCHS_FB);
                    for (int e = 0; e < pretrain; e++) {
                        feedbackEpoch(StepListener.Phase.PRETRAIN, 0);
                    }
                }
                if (jacobians != null) {                 // epoch 0: after the pre-training, before any training epoch
                    jacobianStats.addAll(jacobians.measure(0));
                }
                if (contraction != null) {
                    diagnostics.addAll(contraction.measure(0));
                }
                if (clock.due()) {
                    save(cp, state, 0, new TrainingProgress(started, epochs, angles, jacobianStats, diagnostics,
                            resumes));
                    clock.saved();
                }
            }
            int total = config.getInt(Methods.EPOCHS);
            for (int epoch = firstEpoch; epoch <= total; epoch++) {
                long t0 = System.nanoTime();
                double[] lossAndError = forwardEpoch(epoch);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                if (rule.trainsFeedback() && !scheduleF(config)) {
                    for (int e = 0; e < config.getInt(Methods.EXTRA_FB_EPOCHS); e++) {
                        feedbackEpoch(StepListener.Phase.FEEDBACK_EPOCH, epoch);
                    }
                }
                double fbSeconds = (System.nanoTime() - t1) / 1e9;
                Evaluator.Score val = validation.n() == 0 ? Evaluator.Score.none()
                        : Evaluator.evaluate(rule.network(), validation, dtype, lossFunction, evalBatch);
                Evaluator.Score tst = Evaluator.evaluate(rule.network(), test, dtype, lossFunction, evalBatch);
                if ((validation.n() > 0 && !Double.isFinite(val.loss())) || !Double.isFinite(tst.loss())) {
                    throw new Divergence("non-finite validation/test loss after epoch " + epoch);
                }
                if (alignment != null) {
                    angles.addAll(alignment.flush(epoch));
                }
                if (jacobians != null) {
                    jacobianStats.addAll(jacobians.measure(epoch));
                }
                diagnostics.addAll(rule.flushDiagnostics(epoch));
                if (contraction != null) {
                    diagnostics.addAll(contraction.measure(epoch));
                }
                EpochMetrics m = new EpochMetrics(epoch, lossAndError[0], lossAndError[1], val.loss(), val.error(),
                        tst.loss(), tst.error(), seconds, fbSeconds, val.batchAveragedError(),
                        tst.batchAveragedError());
                epochs.add(m);
                boolean stops = earlyStop(epoch, lossAndError[1]);
                boolean searches = epoch == DAMPING_SEARCH_EPOCH && config.getBoolean(Methods.GN_DAMPING_SEARCH);
                if (epoch < total && !stops && !searches && clock.due()) {
                    save(cp, state, epoch, new TrainingProgress(started, epochs, angles, jacobianStats, diagnostics,
                            resumes));
                    clock.saved();
                }
                listener.onEpoch(m);
                if (stops) {
                    return TrainResults.of(RunStatus.STOPPED, withNote(String.format("early stop after epoch %d: "
                            + "training accuracy %.4f < %.2f", epoch, 1 - lossAndError[1],
                            Datasets.earlyStopAccuracy(config.dataset())), notes), epochs, angles,
                            selectedDamping, started, jacobianStats, diagnostics);
                }
                if (searches) {
                    DampingSearch.Outcome found = DampingSearch.run(rule, train, batchSize, dtype, lossFunction,
                            shuffle, epoch);
                    angles.addAll(found.angles());
                    selectedDamping = found.chosenText();
                    break;
                }
            }
            return TrainResults.of(RunStatus.OK, notes, epochs, angles, selectedDamping, started,
                    jacobianStats, diagnostics);
        } catch (Divergence d) {
            return TrainResults.of(RunStatus.DIVERGED, withNote(d.getMessage(), notes), epochs, angles,
                    selectedDamping, started, jacobianStats, diagnostics);
        }
    }

    /** The optimisers by the names their state has in a checkpoint (absent ones are null). */
    private Map<String, Optimizer> optimizers() {
        Map<String, Optimizer> all = new LinkedHashMap<>();
        all.put("forward", forwardOptimizer);
        all.put("feedback", feedbackOptimizer);
        if (layerOptimizers != null) {
            layerOptimizers.forEach((layer, o) -> all.put("layer" + layer, o));
        }
        return all;
    }

    /** Saves the run's state after {@code epochsDone} epochs; a failed save is reported, not fatal. */
    private void save(Checkpointing cp, TrainerState state, int epochsDone, TrainingProgress progress) {
        TrainerCheckpoint c = new TrainerCheckpoint(config.trialId(), config.canonical(), cp.codeVersion(),
                epochsDone, shuffle.passes(), noise.position(), state.steps(), state.arrays(), progress);
        TrialCheckpoints.save(cp, c);
    }

    /** {@code message}, then {@code note} after "; " (either may be empty). */
    private static String withNote(String message, String note) {
        if (note.isEmpty()) {
            return message;
        }
        return message.isEmpty() ? note : message + "; " + note;
    }

    /** True when the early-stop rule, if enabled, ends the run after {@code epoch} (1-based). */
    private boolean earlyStop(int epoch, double trainError) {
        return earlyStop(config, lossFunction.isRegression(), epoch, trainError);
    }

    /**
     * The early-stop rule (ALGORITHMS.md §2 step 4): enabled, a classification run, {@code epoch} (1-based) at
     * least the 6th, and the epoch's mean training accuracy 1 − {@code trainError} below the dataset's threshold.
     */
    static boolean earlyStop(RunConfig config, boolean regression, int epoch, double trainError) {
        return config.getBoolean(Methods.EARLY_STOP) && !regression
                && epoch >= EARLY_STOP_FROM_EPOCH && 1 - trainError < Datasets.earlyStopAccuracy(config.dataset());
    }

    /** One forward-training epoch; returns {mean training loss, mean training error} over its minibatches. */
    private double[] forwardEpoch(int epoch) {
        int[] order = shuffle.nextPass(train.n());
        int batches = MinibatchOrder.numBatches(train.n(), batchSize);
        double lossSum = 0;
        double errorSum = 0;
        for (int j = 0; j < batches; j++) {
            try (MemoryWorkspace ws = StepWorkspace.open(WORKSPACE)) {
                Batch batch = train.batch(order, j * batchSize, Math.min(train.n(), (j + 1) * batchSize), dtype);
                if (rule.trainsFeedback()) {
                    for (int it = 0; it < feedbackIterations; it++) {    // [F]: feedback first, each on a new pass
                        feedbackStep(rule.network().forward(batch.x()), new StepListener.Step(
                                StepListener.Phase.TRAIN, epoch, j, StepListener.Optimizer.FEEDBACK));
                    }
                }
                ForwardPass pass = rule.network().forward(batch.x());
                LossResult loss = lossFunction.evaluate(pass.logits(), batch.targets(), true);
                if (!Double.isFinite(loss.meanLoss())) {
                    throw new Divergence("non-finite training loss in epoch " + epoch + ", minibatch " + j);
                }
                lossSum += loss.meanLoss();
                errorSum += lossFunction.isRegression() ? loss.meanLoss() : 1.0 - loss.accuracy();
                boolean logAngles = alignment != null && alignment.due(j);
                if (logAngles) {
                    alignment.computeReferences(pass, loss.gradient());
                }
                rule.computeForwardGradients(pass, loss.gradient());
                requireFiniteRuleState("in epoch " + epoch + ", minibatch " + j);
                if (feedbackOptimizer != null) {                       // [M]: after the targets, same pass
                    feedbackStep(pass, new StepListener.Step(StepListener.Phase.TRAIN, epoch, j,
                            StepListener.Optimizer.FEEDBACK));
                }
                if (logAngles) {
                    alignment.compare(pass);
                }
                if (!freezeForward) {
                    forwardOptimizer.step();
                    steps.afterStep(new StepListener.Step(StepListener.Phase.TRAIN, epoch, j,
                            StepListener.Optimizer.FORWARD));
                }
            }
        }
        return new double[] {lossSum / batches, errorSum / batches};
    }

    /** One epoch of the rule's own pre-training (dtp-iterative's decoder-only epochs): a forward pass and a step per minibatch. */
    private void ownPretrainEpoch(int epoch) {
        int[] order = shuffle.nextPass(train.n());
        int batches = MinibatchOrder.numBatches(train.n(), batchSize);
        for (int j = 0; j < batches; j++) {
            try (MemoryWorkspace ws = StepWorkspace.open(WORKSPACE)) {
                Batch batch = train.batch(order, j * batchSize, Math.min(train.n(), (j + 1) * batchSize), dtype);
                rule.ownPretrainStep(rule.network().forward(batch.x()));
                requireFiniteRuleState("in pre-training epoch " + (epoch + 1) + ", minibatch " + j);
            }
        }
    }

    /** One feedback-only epoch: a forward pass and one feedback step per minibatch. */
    private void feedbackEpoch(StepListener.Phase phase, int epoch) {
        int[] order = shuffle.nextPass(train.n());
        int batches = MinibatchOrder.numBatches(train.n(), batchSize);
        for (int j = 0; j < batches; j++) {
            try (MemoryWorkspace ws = StepWorkspace.open(WORKSPACE)) {
                Batch batch = train.batch(order, j * batchSize, Math.min(train.n(), (j + 1) * batchSize), dtype);
                feedbackStep(rule.network().forward(batch.x()),
                        new StepListener.Step(phase, epoch, j, StepListener.Optimizer.FEEDBACK));
            }
        }
    }

    /**
     * One feedback update on {@code pass}: [M]'s one step of all layers with the pre-step weights, or [F]'s
     * iteration over layers L..2 (l-drl-e: 2..L), each layer's loss (fresh noise) followed at once by its own step,
     * repeated per layer for its {@code fb_iterations} steps.
     */
    private void feedbackStep(ForwardPass pass, StepListener.Step step) {
        if (layerOptimizers != null) {
            for (java.util.Map.Entry<Integer, Optimizer> layer : layerOptimizers.entrySet()) {
                for (int k = 0; k < layerSchedule.iterations(layer.getKey()); k++) {
                    requireFinite(rule.computeLayerFeedbackGradients(pass, layer.getKey()), step);
                    layer.getValue().step();
                    steps.afterStep(step);
                }
            }
            return;
        }
        requireFinite(rule.computeFeedbackGradients(pass), step);
        feedbackOptimizer.step();
        steps.afterStep(step);
    }

    /**
     * Ends the run as diverged when an array the rule trains itself ({@link LearningRule#trainedState()}:
     * dtp-iterative's decoders) holds NaN or ±Inf. Such a rule can keep a finite training loss with diverged
     * decoders (its divergence guard then stops every sample and only the output layer learns), which would
     * otherwise pass for an ok run.
     */
    private void requireFiniteRuleState(String when) {
        for (Map.Entry<String, INDArray> e : rule.trainedState().entrySet()) {
            INDArray a = e.getValue();
            if (BooleanIndexing.or(a, Conditions.notFinite())) {
                throw new Divergence("non-finite " + e.getKey() + " " + when);
            }
        }
    }

    private static void requireFinite(double feedbackLoss, StepListener.Step step) {
        if (!Double.isFinite(feedbackLoss)) {
            throw new Divergence("non-finite feedback loss in epoch " + step.epoch());
        }
    }

    /** Internal signal that the run diverged. */
    private static final class Divergence extends RuntimeException {
        Divergence(String message) {
            super(message, null, false, false);
        }
    }
}
