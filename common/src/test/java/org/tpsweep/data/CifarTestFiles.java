package org.tpsweep.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes small files in the CIFAR-10 / CIFAR-100 binary format for the tests: records of the label byte(s) and
 * 3072 pixel bytes (red, green, blue planes, each 32×32 row-major), with known pixels and labels.
 */
public final class CifarTestFiles {
    private CifarTestFiles() {
    }

    /** The pixel byte the writers put at (record, channel, row, col) of a file written with {@code seed}. */
    public static int pixel(int seed, int record, int channel, int row, int col) {
        return (seed + 31 * record + 101 * channel + 7 * row + 3 * col) & 0xFF;
    }

    /** The label the writers give record {@code i} of a file written with {@code seed} (CIFAR-100: the fine one). */
    public static int label(CifarFormat format, int seed, int i) {
        return (7 * i + seed + 3) % format.numClasses();
    }

    /** The coarse label the CIFAR-100 writer puts before the fine one: never equal to it. */
    public static int coarse(int fine) {
        return (fine + 1) % 20;
    }

    /** One record: the label byte(s) (CIFAR-100: coarse, then fine) and the 3072 pixel bytes as given. */
    public static byte[] record(CifarFormat format, int coarse, int label, byte[] pixels) {
        if (pixels.length != CifarFormat.PIXELS) {
            throw new IllegalArgumentException("a record needs " + CifarFormat.PIXELS + " pixel bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (format.numCoarseClasses() > 0) {
            out.write(coarse);
        }
        out.write(label);
        out.writeBytes(pixels);
        return out.toByteArray();
    }

    /** The pixel bytes of record {@code i} of a file written with {@code seed}, in file order. */
    public static byte[] pixels(int seed, int i) {
        byte[] p = new byte[CifarFormat.PIXELS];
        for (int c = 0; c < CifarFormat.CHANNELS; c++) {
            for (int r = 0; r < CifarFormat.SIDE; r++) {
                for (int k = 0; k < CifarFormat.SIDE; k++) {
                    p[(c * CifarFormat.SIDE + r) * CifarFormat.SIDE + k] = (byte) pixel(seed, i, c, r, k);
                }
            }
        }
        return p;
    }

    /** Writes {@code count} records with {@link #pixel} and {@link #label} of {@code seed} to {@code file}. */
    public static Path write(Path file, CifarFormat format, int count, int seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int label = label(format, seed, i);
            out.writeBytes(record(format, coarse(label), label, pixels(seed, i)));
        }
        Files.createDirectories(file.getParent());
        return Files.write(file, out.toByteArray());
    }

    /** The seed of the file {@code name} of {@code format}: its index in {@link CifarFormat#files}, times 40. */
    public static int seed(CifarFormat format, String name) {
        return 40 * format.files().indexOf(name);
    }

    /**
     * Writes the dataset folder {@code dataDir/<dataset>/}: every training file with {@code perTrainFile} records,
     * the test file with {@code test}, each with the seed {@link #seed}.
     */
    public static Path writeDataset(Path dataDir, CifarFormat format, int perTrainFile, int test) throws IOException {
        Path dir = dataDir.resolve(format.dataset());
        for (String name : format.trainFiles()) {
            write(dir.resolve(name), format, perTrainFile, seed(format, name));
        }
        write(dir.resolve(format.testFile()), format, test, seed(format, format.testFile()));
        return dir;
    }
}
