package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void rawImagesRoundTripExactly() throws IOException {
        byte[] pixels = IdxTestFiles.pixels(5, 3, 4, 250); // values wrap past 255: unsigned bytes matter
        Path f = IdxTestFiles.write(dir.resolve("img"), IdxTestFiles.imagesBytes(0x803, 5, 3, 4, pixels), false);
        IdxImages images = IdxReader.readImages(f);
        assertEquals(5, images.count());
        assertEquals(3, images.rows());
        assertEquals(4, images.cols());
        assertEquals(12, images.dim());
        assertArrayEquals(pixels, images.pixels());
        assertEquals((7 * 2 + 3 * 5 + 250) & 0xFF, images.pixel(2, 5));
        assertEquals(250, images.pixel(0, 0));
        assertTrue(images.pixel(4, 11) >= 0);
    }

    @Test
    void gzipImagesAndLabelsRoundTripExactly() throws IOException {
        byte[] pixels = IdxTestFiles.pixels(6, 2, 2, 17);
        int[] labels = {0, 9, 3, 255, 7, 1};
        Path img = IdxTestFiles.write(dir.resolve("img.gz"), IdxTestFiles.imagesBytes(0x803, 6, 2, 2, pixels), true);
        Path lab = IdxTestFiles.write(dir.resolve("lab.gz"), IdxTestFiles.labelsBytes(0x801, labels), true);
        assertArrayEquals(pixels, IdxReader.readImages(img).pixels());
        assertArrayEquals(labels, IdxReader.readLabels(lab));
    }

    @Test
    void gzipIsDetectedByMagicBytesNotName() throws IOException {
        int[] labels = {4, 2, 8};
        Path lab = IdxTestFiles.write(dir.resolve("labels-no-suffix"), IdxTestFiles.labelsBytes(0x801, labels), true);
        assertArrayEquals(labels, IdxReader.readLabels(lab));
        Path raw = IdxTestFiles.write(dir.resolve("raw-named.gz"), IdxTestFiles.labelsBytes(0x801, labels), false);
        assertArrayEquals(labels, IdxReader.readLabels(raw));
    }

    @Test
    void rawLabelsRoundTrip() throws IOException {
        int[] labels = IdxTestFiles.labels(37);
        Path lab = IdxTestFiles.write(dir.resolve("lab"), IdxTestFiles.labelsBytes(0x801, labels), false);
        assertArrayEquals(labels, IdxReader.readLabels(lab));
    }

    @Test
    void wrongMagicNamesFileAndBothValuesInHex() throws IOException {
        Path f = IdxTestFiles.write(dir.resolve("weird-images"),
                IdxTestFiles.imagesBytes(0x00000d03, 1, 2, 2, new byte[4]), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("weird-images"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000d03"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000803"), e.getMessage());
    }

    @Test
    void labelsFileReadAsImagesIsRejected() throws IOException {
        Path f = IdxTestFiles.write(dir.resolve("labels"), IdxTestFiles.labelsBytes(0x801, new int[] {1, 2}), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("0x00000801"), e.getMessage());
        Path g = IdxTestFiles.write(dir.resolve("images"), IdxTestFiles.imagesBytes(0x803, 1, 1, 1, new byte[1]), false);
        InvalidDataException e2 = assertThrows(InvalidDataException.class, () -> IdxReader.readLabels(g));
        assertTrue(e2.getMessage().contains("0x00000803") && e2.getMessage().contains("0x00000801"), e2.getMessage());
    }

    @Test
    void truncatedImagesFile() throws IOException {
        byte[] full = IdxTestFiles.imagesBytes(0x803, 4, 3, 3, IdxTestFiles.pixels(4, 3, 3, 0));
        Path f = IdxTestFiles.write(dir.resolve("short-images"), Arrays.copyOf(full, full.length - 5), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("short-images"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 36") && e.getMessage().contains("found 31"), e.getMessage());
    }

    @Test
    void truncatedGzipImagesFile() throws IOException {
        byte[] full = IdxTestFiles.imagesBytes(0x803, 4, 3, 3, IdxTestFiles.pixels(4, 3, 3, 0));
        Path f = IdxTestFiles.write(dir.resolve("short.gz"), Arrays.copyOf(full, full.length - 1), true);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void cutGzipStreamIsReportedNotThrownAsIOException() throws IOException {
        byte[] full = IdxTestFiles.imagesBytes(0x803, 40, 5, 5, IdxTestFiles.pixels(40, 5, 5, 0));
        Path good = IdxTestFiles.write(dir.resolve("good.gz"), full, true);
        byte[] gz = Files.readAllBytes(good);
        Path cut = IdxTestFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readImages(cut));
        assertTrue(e.getMessage().contains("cut.gz"), e.getMessage());
    }

    @Test
    void truncatedLabelsFile() throws IOException {
        byte[] full = IdxTestFiles.labelsBytes(0x801, IdxTestFiles.labels(10));
        Path f = IdxTestFiles.write(dir.resolve("short-labels"), Arrays.copyOf(full, full.length - 3), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readLabels(f));
        assertTrue(e.getMessage().contains("short-labels"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("expected 10")
                && e.getMessage().contains("found 7"), e.getMessage());
    }

    @Test
    void truncatedHeader() throws IOException {
        Path f = IdxTestFiles.write(dir.resolve("header"), new byte[] {0, 0, 8, 3, 0, 0}, false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("header") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void trailingBytesAreAnError() throws IOException {
        byte[] full = IdxTestFiles.imagesBytes(0x803, 2, 2, 2, IdxTestFiles.pixels(2, 2, 2, 0));
        Path f = IdxTestFiles.write(dir.resolve("long-images"), Arrays.copyOf(full, full.length + 3), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("long-images") && e.getMessage().contains("3 unexpected trailing"),
                e.getMessage());
        byte[] labels = IdxTestFiles.labelsBytes(0x801, new int[] {1, 2, 3});
        Path g = IdxTestFiles.write(dir.resolve("long-labels.gz"), Arrays.copyOf(labels, labels.length + 1), true);
        assertThrows(InvalidDataException.class, () -> IdxReader.readLabels(g));
    }

    @Test
    void nonPositiveDimensionIsAnError() throws IOException {
        Path f = IdxTestFiles.write(dir.resolve("zero-rows"), IdxTestFiles.imagesBytes(0x803, 2, 0, 5, new byte[0]), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("rows") && e.getMessage().contains("must be positive"), e.getMessage());
        Path g = IdxTestFiles.write(dir.resolve("neg"), IdxTestFiles.imagesBytes(0x803, -1, 2, 2, new byte[0]), false);
        assertThrows(InvalidDataException.class, () -> IdxReader.readImages(g));
    }

    @Test
    void missingFileIsInvalidData() {
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> IdxReader.readLabels(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void datasetFilesLoadsAndNormalisesMnist() throws IOException {
        IdxTestFiles.writeDataset(dir, Datasets.MNIST, 7, 3, 2, 3, false);
        TrainTestData data = DatasetFiles.load(Datasets.MNIST, dir);
        assertEquals(7, data.train().n());
        assertEquals(6, data.train().dim());
        assertEquals(10, data.train().numClasses());
        assertEquals(3, data.test().n());
        assertArrayEquals(IdxTestFiles.labels(7), data.train().y());
        byte[] pixels = IdxTestFiles.pixels(7, 2, 3, 0);
        for (int k = 0; k < pixels.length; k++) {
            double expected = ((pixels[k] & 0xFF) / 255.0 - 0.1307) / 0.3081;
            assertEquals(expected, data.train().x()[k], 1e-6);
        }
        byte[] testPixels = IdxTestFiles.pixels(3, 2, 3, 100);
        assertEquals(((testPixels[4] & 0xFF) / 255.0 - 0.1307) / 0.3081, data.test().x()[4], 1e-6);
    }

    @Test
    void datasetFilesScalesFashionMnistToUnitIntervalAndAcceptsRawFiles() throws IOException {
        IdxTestFiles.writeDataset(dir, Datasets.FASHION_MNIST, 5, 2, 3, 3, false);
        TrainTestData data = DatasetFiles.load(Datasets.FASHION_MNIST, dir);
        byte[] pixels = IdxTestFiles.pixels(5, 3, 3, 0);
        for (int k = 0; k < pixels.length; k++) {
            assertEquals((pixels[k] & 0xFF) / 255.0, data.train().x()[k], 1e-7);
        }
    }

    @Test
    void datasetFilesAcceptsGzippedMnist() throws IOException {
        IdxTestFiles.writeDataset(dir, Datasets.MNIST, 4, 2, 2, 2, true);
        TrainTestData data = DatasetFiles.load(Datasets.MNIST, dir);
        assertEquals(4, data.train().n());
        assertEquals(2, data.test().n());
    }

    @Test
    void imageLabelCountMismatchNamesBothFilesAndCounts() throws IOException {
        IdxTestFiles.writeDataset(dir, Datasets.MNIST, 6, 3, 2, 2, false);
        Path labels = dir.resolve("mnist/train-labels-idx1-ubyte");
        IdxTestFiles.write(labels, IdxTestFiles.labelsBytes(0x801, IdxTestFiles.labels(5)), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> DatasetFiles.load(Datasets.MNIST, dir));
        String m = e.getMessage();
        assertTrue(m.contains("train-images-idx3-ubyte") && m.contains("train-labels-idx1-ubyte"), m);
        assertTrue(m.contains("6 images") && m.contains("5 labels"), m);
    }

    @Test
    void labelOutsideTenClassesIsRejected() throws IOException {
        IdxTestFiles.writeDataset(dir, Datasets.MNIST, 3, 3, 2, 2, false);
        IdxTestFiles.write(dir.resolve("mnist/t10k-labels-idx1-ubyte"),
                IdxTestFiles.labelsBytes(0x801, new int[] {1, 10, 2}), false);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> DatasetFiles.load(Datasets.MNIST, dir));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte") && e.getMessage().contains("label 10"),
                e.getMessage());
    }

    @Test
    void missingFilesAreListedWithFetchHint() throws IOException {
        IdxTestFiles.writeDataset(dir, Datasets.MNIST, 3, 3, 2, 2, false);
        Files.delete(dir.resolve("mnist/train-labels-idx1-ubyte"));
        Files.delete(dir.resolve("mnist/t10k-images-idx3-ubyte"));
        ConfigException e = assertThrows(ConfigException.class, () -> DatasetFiles.checkPresent(Datasets.MNIST, dir));
        String m = e.getMessage();
        assertTrue(m.contains("train-labels-idx1-ubyte") && m.contains("t10k-images-idx3-ubyte"), m);
        assertFalse(m.contains("train-images-idx3-ubyte") || m.contains("t10k-labels-idx1-ubyte"), m);
        assertTrue(m.contains("bin/fetch-data mnist"), m);
        assertThrows(ConfigException.class, () -> DatasetFiles.load(Datasets.MNIST, dir));
    }

    @Test
    void missingFashionDirectoryListsAllFourFiles() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DatasetFiles.checkPresent(Datasets.FASHION_MNIST, dir));
        String m = e.getMessage();
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            assertTrue(m.contains(name), m);
        }
        assertTrue(m.contains("bin/fetch-data fashion-mnist"), m);
    }

    @Test
    void unknownDatasetIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> DatasetFiles.checkPresent("cifar-1000", dir));
        assertTrue(e.getMessage().contains("cifar-1000"), e.getMessage());
    }
}
