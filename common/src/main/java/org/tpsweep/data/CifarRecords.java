package org.tpsweep.data;

/**
 * The records of one CIFAR binary file: {@code count} images of {@link CifarFormat#PIXELS} unsigned-byte pixels in
 * the file's order (red, green, blue planes, each 32×32 row-major), and the label tp-sweep uses for each (CIFAR-100:
 * the fine label). The arrays are shared, not copied: do not modify them.
 */
public record CifarRecords(int count, byte[] pixels, int[] labels) {
    public CifarRecords {
        if (count < 0 || pixels.length != (long) count * CifarFormat.PIXELS || labels.length != count) {
            throw new IllegalArgumentException("bad CIFAR records: count " + count + ", " + pixels.length
                    + " pixel bytes, " + labels.length + " labels");
        }
    }

    /** The pixel of image {@code i} at {@code channel} (0 red, 1 green, 2 blue), {@code row}, {@code col}: 0..255. */
    public int pixel(int i, int channel, int row, int col) {
        int side = CifarFormat.SIDE;
        if (i < 0 || i >= count || channel < 0 || channel >= CifarFormat.CHANNELS || row < 0 || row >= side
                || col < 0 || col >= side) {
            throw new IndexOutOfBoundsException("pixel (" + i + ", " + channel + ", " + row + ", " + col
                    + ") outside " + count + "×" + CifarFormat.CHANNELS + "×" + side + "×" + side);
        }
        return pixels[i * CifarFormat.PIXELS + (channel * side + row) * side + col] & 0xFF;
    }

    @Override
    public String toString() {
        return "CifarRecords[" + count + "]";
    }
}
