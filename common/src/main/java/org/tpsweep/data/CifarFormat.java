package org.tpsweep.data;

import java.util.List;
import java.util.stream.Stream;
import org.tpsweep.config.Datasets;

/**
 * The binary versions of CIFAR-10 and CIFAR-100 (https://www.cs.toronto.edu/~kriz/cifar.html): fixed-size records
 * without a header, each the label byte(s) followed by 3072 pixel bytes, 1024 red, 1024 green, 1024 blue, each
 * channel a 32×32 image row-major. CIFAR-10 records have one label byte (0..9); CIFAR-100 records a coarse label
 * byte (0..19) and then the fine label byte (0..99), and tp-sweep uses the fine label. The file names, the official
 * record counts and the archive the files come in are the ones of the official distribution.
 */
public enum CifarFormat {
    /** CIFAR-10: {@code data_batch_1.bin} … {@code data_batch_5.bin} (10000 records each), {@code test_batch.bin}. */
    CIFAR10(Datasets.CIFAR10, "CIFAR-10", 1, 10, 0,
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            10000, "test_batch.bin", "cifar-10-binary.tar.gz", "cifar-10-batches-bin"),
    /** CIFAR-100: {@code train.bin} (50000 records) and {@code test.bin} (10000), fine labels. */
    CIFAR100(Datasets.CIFAR100, "CIFAR-100", 2, 100, 20, List.of("train.bin"), 50000, "test.bin",
            "cifar-100-binary.tar.gz", "cifar-100-binary");

    /** Image side length. */
    public static final int SIDE = 32;
    /** Colour channels, stored one after the other (red, green, blue). */
    public static final int CHANNELS = 3;
    /** Pixel bytes per record and inputs per sample: 3 × 32 × 32 = 3072. */
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    /** Records in the official test file of either dataset. */
    public static final int TEST_RECORDS = 10000;

    private final String dataset;
    private final String title;
    private final int labelBytes;
    private final int numClasses;
    private final int numCoarseClasses;
    private final List<String> trainFiles;
    private final int recordsPerTrainFile;
    private final String testFile;
    private final String archive;
    private final String archiveFolder;

    CifarFormat(String dataset, String title, int labelBytes, int numClasses, int numCoarseClasses,
                List<String> trainFiles, int recordsPerTrainFile, String testFile, String archive,
                String archiveFolder) {
        this.dataset = dataset;
        this.title = title;
        this.labelBytes = labelBytes;
        this.numClasses = numClasses;
        this.numCoarseClasses = numCoarseClasses;
        this.trainFiles = trainFiles;
        this.recordsPerTrainFile = recordsPerTrainFile;
        this.testFile = testFile;
        this.archive = archive;
        this.archiveFolder = archiveFolder;
    }

    /** The format of {@code dataset}, or null when it is not a CIFAR dataset. */
    public static CifarFormat of(String dataset) {
        for (CifarFormat f : values()) {
            if (f.dataset.equals(dataset)) {
                return f;
            }
        }
        return null;
    }

    /** The dataset name, also its folder under the data directory ({@code cifar10}, {@code cifar100}). */
    public String dataset() {
        return dataset;
    }

    /** The name the dataset is published under ({@code CIFAR-10}). */
    public String title() {
        return title;
    }

    /** Classes of the labels tp-sweep uses (the fine labels of CIFAR-100). */
    public int numClasses() {
        return numClasses;
    }

    /** Bytes of one record: the label byte(s) and 3072 pixel bytes (3073 for CIFAR-10, 3074 for CIFAR-100). */
    public int recordBytes() {
        return labelBytes + PIXELS;
    }

    /** Offset of the used label in a record: 0 (CIFAR-10), 1 (CIFAR-100's fine label, after the coarse one). */
    public int labelOffset() {
        return labelBytes - 1;
    }

    /** Classes of the coarse label byte before the fine one (20 for CIFAR-100), 0 when the record has none. */
    public int numCoarseClasses() {
        return numCoarseClasses;
    }

    /** The training files, in the order their records are concatenated. */
    public List<String> trainFiles() {
        return trainFiles;
    }

    /** The test file. */
    public String testFile() {
        return testFile;
    }

    /** Every file the dataset needs: the training files, then the test file. */
    public List<String> files() {
        return Stream.concat(trainFiles.stream(), Stream.of(testFile)).toList();
    }

    /** Records in each official training file (10000 per CIFAR-10 batch, 50000 in CIFAR-100's train.bin). */
    public int recordsPerTrainFile() {
        return recordsPerTrainFile;
    }

    /** Records in the official file {@code name}: {@link #recordsPerTrainFile} or {@link #TEST_RECORDS}. */
    public int officialRecords(String name) {
        return name.equals(testFile) ? TEST_RECORDS : recordsPerTrainFile;
    }

    /** The official archive of the binary version ({@code cifar-10-binary.tar.gz}). */
    public String archive() {
        return archive;
    }

    /** The folder the archive unpacks to, which holds the files ({@code cifar-10-batches-bin}). */
    public String archiveFolder() {
        return archiveFolder;
    }

    /** {@code "1 label byte + 3072 pixel bytes"} or {@code "2 label bytes (coarse, fine) + 3072 pixel bytes"}. */
    public String recordLayout() {
        return labelBytes == 1 ? "1 label byte + " + PIXELS + " pixel bytes"
                : labelBytes + " label bytes (coarse, fine) + " + PIXELS + " pixel bytes";
    }
}
