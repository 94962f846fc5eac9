package org.tpsweep.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (unsigned-byte images and labels), raw or gzipped; gzip is
 * recognised by its magic bytes 0x1f8b, whatever the file name. Every format problem (wrong magic number,
 * non-positive dimension, truncated data, trailing bytes, corrupt gzip) is an {@link InvalidDataException}
 * naming the file.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int BUFFER = 1 << 16;

    private IdxReader() {
    }

    /** Reads an IDX3 unsigned-byte file: count × rows × cols pixels. */
    public static IdxImages readImages(Path file) {
        try (DataInputStream in = open(file)) {
            checkMagic(file, readHeaderInt(file, in), IMAGES_MAGIC, "images (unsigned byte, 3 dimensions)");
            int count = readDimension(file, in, "image count");
            int rows = readDimension(file, in, "rows");
            int cols = readDimension(file, in, "cols");
            long size = (long) count * rows * cols;
            if (size > Integer.MAX_VALUE - 16) {
                throw new InvalidDataException(file + ": " + count + "×" + rows + "×" + cols
                        + " images are too large (" + size + " bytes)");
            }
            byte[] pixels = readExactly(file, in, (int) size, "pixel data");
            return new IdxImages(count, rows, cols, pixels);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Reads an IDX1 unsigned-byte file of labels; each label is returned as 0..255. */
    public static int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            checkMagic(file, readHeaderInt(file, in), LABELS_MAGIC, "labels (unsigned byte, 1 dimension)");
            int count = readDimension(file, in, "label count");
            byte[] bytes = readExactly(file, in, count, "label data");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER) : raw;
            return new DataInputStream(in);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static int readHeaderInt(Path file, DataInputStream in) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new InvalidDataException(file + ": truncated: file ends inside the IDX header", e);
        }
    }

    private static void checkMagic(Path file, int found, int expected, String what) {
        if (found != expected) {
            String hint = "";
            if (found == LABELS_MAGIC) {
                hint = " (this looks like a labels file)";
            } else if (found == IMAGES_MAGIC) {
                hint = " (this looks like an images file)";
            }
            throw new InvalidDataException(String.format("%s: bad magic number 0x%08x, expected 0x%08x for IDX %s%s",
                    file, found, expected, what, hint));
        }
    }

    private static int readDimension(Path file, DataInputStream in, String name) throws IOException {
        int value = readHeaderInt(file, in);
        if (value <= 0) {
            throw new InvalidDataException(file + ": " + name + " in the IDX header is " + value + ", must be positive");
        }
        return value;
    }

    /** Reads exactly {@code n} bytes and then requires the end of the stream. */
    private static byte[] readExactly(Path file, DataInputStream in, int n, String what) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length < n) {
            throw new InvalidDataException(file + ": truncated: expected " + n + " bytes of " + what
                    + ", found " + data.length);
        }
        long extra = 0;
        byte[] scratch = new byte[BUFFER];
        int r;
        while ((r = in.read(scratch)) > 0) {
            extra += r;
        }
        if (extra > 0) {
            throw new InvalidDataException(file + ": " + extra + " unexpected trailing bytes after " + n
                    + " bytes of " + what);
        }
        return data;
    }

    private static InvalidDataException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new InvalidDataException(file + ": file not found", e);
        }
        if (e instanceof EOFException || e instanceof ZipException) {
            return new InvalidDataException(file + ": truncated or corrupt gzip data (" + e.getMessage() + ")", e);
        }
        return new InvalidDataException(file + ": cannot read: " + e, e);
    }
}
