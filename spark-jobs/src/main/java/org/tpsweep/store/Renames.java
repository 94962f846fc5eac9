package org.tpsweep.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/** Renaming a file onto an existing one, or only where none exists, as atomically as the file system allows. */
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

    /**
     * Gives {@code from}'s content the name {@code to} only if {@code to} does not exist; returns false when it
     * does. Atomic on local disks (a hard link, POSIX link(2), which fails on an existing name; {@code from} is left
     * for the caller to delete; a disk without hard links gets the rename) and on file systems whose rename refuses
     * an existing target (HDFS). A local {@code rename} would not do: {@link java.io.File#renameTo} replaces the
     * target, so two writers racing past an existence check would both succeed.
     */
    static boolean withoutReplacing(FileSystem fs, Path from, Path to) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            try {
                Files.createLink(local.pathToFile(to).toPath(), local.pathToFile(from).toPath());
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                // no hard links on this file store (FAT, some network mounts): the rename below, which is not
                // atomic against a concurrent writer; a real I/O fault makes the rename fail with its own error
            }
        }
        return fs.rename(from, to);
    }
}
