package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;

/** The CIFAR-10 / CIFAR-100 binary readers on small files written by {@link CifarTestFiles}. */
class CifarFilesTest {
    private static final CifarFormat C10 = CifarFormat.CIFAR10;
    private static final CifarFormat C100 = CifarFormat.CIFAR100;

    @TempDir
    Path dir;

    /** [M]'s CIFAR normalisation (p/255 − 0.5)/0.5, in double, rounded to float as the loader does. */
    private static float symmetric(int p) {
        return (float) ((p / 255.0 - 0.5) / 0.5);
    }

    private static Path write(Path file, byte[]... records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(r);
        }
        Files.createDirectories(file.getParent());
        return Files.write(file, out.toByteArray());
    }

    private static String messageOf(Class<? extends RuntimeException> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    @Test
    void knownBytesGiveExactValuesInChannelRowColumnOrderAfterTheLabelByte() throws IOException {
        byte[] p = new byte[CifarFormat.PIXELS];
        p[1] = (byte) 255;                    // red, row 0, col 1
        p[1024 + 2 * 32] = (byte) 51;         // green, row 2, col 0
        p[2 * 1024 + 31 * 32 + 31] = (byte) 204; // blue, row 31, col 31
        byte[] first = CifarTestFiles.record(C10, 0, 7, p);
        byte[] flat = new byte[CifarFormat.PIXELS];
        Arrays.fill(flat, (byte) 128);
        byte[] second = CifarTestFiles.record(C10, 0, 3, flat);
        for (String name : C10.trainFiles()) {
            write(dir.resolve("cifar10").resolve(name), first, second);
        }
        write(dir.resolve("cifar10/test_batch.bin"), second);

        TrainTestData data = DatasetFiles.load(Datasets.CIFAR10, dir);
        float[] x = data.train().x();
        assertEquals(1f, x[1]);
        assertEquals(-0.6f, x[1024 + 64]);
        assertEquals(0.6f, x[3071]);
        int notBlack = 0;
        for (int j = 0; j < CifarFormat.PIXELS; j++) {
            notBlack += x[j] != -1f ? 1 : 0;
        }
        assertEquals(3, notBlack, "every other pixel byte of the first record is 0 → −1");
        assertEquals(7, data.train().y()[0]);
        assertEquals(3, data.train().y()[1]);
        for (int j = 0; j < CifarFormat.PIXELS; j++) {
            assertEquals(symmetric(128), x[CifarFormat.PIXELS + j], "second record, feature " + j);
        }
        assertEquals(0.003921569f, symmetric(128), 1e-9f);
        assertEquals(10, data.train().y().length);
        assertArrayEquals(new int[] {7, 3, 7, 3, 7, 3, 7, 3, 7, 3}, data.train().y(), "batch files in order 1..5");
        assertArrayEquals(new int[] {3}, data.test().y());
    }

    @Test
    void cifar10FolderLoadsEveryPixelAndLabelInFileOrder() throws IOException {
        CifarTestFiles.writeDataset(dir, C10, 3, 2);
        TrainTestData data = DatasetFiles.load(Datasets.CIFAR10, dir);
        LabeledData train = data.train();
        assertEquals(15, train.n());
        assertEquals(3072, train.dim());
        assertEquals(10, train.numClasses());
        assertEquals(2, data.test().n());
        assertEquals(3072, data.test().dim());
        for (int k = 0; k < 5; k++) {
            assertSamples(train, 3 * k, 3, CifarTestFiles.seed(C10, C10.trainFiles().get(k)), C10);
        }
        assertSamples(data.test(), 0, 2, CifarTestFiles.seed(C10, "test_batch.bin"), C10);
    }

    @Test
    void cifar100SkipsTheCoarseByteAndUsesTheFineLabel() throws IOException {
        CifarTestFiles.writeDataset(dir, C100, 4, 3);
        TrainTestData data = DatasetFiles.load(Datasets.CIFAR100, dir);
        assertEquals(4, data.train().n());
        assertEquals(3, data.test().n());
        assertEquals(100, data.train().numClasses());
        assertEquals(100, data.test().numClasses());
        assertSamples(data.train(), 0, 4, CifarTestFiles.seed(C100, "train.bin"), C100);
        assertSamples(data.test(), 0, 3, CifarTestFiles.seed(C100, "test.bin"), C100);

        byte[] p = new byte[CifarFormat.PIXELS];
        p[0] = (byte) 200;
        write(dir.resolve("cifar100/train.bin"), CifarTestFiles.record(C100, 19, 57, p));
        TrainTestData one = DatasetFiles.load(Datasets.CIFAR100, dir);
        assertArrayEquals(new int[] {57}, one.train().y(), "the fine label, not the coarse 19");
        assertEquals(symmetric(200), one.train().x()[0], "the first pixel follows both label bytes");
        assertEquals(-1f, one.train().x()[1]);
    }

    /** Rows from..from+count of {@code data} are the records 0..count-1 the writer made with {@code seed}. */
    private static void assertSamples(LabeledData data, int from, int count, int seed, CifarFormat format) {
        for (int i = 0; i < count; i++) {
            int label = CifarTestFiles.label(format, seed, i);
            assertEquals(label, data.y()[from + i], "label of record " + i + ", seed " + seed);
            assertNotEquals(CifarTestFiles.coarse(label), label);
            for (int c = 0; c < 3; c++) {
                for (int r = 0; r < 32; r++) {
                    for (int k = 0; k < 32; k++) {
                        assertEquals(symmetric(CifarTestFiles.pixel(seed, i, c, r, k)),
                                data.x()[(from + i) * 3072 + c * 1024 + r * 32 + k],
                                "record " + i + " channel " + c + " row " + r + " col " + k + ", seed " + seed);
                    }
                }
            }
        }
    }

    @Test
    void normalisationIsAParameter() throws IOException {
        CifarTestFiles.writeDataset(dir, C10, 1, 1);
        float[] f = DatasetFiles.load(Datasets.CIFAR10, dir, PixelNormalisation.MNIST_STATISTICS).train().x();
        int seed = CifarTestFiles.seed(C10, "data_batch_1.bin");
        for (int j : new int[] {0, 5, 1024 + 37, 3071}) {
            int p = CifarTestFiles.pixel(seed, 0, j / 1024, j % 1024 / 32, j % 32);
            assertEquals((float) ((p / 255.0 - 0.1307) / 0.3081), f[j], "feature " + j);
        }
        assertEquals(PixelNormalisation.SYMMETRIC, PixelNormalisation.meulemans(Datasets.CIFAR10));
        assertEquals(PixelNormalisation.SYMMETRIC, PixelNormalisation.meulemans(Datasets.CIFAR100));
        assertEquals(PixelNormalisation.MNIST_STATISTICS, PixelNormalisation.meulemans(Datasets.MNIST));
        assertEquals(PixelNormalisation.MNIST_STATISTICS, PixelNormalisation.meulemans(Datasets.FROZEN_MNIST));
        assertEquals(PixelNormalisation.UNIT_RANGE, PixelNormalisation.meulemans(Datasets.FASHION_MNIST));
        assertEquals(-1.0, PixelNormalisation.SYMMETRIC.apply(0));
        assertEquals(1.0, PixelNormalisation.SYMMETRIC.apply(255));
        assertEquals(1.0, PixelNormalisation.UNIT_RANGE.apply(255));
        assertEquals(-0.1307 / 0.3081, PixelNormalisation.MNIST_STATISTICS.apply(0), 1e-15);
    }

    @Test
    void trainingValidationAndTestSizes() throws IOException {
        // The official sizes, told through checkSizes' size function: 5 × 10000 (45000 + 5000 held out) / 10000.
        ToLongFunction<String> official10 = name -> (long) C10.officialRecords(name) * 3073;
        assertEquals(50000, CifarFiles.checkSizes(C10, "/d/cifar10", official10, Datasets.validationSize("cifar10")));
        ToLongFunction<String> official100 = name -> (long) C100.officialRecords(name) * 3074;
        assertEquals(50000, CifarFiles.checkSizes(C100, "/d/cifar100", official100, 5000));
        assertEquals(5000, Datasets.validationSize(Datasets.CIFAR10));
        assertEquals(5000, Datasets.validationSize(Datasets.CIFAR100));

        // Real files one record past the validation set: 5 × 1001 = 5005 training samples, 5000 held out.
        CifarTestFiles.writeDataset(dir, C10, 1001, 7);
        DatasetFiles.checkPresent(Datasets.CIFAR10, dir, 5000);
        TrainTestData data = DatasetFiles.load(Datasets.CIFAR10, dir);
        assertEquals(5005, data.train().n());
        assertEquals(7, data.test().n());
        Split split = DataSplits.split(data.train(), Datasets.validationSize(Datasets.CIFAR10), 0, 1);
        assertEquals(5000, split.validation().n());
        assertEquals(5, split.train().n());
        assertEquals(3072, split.train().dim());
    }

    @Test
    void missingFilesAreAllNamedWithWhereToPutThem() throws IOException {
        String m = messageOf(ConfigException.class, () -> DatasetFiles.checkPresent(Datasets.CIFAR10, dir));
        Path folder = dir.resolve("cifar10");
        assertTrue(m.startsWith("dataset 'cifar10': missing 6 data file(s) in " + folder + ": data_batch_1.bin, "
                + "data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin;"), m);
        assertTrue(m.contains("cifar-10-binary.tar.gz") && m.contains("cifar-10-batches-bin/")
                && m.contains("into " + folder + "/") && m.contains("bin/fetch-data cifar10 explains")
                && m.contains("does not download"), m);

        CifarTestFiles.writeDataset(dir, C10, 2, 2);
        Files.delete(folder.resolve("data_batch_4.bin"));
        m = messageOf(ConfigException.class, () -> DatasetFiles.load(Datasets.CIFAR10, dir));
        assertTrue(m.contains("missing 1 data file(s) in " + folder + ": data_batch_4.bin;"), m);

        m = messageOf(ConfigException.class, () -> DatasetFiles.checkPresent(Datasets.CIFAR100, dir));
        assertTrue(m.contains("missing 2 data file(s) in " + dir.resolve("cifar100") + ": train.bin, test.bin;")
                && m.contains("cifar-100-binary.tar.gz") && m.contains("cifar-100-binary/")
                && m.contains("bin/fetch-data cifar100"), m);
        assertEquals(java.util.List.of("test.bin"), DatasetFiles.missingFiles(Datasets.CIFAR100, "train.bin"::equals));
    }

    @Test
    void anEmptyFileIsRejected() throws IOException {
        Path folder = CifarTestFiles.writeDataset(dir, C10, 2, 2);
        Files.write(folder.resolve("data_batch_2.bin"), new byte[0]);
        String expected = folder.resolve("data_batch_2.bin") + ": empty file (0 bytes); allowed: a positive "
                + "multiple of the CIFAR-10 record size 3073 bytes (1 label byte + 3072 pixel bytes)";
        assertEquals(expected, messageOf(ConfigException.class, () -> DatasetFiles.checkPresent("cifar10", dir)));
        assertEquals(expected, messageOf(InvalidDataException.class, () -> DatasetFiles.load("cifar10", dir)));
    }

    @Test
    void aSizeThatIsNotAMultipleOfTheRecordSizeIsRejected() throws IOException {
        Path folder = CifarTestFiles.writeDataset(dir, C10, 2, 2);
        byte[] whole = Files.readAllBytes(folder.resolve("data_batch_3.bin"));
        Files.write(folder.resolve("data_batch_3.bin"), Arrays.copyOf(whole, whole.length - 100)); // truncated
        String m = messageOf(InvalidDataException.class, () -> DatasetFiles.load(Datasets.CIFAR10, dir));
        assertTrue(m.startsWith(folder.resolve("data_batch_3.bin") + ": 6046 bytes is not a multiple of the "
                + "CIFAR-10 record size 3073 (1 records and 2973 bytes)"), m);
        assertTrue(m.contains("allowed: a positive multiple of the CIFAR-10 record size 3073 bytes"), m);
        assertTrue(messageOf(ConfigException.class, () -> DatasetFiles.checkPresent(Datasets.CIFAR10, dir))
                .startsWith(folder.resolve("data_batch_3.bin") + ": 6046 bytes"));

        // CIFAR-10 records in CIFAR-100's train.bin: 2 × 3073 bytes is no multiple of 3074.
        Path f100 = CifarTestFiles.writeDataset(dir, C100, 2, 2);
        CifarTestFiles.write(f100.resolve("train.bin"), C10, 2, 0);
        m = messageOf(InvalidDataException.class, () -> DatasetFiles.load(Datasets.CIFAR100, dir));
        assertTrue(m.startsWith(f100.resolve("train.bin") + ": 6146 bytes is not a multiple of the CIFAR-100 "
                + "record size 3074"), m);
        assertTrue(m.contains("(2 label bytes (coarse, fine) + 3072 pixel bytes)"), m);
    }

    @Test
    void trainingBatchFilesOfUnequalCountsAreRejected() throws IOException {
        Path folder = CifarTestFiles.writeDataset(dir, C10, 3, 2);
        CifarTestFiles.write(folder.resolve("data_batch_4.bin"), C10, 2, 0); // a short batch file
        String expected = folder.resolve("data_batch_4.bin") + ": 2 records (6146 bytes), but "
                + folder.resolve("data_batch_1.bin") + " has 3; allowed: the same number of records in all 5 "
                + "training batch files (10000 each, 30730000 bytes, in the official CIFAR-10)";
        assertEquals(expected, messageOf(ConfigException.class, () -> DatasetFiles.checkPresent("cifar10", dir)));
        assertEquals(expected, messageOf(InvalidDataException.class, () -> DatasetFiles.load("cifar10", dir)));
        // The test file may hold another count.
        CifarTestFiles.writeDataset(dir, C10, 3, 5);
        assertEquals(5, DatasetFiles.load(Datasets.CIFAR10, dir).test().n());
    }

    @Test
    void moreRecordsThanTheOfficialFileAreRejected() {
        ToLongFunction<String> batch5Long = name -> (name.equals("data_batch_5.bin") ? 10001L : 10000L) * 3073;
        assertEquals("/d/cifar10/data_batch_5.bin: 10001 records (30733073 bytes), more than the official CIFAR-10 "
                        + "file's 10000; allowed: at most 10000 records (30730000 bytes)",
                messageOf(InvalidDataException.class, () -> CifarFiles.checkSizes(C10, "/d/cifar10", batch5Long, 0)));
        ToLongFunction<String> testLong = name -> (name.equals("test.bin") ? 10001L : 50000L) * 3074;
        assertTrue(messageOf(InvalidDataException.class, () -> CifarFiles.checkSizes(C100, "/d/c", testLong, 0))
                .startsWith("/d/c/test.bin: 10001 records (30743074 bytes), more than the official CIFAR-100 file's "
                        + "10000"));
        ToLongFunction<String> trainLong = name -> (name.equals("train.bin") ? 50001L : 10000L) * 3074;
        assertTrue(messageOf(InvalidDataException.class, () -> CifarFiles.checkSizes(C100, "/d/c", trainLong, 0))
                .contains("train.bin: 50001 records (153703074 bytes), more than the official CIFAR-100 file's 50000"));
    }

    @Test
    void trainingFilesMustHoldMoreRecordsThanTheValidationSet() throws IOException {
        Path folder = CifarTestFiles.writeDataset(dir, C10, 3, 2);
        String m = messageOf(ConfigException.class, () -> DatasetFiles.checkPresent(Datasets.CIFAR10, dir, 5000));
        assertEquals(folder.resolve("data_batch_1.bin") + " … data_batch_5.bin: 15 training records (3 per file, "
                + "9219 bytes each), not more than the 5000 held out for validation; allowed: more than 5000 training "
                + "records (the official CIFAR-10 has 50000), or no_val_set: true", m);
        DatasetFiles.checkPresent(Datasets.CIFAR10, dir, 0); // no_val_set: small files are fine
        DatasetFiles.checkPresent(Datasets.CIFAR10, dir, 14);
        assertThrows(ConfigException.class, () -> DatasetFiles.checkPresent(Datasets.CIFAR10, dir, 15));

        Path f100 = CifarTestFiles.writeDataset(dir, C100, 4, 1);
        m = messageOf(ConfigException.class, () -> DatasetFiles.checkPresent(Datasets.CIFAR100, dir, 5000));
        assertTrue(m.startsWith(f100.resolve("train.bin") + ": 4 training records (12296 bytes), not more than the "
                + "5000 held out"), m);
    }

    @Test
    void labelsOutsideTheirRangeAreRejected() throws IOException {
        byte[] p = new byte[CifarFormat.PIXELS];
        Path folder = CifarTestFiles.writeDataset(dir, C10, 2, 2);
        write(folder.resolve("test_batch.bin"), CifarTestFiles.record(C10, 0, 9, p),
                CifarTestFiles.record(C10, 0, 10, p));
        DatasetFiles.checkPresent(Datasets.CIFAR10, dir); // sizes are fine: labels are checked when read
        assertEquals(folder.resolve("test_batch.bin") + ": label 10 in record 1 (0-based; byte offset 3073) outside "
                        + "0..9; allowed: 0..9 (CIFAR-10 binary version)",
                messageOf(InvalidDataException.class, () -> DatasetFiles.load(Datasets.CIFAR10, dir)));

        Path f100 = CifarTestFiles.writeDataset(dir, C100, 2, 2);
        write(f100.resolve("train.bin"), CifarTestFiles.record(C100, 19, 99, p),
                CifarTestFiles.record(C100, 3, 100, p));
        String m = messageOf(InvalidDataException.class, () -> DatasetFiles.load(Datasets.CIFAR100, dir));
        assertTrue(m.startsWith(f100.resolve("train.bin") + ": fine label 100 in record 1 (0-based; byte offset "
                + "3074) outside 0..99"), m);
        write(f100.resolve("train.bin"), CifarTestFiles.record(C100, 19, 99, p),
                CifarTestFiles.record(C100, 20, 5, p));
        m = messageOf(InvalidDataException.class, () -> DatasetFiles.load(Datasets.CIFAR100, dir));
        assertTrue(m.startsWith(f100.resolve("train.bin") + ": coarse label 20 in record 1"), m);
        assertTrue(m.contains("outside 0..19"), m);
        assertFalse(m.contains("fine"), m);
    }

    @Test
    void theReaderReadsOneFile() throws IOException {
        Path f = CifarTestFiles.write(dir.resolve("x.bin"), C100, 3, 11);
        CifarRecords r = CifarReader.read(f, C100);
        assertEquals(3, r.count());
        assertEquals(CifarTestFiles.pixel(11, 2, 1, 5, 30), r.pixel(2, 1, 5, 30));
        assertEquals(CifarTestFiles.label(C100, 11, 1), r.labels()[1]);
        assertTrue(messageOf(InvalidDataException.class, () -> CifarReader.read(dir.resolve("absent.bin"), C10))
                .endsWith("absent.bin: file not found"));
    }
}
