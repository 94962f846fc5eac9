package org.tpsweep.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** What the stores' folders ({@code trials/}, {@code checkpoints/}) share: their file system and temporary files. */
final class StoreFolders {
    private StoreFolders() {
    }

    /**
     * The file system of {@code dir}; for local files the raw one: no {@code .crc} side files, whose separate
     * rename could mismatch a concurrently replaced file.
     */
    static FileSystem fileSystem(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /** Deletes the files {@code .…<tmpSuffix>} that killed writers left in {@code dir}; returns how many. */
    static int removeTemporaryFiles(FileSystem fs, Path dir, String tmpSuffix) {
        try {
            if (!fs.exists(dir)) {
                return 0;
            }
            int n = 0;
            for (FileStatus s : fs.listStatus(dir, p -> p.getName().startsWith(".")
                    && p.getName().endsWith(tmpSuffix))) {
                if (fs.delete(s.getPath(), false)) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("cleaning " + dir + " failed", e);
        }
    }
}
