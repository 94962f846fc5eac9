package org.tpsweep.data;

/**
 * Images read from an IDX file: {@code count} images of {@code rows × cols} unsigned-byte pixels, stored
 * row-major (image, row, column) in {@code pixels}. The array is shared, not copied: do not modify it.
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {
    public IdxImages {
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(
                    "bad image dimensions " + count + "×" + rows + "×" + cols);
        }
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected "
                    + (long) count * rows * cols);
        }
    }

    /** Pixels per image, rows·cols. */
    public int dim() {
        return rows * cols;
    }

    /** Pixel {@code j} (0..dim−1, row-major within the image) of image {@code i}, as 0..255. */
    public int pixel(int i, int j) {
        if (i < 0 || i >= count || j < 0 || j >= dim()) {
            throw new IndexOutOfBoundsException("pixel (" + i + ", " + j + ") outside " + count + "×" + dim());
        }
        return pixels[i * dim() + j] & 0xFF;
    }

    @Override
    public String toString() {
        return "IdxImages[" + count + "×" + rows + "×" + cols + "]";
    }
}
