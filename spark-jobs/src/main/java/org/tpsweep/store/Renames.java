package org.tpsweep.store;

import java.io.IOException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/** Renaming a file onto an existing one, as atomically as the file system allows. */
final class Renames {
    private Renames() {
    }

    /**
     * Renames {@code from} to {@code to}, replacing {@code to}: atomically on local disks (POSIX rename) and on
     * file systems whose {@code FileContext} supports {@link Options.Rename#OVERWRITE} (HDFS); elsewhere by a
     * delete and a rename, between which {@code to} is briefly absent.
     */
    static void overwriting(FileSystem fs, Path from, Path to) throws IOException {
        try {
            if (fs instanceof RawLocalFileSystem) {
                if (!fs.rename(from, to)) { // java.io.File#renameTo: replaces the target atomically (POSIX)
                    throw new IOException("could not rename " + from + " to " + to);
                }
                return;
            }
            FileContext.getFileContext(to.toUri(), fs.getConf()).rename(from, to, Options.Rename.OVERWRITE);
        } catch (UnsupportedFileSystemException | UnsupportedOperationException e) {
            fs.delete(to, false);
            if (!fs.rename(from, to)) {
                throw new IOException("could not rename " + from + " to " + to);
            }
        }
    }
}
