package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;

/** The memory estimate of a sweep, on exact numbers, and its refusals. */
class MemoryEstimateTest {

    static final long GIB = 1L << 30;

    static SweepPlan plan(String yaml) {
        return SweepPlan.expand(SweepSpec.parse(yaml, "spec.yaml", "spec"));
    }

    @Test
    void networkBytesCountWeightsFourTimesAndActivationsSixteenTimesAtTheirPrecision() {
        RunConfig bp = RunConfig.of("bp", "mnist", 1, Map.of(Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 100,
                Methods.BATCH_SIZE, 10, Methods.PRECISION, "float64"));
        assertFalse(bp.has(Methods.LR_FB));
        // weights 784·100 + 100·100 + 100·10 + 2·100 + 10 = 89610; activations 10·(784 + 2·100 + 10) = 9940
        assertEquals((89_610L * 4 + 9_940L * 16) * 8, MemoryEstimate.networkBytes(bp));
        assertEquals((89_610L * 4 + 9_940L * 16) * 4,
                MemoryEstimate.networkBytes(bp.with(Methods.PRECISION, "float32")));
    }

    @Test
    void methodsWithLearnedFeedbackCountTheirFeedbackWeights() {
        RunConfig dtp = RunConfig.of("dtp", "cifar10", 1, Map.of(Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 100,
                Methods.BATCH_SIZE, 10, Methods.PRECISION, "float32", Methods.JACOBIANS, false));
        assertTrue(dtp.has(Methods.LR_FB));
        // weights 3072·100 + 100·100 + 100·10 + 2·100 + 10 = 318410, twice; activations 10·(3072 + 200 + 10)
        assertEquals((2 * 318_410L * 4 + 32_820L * 16) * 4, MemoryEstimate.networkBytes(dtp));
    }

    @Test
    void dataBytesAreFloatPixelsAndIntLabels() {
        assertEquals(70_000L * 785 * 4, MemoryEstimate.datasetBytes("mnist"));
        assertEquals(60_000L * 3073 * 4, MemoryEstimate.datasetBytes("cifar100"));
        RunConfig subset = RunConfig.of("bp", "mnist", 1, Map.of(Methods.TRAIN_SUBSET, 1000));
        assertEquals((5_000L + 1_000) * 785 * 4, MemoryEstimate.splitBytes(subset));
        assertEquals(60_000L * 785 * 4, MemoryEstimate.splitBytes(subset.with(Methods.TRAIN_SUBSET, 0)));
    }

    @Test
    void aNetworkTooBigForTheJvmIsRefusedWithTheEstimateAndTheLimit() {
        SweepPlan p = plan("dataset: mnist\nseeds: [1, 2]\nmethods: {bp: {num_hidden: 3, size_hidden: 20000, "
                + "batch_size: 100, precision: float32}}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> MemoryEstimate.check(p, 8 * GIB, 4, "raise the heap"));
        // weights 784·20000 + 2·20000² + 20000·10 + 3·20000 + 10 = 815 940 010; activations 100·60794
        long network = (815_940_010L * 4 + 6_079_400L * 16) * 4;
        assertEquals("spec: a trial of bp on mnist (num_hidden 3, size_hidden 20000, batch_size 100, float32) needs "
                + "about " + MemoryEstimate.mib(network) + " for its network, 2 at once about "
                + MemoryEstimate.mib(2 * network) + ", but a JVM has 8192 MiB; allowed: at most 8192 MiB — raise the "
                + "heap, or use a smaller network", e.getMessage());
    }

    @Test
    void dataTooBigForTheHeapIsRefused() {
        SweepPlan p = plan("datasets: [cifar10, cifar100]\nseeds: [1, 2, 3, 4]\nmethods: {bp: {num_hidden: 1, "
                + "size_hidden: 10}}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> MemoryEstimate.check(p, 2 * GIB, 4, "raise the heap"));
        assertTrue(e.getMessage().startsWith("spec: the data need about " + MemoryEstimate.mib(
                2 * 60_000L * 3073 * 4 + 4 * 50_000L * 3073 * 4) + " of heap (the datasets [cifar10, cifar100] "
                + MemoryEstimate.mib(2 * 60_000L * 3073 * 4) + ", plus 4 trials at once × "), e.getMessage());
        assertTrue(e.getMessage().endsWith("but a JVM has 2048 MiB; allowed: at most 2048 MiB — raise the heap, or "
                + "set a smaller train_subset"), e.getMessage());
        MemoryEstimate.check(p, 8 * GIB, 4, "raise the heap");
    }

    @Test
    void everyPresetFitsTheLaunchersDefaultHeap() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        root = root.getFileName().toString().equals("spark-jobs") ? root.getParent() : root;
        List<Path> presets;
        try (Stream<Path> files = Files.walk(root.resolve("conf/presets"))) {
            presets = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(presets.size() >= 10, "presets: " + presets);
        for (Path f : presets) {
            SweepPlan p = SweepPlan.expand(SweepSpec.load(f));
            // bin/tp-sweep's default -Xmx8g on a machine of 8 cores (local[*]: 8 trials at once). The largest:
            // the CIFAR presets, 309 MiB of network and 587 MiB of samples per trial, 720 MiB per dataset.
            MemoryEstimate.check(p, 8 * GIB, 8, "raise the heap");
        }
    }
}
