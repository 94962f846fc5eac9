package org.tpsweep.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for the data tests. */
final class IdxTestFiles {
    private IdxTestFiles() {
    }

    static byte[] imagesBytes(int magic, int count, int rows, int cols, byte[] pixels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(pixels);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] labelsBytes(int magic, int[] labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(labels.length);
        for (int l : labels) {
            out.writeByte(l);
        }
        out.flush();
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        Files.createDirectories(file.getParent());
        if (gzip) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(content);
            }
        } else {
            Files.write(file, content);
        }
        return file;
    }

    /** count images of rows×cols with pixel (i, j) = (7·i + 3·j + seed) mod 256. */
    static byte[] pixels(int count, int rows, int cols, int seed) {
        byte[] p = new byte[count * rows * cols];
        int dim = rows * cols;
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dim; j++) {
                p[i * dim + j] = (byte) ((7 * i + 3 * j + seed) & 0xFF);
            }
        }
        return p;
    }

    static int[] labels(int count) {
        int[] l = new int[count];
        for (int i = 0; i < count; i++) {
            l[i] = (i * 3 + 1) % 10;
        }
        return l;
    }

    /** Writes a complete fake dataset directory DIR/dataset/ with the four raw or gzipped files. */
    static void writeDataset(Path dataDir, String dataset, int trainN, int testN, int rows, int cols,
            boolean gzip) throws IOException {
        String suffix = gzip ? ".gz" : "";
        Path dir = dataDir.resolve(dataset);
        write(dir.resolve("train-images-idx3-ubyte" + suffix),
                imagesBytes(IdxReader.IMAGES_MAGIC, trainN, rows, cols, pixels(trainN, rows, cols, 0)), gzip);
        write(dir.resolve("train-labels-idx1-ubyte" + suffix),
                labelsBytes(IdxReader.LABELS_MAGIC, labels(trainN)), gzip);
        write(dir.resolve("t10k-images-idx3-ubyte" + suffix),
                imagesBytes(IdxReader.IMAGES_MAGIC, testN, rows, cols, pixels(testN, rows, cols, 100)), gzip);
        write(dir.resolve("t10k-labels-idx1-ubyte" + suffix),
                labelsBytes(IdxReader.LABELS_MAGIC, labels(testN)), gzip);
    }
}
