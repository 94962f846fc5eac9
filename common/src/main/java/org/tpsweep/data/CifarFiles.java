package org.tpsweep.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.tpsweep.config.ConfigException;

/**
 * The folder {@code DIR/cifar10/} or {@code DIR/cifar100/} holding the files of a {@link CifarFormat}, checked and
 * loaded as normalised {@link TrainTestData} (3072 inputs in the file's order: feature c·1024 + row·32 + col is
 * channel c = red, green, blue; training records in the order of {@link CifarFormat#trainFiles}). tp-sweep never
 * downloads them; the user unpacks the official archive into the folder.
 *
 * <p>What is checked, from the file sizes alone and so before any file is read (and on the driver, before Spark
 * starts): every file is there (all missing ones are named); no file is empty or has a size that is not a multiple
 * of the record size (3073 bytes for CIFAR-10, 3074 for CIFAR-100); no file holds more records than its official
 * counterpart (10000 per CIFAR-10 batch file, 50000 in CIFAR-100's {@code train.bin}, 10000 in each test file);
 * the five CIFAR-10 training batch files hold the same number of records; the training files hold more records in
 * all than the samples held out for validation (5000, none with {@code no_val_set}). Fewer records than the
 * official counts are accepted under these rules, so that tests can write small files (a CIFAR-10 folder then has
 * five equal training batch files). Reading then checks every label against its range ({@link CifarReader}).
 * Every rejection names the file, the size or value found and what is allowed.
 */
public final class CifarFiles {
    private CifarFiles() {
    }

    /** The files of {@code format} that {@code exists} says are missing from its folder, in the official order. */
    public static List<String> missingFiles(CifarFormat format, Predicate<String> exists) {
        return format.files().stream().filter(name -> !exists.test(name)).toList();
    }

    /** The error for files of {@code format} missing from {@code folder}: which, and where they come from. */
    public static ConfigException missingFilesError(CifarFormat format, String folder, List<String> missing) {
        return new ConfigException("dataset '" + format.dataset() + "': missing " + missing.size() + " data file(s) in "
                + folder + ": " + String.join(", ", missing) + "; tp-sweep does not download " + format.title()
                + ": unpack its official binary-version archive " + format.archive() + " and put the files of its "
                + "folder " + format.archiveFolder() + "/ into " + folder + "/ (bin/fetch-data " + format.dataset()
                + " explains)");
    }

    /**
     * Checks the sizes of the files in {@code folder} (as the class comment says), {@code sizeOf} giving the size of
     * a file by its name; {@code heldOut} training samples are held out for validation.
     *
     * @return the number of training records in all
     * @throws InvalidDataException naming the first file that breaks a rule
     */
    public static int checkSizes(CifarFormat format, String folder, ToLongFunction<String> sizeOf, int heldOut) {
        int[] counts = new int[format.trainFiles().size()];
        long trainRecords = 0;
        for (String name : format.files()) {
            long size = sizeOf.applyAsLong(name);
            int n = CifarReader.recordCount(format, folder + "/" + name, size);
            int official = format.officialRecords(name);
            if (n > official) {
                throw new InvalidDataException(folder + "/" + name + ": " + n + " records (" + size + " bytes), more "
                        + "than the official " + format.title() + " file's " + official + "; allowed: at most "
                        + official + " records (" + (long) official * format.recordBytes() + " bytes)");
            }
            int k = format.trainFiles().indexOf(name);
            if (k < 0) {
                continue;
            }
            counts[k] = n;
            trainRecords += n;
            if (n != counts[0]) {
                String first = format.trainFiles().get(0);
                throw new InvalidDataException(folder + "/" + name + ": " + n + " records (" + size + " bytes), but "
                        + folder + "/" + first + " has " + counts[0] + "; allowed: the same number of records in all "
                        + counts.length + " training batch files (" + format.recordsPerTrainFile() + " each, "
                        + (long) format.recordsPerTrainFile() * format.recordBytes() + " bytes, in the official "
                        + format.title() + ")");
            }
        }
        if (trainRecords <= heldOut) {
            List<String> names = format.trainFiles();
            String files = names.size() == 1 ? folder + "/" + names.get(0)
                    : folder + "/" + names.get(0) + " … " + names.get(names.size() - 1);
            String sizes = names.size() == 1 ? " (" + trainRecords * format.recordBytes() + " bytes)"
                    : " (" + counts[0] + " per file, " + (long) counts[0] * format.recordBytes() + " bytes each)";
            throw new InvalidDataException(files + ": " + trainRecords + " training records" + sizes + ", not more "
                    + "than the " + heldOut + " held out for validation; allowed: more than " + heldOut
                    + " training records (the official " + format.title() + " has "
                    + (long) format.recordsPerTrainFile() * names.size() + "), or no_val_set: true");
        }
        return (int) trainRecords;
    }

    /**
     * Checks (missing files: {@link ConfigException}; sizes, labels: {@link InvalidDataException}), reads and
     * normalises the dataset in {@code dataDir/<dataset>/}.
     */
    public static TrainTestData load(CifarFormat format, Path dataDir, PixelNormalisation normalisation) {
        Path dir = dataDir.resolve(format.dataset());
        List<String> missing = missingFiles(format, name -> Files.isRegularFile(dir.resolve(name)));
        if (!missing.isEmpty()) {
            throw missingFilesError(format, dir.toString(), missing);
        }
        int trainRecords = checkSizes(format, dir.toString(), name -> size(dir.resolve(name)), 0);
        float[] table = normalisation.table();
        float[] x = new float[Math.multiplyExact(trainRecords, CifarFormat.PIXELS)];
        int[] y = new int[trainRecords];
        int n = 0;
        for (String name : format.trainFiles()) {
            CifarRecords r = CifarReader.read(dir.resolve(name), format);
            if ((long) n + r.count() > trainRecords) {
                throw new InvalidDataException(dir.resolve(name) + ": the file grew while the training files were "
                        + "read (" + ((long) n + r.count()) + " records, " + trainRecords + " from their sizes)");
            }
            normalise(r, table, x, n);
            System.arraycopy(r.labels(), 0, y, n, r.count());
            n += r.count();
        }
        if (n != trainRecords) {
            throw new InvalidDataException(dir + ": the training files shrank while they were read (" + n
                    + " records, " + trainRecords + " from their sizes)");
        }
        CifarRecords t = CifarReader.read(dir.resolve(format.testFile()), format);
        float[] tx = new float[t.count() * CifarFormat.PIXELS];
        normalise(t, table, tx, 0);
        LabeledData train = new LabeledData(x, y, trainRecords, CifarFormat.PIXELS, format.numClasses());
        LabeledData test = new LabeledData(tx, t.labels(), t.count(), CifarFormat.PIXELS, format.numClasses());
        return new TrainTestData(train, test);
    }

    /** Writes {@code r}'s pixels, normalised through {@code table}, into {@code x} from sample {@code at} on. */
    private static void normalise(CifarRecords r, float[] table, float[] x, int at) {
        byte[] pixels = r.pixels();
        int offset = at * CifarFormat.PIXELS;
        for (int i = 0; i < pixels.length; i++) {
            x[offset + i] = table[pixels[i] & 0xFF];
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new InvalidDataException(file + ": cannot read its size: " + e, e);
        }
    }
}
