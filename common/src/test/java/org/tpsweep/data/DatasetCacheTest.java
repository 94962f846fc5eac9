package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;

class DatasetCacheTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        DatasetCache.clear();
    }

    @Test
    void loadsOncePerNormalisedDirectory() throws IOException {
        IdxTestFiles.writeDataset(dir, Datasets.MNIST, 4, 2, 2, 2, false);
        TrainTestData a = DatasetCache.get(Datasets.MNIST, dir);
        assertSame(a, DatasetCache.get(Datasets.MNIST, dir.resolve("mnist").resolve("..")));
        // a cached entry does not read the files again
        Files.delete(dir.resolve("mnist/train-images-idx3-ubyte"));
        assertSame(a, DatasetCache.get(Datasets.MNIST, dir));
        DatasetCache.clear();
        assertThrows(ConfigException.class, () -> DatasetCache.get(Datasets.MNIST, dir));
    }

    @Test
    void datasetsAndDirectoriesAreSeparateEntries() throws IOException {
        IdxTestFiles.writeDataset(dir.resolve("a"), Datasets.MNIST, 4, 2, 2, 2, false);
        IdxTestFiles.writeDataset(dir.resolve("a"), Datasets.FASHION_MNIST, 4, 2, 2, 2, true);
        IdxTestFiles.writeDataset(dir.resolve("b"), Datasets.MNIST, 4, 2, 2, 2, false);
        TrainTestData mnistA = DatasetCache.get(Datasets.MNIST, dir.resolve("a"));
        assertNotSame(mnistA, DatasetCache.get(Datasets.FASHION_MNIST, dir.resolve("a")));
        assertNotSame(mnistA, DatasetCache.get(Datasets.MNIST, dir.resolve("b")));
    }

    @Test
    void concurrentCallersShareOneInstance() throws Exception {
        IdxTestFiles.writeDataset(dir, Datasets.MNIST, 200, 50, 28, 28, true);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<TrainTestData>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(() -> DatasetCache.get(Datasets.MNIST, dir));
            }
            List<Future<TrainTestData>> results = pool.invokeAll(calls);
            TrainTestData first = results.get(0).get();
            for (Future<TrainTestData> r : results) {
                assertSame(first, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
