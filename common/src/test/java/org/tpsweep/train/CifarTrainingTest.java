package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.Datasets;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.CifarFormat;
import org.tpsweep.data.CifarTestFiles;
import org.tpsweep.data.DatasetFiles;
import org.tpsweep.data.TrainTestData;

/**
 * A run on small CIFAR files: 3072 inputs, 10 / 100 classes, and the early-stop threshold of each dataset
 * (ALGORITHMS.md §2 step 4: 0.25 for CIFAR-10; none for CIFAR-100).
 */
class CifarTrainingTest {
    @TempDir
    Path dir;

    private static RunConfig hopeless(String dataset) {
        // A learning rate of 1e-12 leaves the network at chance level: accuracy ≈ 0.1 (CIFAR-10), 0.01 (CIFAR-100).
        return RunConfig.of(Methods.BP, dataset, 1, Map.of(Methods.EPOCHS, 7, Methods.LR, 1e-12,
                Methods.EARLY_STOP, true, Methods.NO_VAL_SET, true, Methods.NUM_HIDDEN, 1, Methods.SIZE_HIDDEN, 8));
    }

    private static long weights(Trainer t, String name) {
        return t.rule().forwardParameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
                .value().length();
    }

    @Test
    void earlyStopUsesEachDatasetsThreshold() throws IOException {
        CifarTestFiles.writeDataset(dir, CifarFormat.CIFAR10, 20, 10);
        TrainTestData c10 = DatasetFiles.load(Datasets.CIFAR10, dir);
        Trainer t10 = new Trainer(hopeless(Datasets.CIFAR10), c10);
        assertEquals(3072L * 8, weights(t10, "W1"), "W_1: 3072 inputs to 8 hidden units");
        assertEquals(8L * 10, weights(t10, "W2"), "W_2: 8 hidden units to 10 classes");
        TrainResult r10 = t10.train(EpochListener.NONE);
        assertEquals(RunStatus.STOPPED, r10.status(), r10.message());
        assertEquals(6, r10.epochsCompleted());
        assertTrue(r10.message().contains("< 0.25"), r10.message());

        CifarTestFiles.writeDataset(dir, CifarFormat.CIFAR100, 100, 10);
        TrainTestData c100 = DatasetFiles.load(Datasets.CIFAR100, dir);
        assertEquals(100, c100.train().numClasses());
        Trainer t100 = new Trainer(hopeless(Datasets.CIFAR100), c100);
        assertEquals(8L * 100, weights(t100, "W2"), "W_2: 8 hidden units to 100 classes");
        TrainResult r100 = t100.train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r100.status(), r100.message());
        assertEquals(7, r100.epochsCompleted());
        assertTrue(r100.epochs().get(6).trainError() > 0.5, "still at chance level: " + r100.epochs().get(6));
    }
}
