package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DataSplits;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.TrainTestData;
import org.tpsweep.rules.LearningRules;

/**
 * ALGORITHMS.md §6 check 10 as a reusable assertion: a method with its published hyperparameters (784-256×5-10,
 * its own precision) lowers the training loss of a 2000-sample MNIST subset within two epochs, by at least 5 %.
 */
public final class TrainingCheck {
    private TrainingCheck() {
    }

    public static TrainTestData mnist() {
        return DatasetCache.get("mnist", DataDirectory.resolve());
    }

    /**
     * Asserts that two epochs of {@code method} (plus {@code overrides}) cut the subset's training loss by ≥ 5 %.
     * The evaluation is deterministic; the margin asks for real learning, not a rounding-level decrease (dfa, whose
     * fixed random feedback starts unaligned, is the slowest published config at ≈ 7 %).
     */
    public static void lowersTrainingLoss(String method, Map<String, Object> overrides) {
        Map<String, Object> p = new java.util.HashMap<>(Map.of(Methods.EPOCHS, 2, Methods.TRAIN_SUBSET, 2000));
        p.putAll(overrides);
        RunConfig c = RunConfig.of(method, "mnist", 3, p);
        Trainer trainer = new Trainer(c, mnist());
        LabeledData train = DataSplits.split(mnist().train(), Trainer.validationSize(c), 2000,
                RngStreams.of(3).splitSeed(), Trainer.fixedValidationSlice(c)).train();
        DataType dtype = LearningRules.dataType(c);
        double before = Evaluator.evaluate(trainer.rule().network(), train, dtype).loss();
        TrainResult r = trainer.train(EpochListener.NONE);
        double after = Evaluator.evaluate(trainer.rule().network(), train, dtype).loss();
        assertEquals(RunStatus.OK, r.status(), method + ": " + r.message());
        assertTrue(after < 0.95 * before, method + ": training loss " + before + " → " + after);
    }
}
