package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DataSplits;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.TrainTestData;
import org.tpsweep.rules.LearningRules;
import org.tpsweep.train.EpochListener;
import org.tpsweep.train.Evaluator;
import org.tpsweep.train.RngStreams;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;
import org.tpsweep.train.Trainer;

/**
 * ALGORITHMS.md §6 check 10 with the presets' hyperparameters: every method of conf/presets/meulemans2020-mnist.yaml
 * (its published *_train configuration, its own precision) and of conf/presets/fwdtp2023-table2-mnist.yaml (the
 * published FW-DTP setting and the searched cells; tp excepted, the row that shows plain TP failing) lowers the
 * training loss of a 2000-sample MNIST subset within two epochs (the preset run small: --epochs 2 --seeds 1
 * --train-subset 2000), by at least its floor in {@link #FLOORS}.
 */
class PresetTrainingTest {

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return here.getFileName().toString().equals("spark-jobs") ? here.getParent() : here;
    }

    /**
     * The least relative drop of the training loss per preset and method: about half the drop measured on this
     * set-up (issue 15 item 3; "any decrease" passes with broken hidden-layer targets, since the output layer always
     * gets its exact update). The *_train presets have small learning rates (dtp-pretrained: effective 1.2e-4,
     * σ = 0.009), so 32 steps lower its loss by only 1.2 %. The runs are deterministic.
     */
    private static final Map<String, Double> FLOORS = Map.ofEntries(
            Map.entry("meulemans2020-mnist/bp", 0.42),                  // measured 85.9 %
            Map.entry("meulemans2020-mnist/dfa", 0.07),                 // 14.3 %
            Map.entry("meulemans2020-mnist/dtp", 0.044),                // 8.96 %
            Map.entry("meulemans2020-mnist/dtp-pretrained", 0.006),     // 1.20 %
            Map.entry("meulemans2020-mnist/dtp-drl", 0.24),             // 49.3 %
            Map.entry("meulemans2020-mnist/ddtp-linear", 0.39),         // 78.5 %
            Map.entry("meulemans2020-mnist/ddtp-rhl", 0.17),            // 35.3 %
            Map.entry("meulemans2020-mnist/ddtp-rec", 0.18),            // 37.3 %
            Map.entry("meulemans2020-mnist/ddtp-control", 0.36),        // 72.7 %
            Map.entry("fwdtp2023-table2-mnist/bp", 0.31),               // 63.7 %
            Map.entry("fwdtp2023-table2-mnist/fa", 0.24),               // 48.3 %
            Map.entry("fwdtp2023-table2-mnist/dtp", 0.31),              // 62.9 %
            Map.entry("fwdtp2023-table2-mnist/dtp-drl", 0.30),          // 60.7 %
            Map.entry("fwdtp2023-table2-mnist/l-drl-f", 0.28),          // 57.3 %
            Map.entry("fwdtp2023-table2-mnist/fw-dtp-bn", 0.098));      // 19.8 %

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"meulemans2020-mnist", "fwdtp2023-table2-mnist"})
    void everyPresetMethodLowersTheTrainingLossWithinTwoEpochs(String preset) {
        SweepSpec spec = SweepSpec.load(root().resolve("conf/presets/" + preset + ".yaml"));
        SweepPlan plan = SweepPlan.expand(spec, Map.of(Methods.EPOCHS, 2, Methods.TRAIN_SUBSET, 2000));
        TrainTestData mnist = DatasetCache.get("mnist", DataDirectory.resolve());
        int checked = 0;
        for (RunConfig c : plan.trials()) {
            if (c.seed() != spec.seeds().get(0) || c.method().equals(Methods.TP)) {
                continue;
            }
            int validation = Trainer.validationSize(c);
            LabeledData train = DataSplits.split(mnist.train(), validation, 2000,
                    RngStreams.of(c.seed()).splitSeed(), Trainer.fixedValidationSlice(c)).train();
            Trainer trainer = new Trainer(c, mnist);
            var dtype = LearningRules.dataType(c);
            double before = Evaluator.evaluate(trainer.rule().network(), train, dtype).loss();
            TrainResult r = trainer.train(EpochListener.NONE);
            double after = Evaluator.evaluate(trainer.rule().network(), train, dtype).loss();
            assertEquals(RunStatus.OK, r.status(), c.method() + ": " + r.message());
            System.out.printf("check 10 (preset) %-15s %.4f → %.4f%n", c.method(), before, after);
            Double floor = FLOORS.get(preset + "/" + c.method());
            assertTrue(floor != null, "no floor for " + preset + "/" + c.method());
            assertTrue(1 - after / before >= floor, String.format("%s: training loss %.4f → %.4f, a drop of %.2f %% "
                    + "< floor %.1f %%", c.method(), before, after, 100 * (1 - after / before), 100 * floor));
            checked++;
        }
        assertEquals(spec.methods().size() - (spec.methods().containsKey(Methods.TP) ? 1 : 0), checked);
    }
}
