package org.tpsweep.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads one file of the CIFAR-10 or CIFAR-100 binary version ({@link CifarFormat}): raw records without a header,
 * so the record count is the file size over the record size. Every problem (an empty file, a size that is not a
 * multiple of the record size, a label outside its range, a file that ends early) is an
 * {@link InvalidDataException} naming the file; the record counts a dataset allows are {@link CifarFiles}' to check.
 */
public final class CifarReader {
    private static final int BUFFER = 1 << 16;

    private CifarReader() {
    }

    /**
     * The number of records in a file of {@code size} bytes, named {@code file} in messages.
     *
     * @throws InvalidDataException for an empty file or a size that is not a multiple of the record size
     */
    public static int recordCount(CifarFormat format, String file, long size) {
        int rb = format.recordBytes();
        String allowed = "allowed: a positive multiple of the " + format.title() + " record size " + rb + " bytes ("
                + format.recordLayout() + ")";
        if (size == 0) {
            throw new InvalidDataException(file + ": empty file (0 bytes); " + allowed);
        }
        if (size % rb != 0) {
            throw new InvalidDataException(file + ": " + size + " bytes is not a multiple of the " + format.title()
                    + " record size " + rb + " (" + size / rb + " records and " + size % rb + " bytes): truncated, "
                    + "or not a file of the " + format.title() + " binary version; " + allowed);
        }
        if (size / rb > Integer.MAX_VALUE / CifarFormat.PIXELS) {
            throw new InvalidDataException(file + ": " + size + " bytes (" + size / rb + " records) is too large; "
                    + "allowed: at most " + Integer.MAX_VALUE / CifarFormat.PIXELS + " records");
        }
        return (int) (size / rb);
    }

    /** Reads every record of {@code file}, checking each label (and CIFAR-100's coarse label) against its range. */
    public static CifarRecords read(Path file, CifarFormat format) {
        try {
            int count = recordCount(format, file.toString(), Files.size(file));
            byte[] pixels = new byte[count * CifarFormat.PIXELS];
            int[] labels = new int[count];
            byte[] labelBytes = new byte[format.labelOffset() + 1];
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
                for (int i = 0; i < count; i++) {
                    readFully(file, in, labelBytes, 0, labelBytes.length, i, format);
                    if (format.numCoarseClasses() > 0) {
                        checkLabel(file, format, i, "coarse label", labelBytes[0] & 0xFF, format.numCoarseClasses());
                    }
                    labels[i] = checkLabel(file, format, i, format.numCoarseClasses() > 0 ? "fine label" : "label",
                            labelBytes[format.labelOffset()] & 0xFF, format.numClasses());
                    readFully(file, in, pixels, i * CifarFormat.PIXELS, CifarFormat.PIXELS, i, format);
                }
            }
            return new CifarRecords(count, pixels, labels);
        } catch (NoSuchFileException e) {
            throw new InvalidDataException(file + ": file not found", e);
        } catch (IOException e) {
            throw new InvalidDataException(file + ": cannot read: " + e, e);
        }
    }

    private static int checkLabel(Path file, CifarFormat format, int record, String what, int value, int classes) {
        if (value >= classes) {
            throw new InvalidDataException(file + ": " + what + " " + value + " in record " + record
                    + " (0-based; byte offset " + (long) record * format.recordBytes() + ") outside 0.."
                    + (classes - 1) + "; allowed: 0.." + (classes - 1) + " (" + format.title() + " binary version)");
        }
        return value;
    }

    private static void readFully(Path file, InputStream in, byte[] into, int offset, int n, int record,
                                  CifarFormat format) throws IOException {
        int got = in.readNBytes(into, offset, n);
        if (got < n) {
            throw new InvalidDataException(file + ": truncated: the file ends inside record " + record
                    + " (0-based) of " + format.recordBytes() + " bytes; did it change while it was read?");
        }
    }
}
