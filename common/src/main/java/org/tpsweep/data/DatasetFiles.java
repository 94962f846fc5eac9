package org.tpsweep.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;

/**
 * The files of each dataset and how to turn them into normalised {@link LabeledData}: the four IDX files live in
 * {@code DIR/<dataset>/} as {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte}, raw (as bin/fetch-data leaves
 * MNIST) or with {@code .gz} (as it leaves Fashion-MNIST); either variant is accepted for either dataset.
 * Normalisation (ALGORITHMS.md §1): MNIST (p/255 − 0.1307)/0.3081, Fashion-MNIST p/255.
 */
public final class DatasetFiles {
    /** Classes of MNIST and Fashion-MNIST. */
    public static final int NUM_CLASSES = 10;
    /** Mean of MNIST training pixels scaled to [0,1]. */
    public static final double MNIST_MEAN = 0.1307;
    /** Standard deviation of MNIST training pixels scaled to [0,1]. */
    public static final double MNIST_STD = 0.3081;

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> BASE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private DatasetFiles() {
    }

    /** Throws a {@link ConfigException} naming every missing file and the command that fetches them. */
    public static void checkPresent(String dataset, Path dataDir) {
        Datasets.require(dataset);
        if (Datasets.isSynthetic(dataset)) {
            return;
        }
        List<String> missing = missingFiles(dataset, name -> Files.isRegularFile(
                dataDir.resolve(Datasets.files(dataset)).resolve(name)));
        if (!missing.isEmpty()) {
            throw missingFilesError(dataset, dataDir.resolve(Datasets.files(dataset)).toString(), missing, "");
        }
    }

    /**
     * The files of {@code dataset} (a non-synthetic one) that are missing from its folder, each under the name it
     * usually has; {@code exists} tells whether a file name (raw or {@code .gz}) exists in that folder.
     */
    public static List<String> missingFiles(String dataset, Predicate<String> exists) {
        List<String> missing = new ArrayList<>();
        for (String base : BASE_NAMES) {
            String preferred = preferredName(dataset, base);
            String other = preferred.endsWith(".gz") ? base : base + ".gz";
            if (!exists.test(preferred) && !exists.test(other)) {
                missing.add(preferred);
            }
        }
        return missing;
    }

    /**
     * The error for files of {@code dataset} missing from {@code folder}: it names them, the folder and the command
     * that fetches them, followed by {@code hint}.
     */
    public static ConfigException missingFilesError(String dataset, String folder, List<String> missing,
                                                    String hint) {
        return new ConfigException("dataset '" + dataset + "': missing " + missing.size() + " data file(s) in "
                + folder + ": " + String.join(", ", missing) + " (raw or .gz); run bin/fetch-data "
                + Datasets.files(dataset) + hint);
    }

    /** Reads, checks and normalises the four files of {@code dataset} under {@code dataDir}. */
    public static TrainTestData load(String dataset, Path dataDir) {
        checkPresent(dataset, dataDir);
        if (Datasets.isSynthetic(dataset)) {
            return StudentTeacher.generate();
        }
        float[] table = normalisation(dataset);
        LabeledData train = loadSplit(find(dataset, dataDir, TRAIN_IMAGES), find(dataset, dataDir, TRAIN_LABELS), table);
        LabeledData test = loadSplit(find(dataset, dataDir, TEST_IMAGES), find(dataset, dataDir, TEST_LABELS), table);
        if (train.dim() != test.dim()) {
            throw new InvalidDataException(find(dataset, dataDir, TRAIN_IMAGES) + " has " + train.dim()
                    + " pixels per image but " + find(dataset, dataDir, TEST_IMAGES) + " has " + test.dim());
        }
        return new TrainTestData(train, test);
    }

    private static LabeledData loadSplit(Path imagesFile, Path labelsFile, float[] table) {
        IdxImages images = IdxReader.readImages(imagesFile);
        int[] labels = IdxReader.readLabels(labelsFile);
        if (images.count() != labels.length) {
            throw new InvalidDataException("image/label count mismatch: " + imagesFile + " has " + images.count()
                    + " images but " + labelsFile + " has " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= NUM_CLASSES) {
                throw new InvalidDataException(labelsFile + ": label " + labels[i] + " at index " + i
                        + " outside 0.." + (NUM_CLASSES - 1));
            }
        }
        byte[] pixels = images.pixels();
        float[] x = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            x[i] = table[pixels[i] & 0xFF];
        }
        return new LabeledData(x, labels, images.count(), images.dim(), NUM_CLASSES);
    }

    /** The normalised value of each pixel value 0..255, computed in double and rounded to float. */
    private static float[] normalisation(String dataset) {
        float[] table = new float[256];
        for (int p = 0; p < 256; p++) {
            double v = p / 255.0;
            table[p] = (float) (Datasets.MNIST.equals(Datasets.files(dataset)) ? (v - MNIST_MEAN) / MNIST_STD : v);
        }
        return table;
    }

    /** The existing file for {@code base}, the dataset's usual variant first; null if neither exists. */
    private static Path find(String dataset, Path dataDir, String base) {
        Path dir = dataDir.resolve(Datasets.files(dataset));
        String preferred = preferredName(dataset, base);
        String other = preferred.endsWith(".gz") ? base : base + ".gz";
        for (String name : List.of(preferred, other)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static String preferredName(String dataset, String base) {
        return Datasets.FASHION_MNIST.equals(dataset) ? base + ".gz" : base;
    }
}
