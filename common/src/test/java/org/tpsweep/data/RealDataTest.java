package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;

/** Checks the real MNIST and Fashion-MNIST files; skipped where bin/fetch-data has not been run. */
class RealDataTest {
    private static Path dataDirWith(String dataset) {
        Path dir = DataDirectory.resolve();
        boolean present;
        try {
            DatasetFiles.checkPresent(dataset, dir);
            present = true;
        } catch (ConfigException e) {
            present = false;
        }
        assumeTrue(present, dataset + " files not found under " + dir);
        return dir;
    }

    @Test
    void mnist() {
        Path dir = dataDirWith(Datasets.MNIST);
        long t0 = System.nanoTime();
        IdxImages raw = IdxReader.readImages(dir.resolve("mnist/train-images-idx3-ubyte"));
        long readMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("MNIST train images (47 MB raw) read in " + readMs + " ms");
        assertEquals(60000, raw.count());
        assertEquals(28, raw.rows());
        assertEquals(28, raw.cols());

        TrainTestData data = DatasetFiles.load(Datasets.MNIST, dir);
        LabeledData train = data.train();
        assertEquals(60000, train.n());
        assertEquals(784, train.dim());
        assertEquals(10, train.numClasses());
        assertEquals(10000, data.test().n());
        assertEquals(784, data.test().dim());
        assertAllClassesPresent(train);
        assertAllClassesPresent(data.test());
        assertEquals(5, train.y()[0]); // the well-known first labels of MNIST
        assertEquals(7, data.test().y()[0]);

        double sum = 0;
        double sumSq = 0;
        for (float v : train.x()) {
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / train.x().length;
        double std = Math.sqrt(sumSq / train.x().length - mean * mean);
        assertTrue(Math.abs(mean) < 0.01, "normalised mean " + mean);
        assertTrue(Math.abs(std - 1) < 0.01, "normalised std " + std);
        assertEquals((0 - 0.1307) / 0.3081, min(train.x()), 1e-6);
        assertEquals((1 - 0.1307) / 0.3081, max(train.x()), 1e-6);
    }

    @Test
    void fashionMnist() {
        Path dir = dataDirWith(Datasets.FASHION_MNIST);
        TrainTestData data = DatasetFiles.load(Datasets.FASHION_MNIST, dir);
        assertEquals(60000, data.train().n());
        assertEquals(784, data.train().dim());
        assertEquals(10000, data.test().n());
        assertAllClassesPresent(data.train());
        assertAllClassesPresent(data.test());
        assertEquals(9, data.train().y()[0]); // ankle boot
        assertEquals(0.0, min(data.train().x()), 0.0);
        assertEquals(1.0, max(data.train().x()), 0.0);
        assertTrue(min(data.test().x()) >= 0 && max(data.test().x()) <= 1);
    }

    private static void assertAllClassesPresent(LabeledData d) {
        int[] counts = new int[10];
        for (int label : d.y()) {
            counts[label]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] > 0, "class " + c + " absent");
        }
    }

    private static float min(float[] a) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static float max(float[] a) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
