package org.tpsweep.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;

/**
 * The files of each dataset and how to turn them into normalised {@link LabeledData}: the four IDX files live in
 * {@code DIR/<dataset>/} as {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte}, raw (as bin/fetch-data leaves
 * MNIST) or with {@code .gz} (as it leaves Fashion-MNIST); either variant is accepted for either dataset. CIFAR-10
 * and CIFAR-100 live in {@code DIR/cifar10/} and {@code DIR/cifar100/} in their binary version and are handled by
 * {@link CifarFiles}. Normalisation: {@link PixelNormalisation#meulemans} unless a caller chooses another.
 */
public final class DatasetFiles {
    /** Classes of MNIST and Fashion-MNIST. */
    public static final int NUM_CLASSES = 10;

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> BASE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private DatasetFiles() {
    }

    /**
     * Throws a {@link ConfigException} naming every missing file and the command that fetches them (CIFAR: where
     * to put them), or naming a CIFAR file whose size is not allowed ({@link #checkSizes}, nothing held out).
     */
    public static void checkPresent(String dataset, Path dataDir) {
        checkPresent(dataset, dataDir, 0);
    }

    /**
     * As {@link #checkPresent(String, Path)}, and for CIFAR also requires more than {@code heldOut} training
     * records (the samples held out for validation).
     */
    public static void checkPresent(String dataset, Path dataDir, int heldOut) {
        Datasets.require(dataset);
        if (Datasets.isSynthetic(dataset)) {
            return;
        }
        Path folder = dataDir.resolve(Datasets.files(dataset));
        List<String> missing = missingFiles(dataset, name -> Files.isRegularFile(folder.resolve(name)));
        if (!missing.isEmpty()) {
            throw missingFilesError(dataset, folder.toString(), missing, "");
        }
        checkSizes(dataset, folder.toString(), name -> {
            try {
                return Files.size(folder.resolve(name));
            } catch (IOException e) {
                throw new ConfigException(folder.resolve(name) + ": cannot read its size: " + e, e);
            }
        }, heldOut);
    }

    /**
     * For CIFAR, checks the file sizes in {@code folder} as {@link CifarFiles#checkSizes} does, {@code sizeOf}
     * giving a file's size by its name and {@code heldOut} samples held out for validation; nothing for the IDX
     * datasets, whose sizes only their headers tell.
     *
     * @throws ConfigException naming the file, its size and what is allowed
     */
    public static void checkSizes(String dataset, String folder, ToLongFunction<String> sizeOf, int heldOut) {
        CifarFormat cifar = CifarFormat.of(Datasets.files(dataset));
        if (cifar == null) {
            return;
        }
        try {
            CifarFiles.checkSizes(cifar, folder, sizeOf, heldOut);
        } catch (InvalidDataException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /**
     * The files of {@code dataset} (a non-synthetic one) that are missing from its folder, each under the name it
     * usually has; {@code exists} tells whether a file name (raw or {@code .gz}; CIFAR: as named) exists in that
     * folder.
     */
    public static List<String> missingFiles(String dataset, Predicate<String> exists) {
        CifarFormat cifar = CifarFormat.of(Datasets.files(dataset));
        if (cifar != null) {
            return CifarFiles.missingFiles(cifar, exists);
        }
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
     * The names of the files of {@code dataset} (a non-synthetic one) that its reader reads, in its folder:
     * for an IDX dataset each file under its usual name when {@code exists} says it is there, else under the
     * other one (raw or {@code .gz}); for CIFAR its files as named. Missing files are listed under their usual
     * names ({@link #missingFiles} tells which).
     */
    public static List<String> filesRead(String dataset, Predicate<String> exists) {
        CifarFormat cifar = CifarFormat.of(Datasets.files(dataset));
        if (cifar != null) {
            return cifar.files();
        }
        List<String> names = new ArrayList<>();
        for (String base : BASE_NAMES) {
            String preferred = preferredName(dataset, base);
            String other = preferred.endsWith(".gz") ? base : base + ".gz";
            names.add(!exists.test(preferred) && exists.test(other) ? other : preferred);
        }
        return names;
    }

    /**
     * The error for files of {@code dataset} missing from {@code folder}: it names them, the folder and the command
     * that fetches them, followed by {@code hint}. CIFAR, which nothing fetches, gets {@link CifarFiles}' message
     * (where to put the files) without the hint.
     */
    public static ConfigException missingFilesError(String dataset, String folder, List<String> missing,
                                                    String hint) {
        CifarFormat cifar = CifarFormat.of(Datasets.files(dataset));
        if (cifar != null) {
            return CifarFiles.missingFilesError(cifar, folder, missing);
        }
        return new ConfigException("dataset '" + dataset + "': missing " + missing.size() + " data file(s) in "
                + folder + ": " + String.join(", ", missing) + " (raw or .gz); run bin/fetch-data "
                + Datasets.files(dataset) + hint);
    }

    /** Reads, checks and normalises ([M]'s convention) the files of {@code dataset} under {@code dataDir}. */
    public static TrainTestData load(String dataset, Path dataDir) {
        return load(dataset, dataDir, PixelNormalisation.meulemans(dataset));
    }

    /** Reads, checks and normalises with {@code normalisation} the files of {@code dataset} under {@code dataDir}. */
    public static TrainTestData load(String dataset, Path dataDir, PixelNormalisation normalisation) {
        Datasets.require(dataset);
        CifarFormat cifar = CifarFormat.of(Datasets.files(dataset));
        if (cifar != null) {
            return CifarFiles.load(cifar, dataDir, normalisation);
        }
        checkPresent(dataset, dataDir);
        if (Datasets.isSynthetic(dataset)) {
            return StudentTeacher.generate();
        }
        float[] table = normalisation.table();
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
