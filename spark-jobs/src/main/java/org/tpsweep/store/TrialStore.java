package org.tpsweep.store;

import org.tpsweep.cluster.HadoopConf;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;
import org.tpsweep.train.RunStatus;

/**
 * The durable per-trial results of a sweep: {@code OUT/trials/<trial_id>.json}, one {@link TrialDocument}
 * per finished trial, written by the task that ran the trial, through Hadoop's {@code FileSystem} (so
 * {@code OUT} may be {@code hdfs:}, {@code s3a:} …).
 *
 * <p>A commit writes {@code .<trial_id>.<attempt>.tmp} (attempt = stage, partition, task attempt and a random
 * part) and gives it the name {@code <trial_id>.json} only where that name is free (a hard link on local disks,
 * a rename that refuses an existing target on HDFS: {@link Renames#withoutReplacing}). The file name is the trial
 * id, so a trial never has two results, and of attempts racing to commit exactly one is told {@code WRITTEN}. If
 * the file exists already (a speculative or retried attempt of the same task, or a resumed sweep), the existing
 * result is kept and the temporary file deleted. Only a committed {@code failed} result
 * with {@code replaceFailed}, or a file that is no readable trial document, is replaced, by a rename with
 * overwrite (atomic where the file system's rename is, e.g. HDFS and local; elsewhere a crash in between
 * leaves the trial without a result, and the next run reruns it). Local files are written without Hadoop's
 * {@code .crc} side files. Serializable: tasks carry it, with the driver's Hadoop configuration.
 */
public final class TrialStore implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Folder name of the per-trial results under the output folder. */
    public static final String DIR = "trials";
    /** File suffix of a committed trial. */
    public static final String SUFFIX = ".json";
    private static final String TMP_SUFFIX = ".tmp";
    /** Suffix of a committed file moved aside by {@link #reject}. */
    public static final String REJECTED_SUFFIX = ".rejected";
    /** {@link #status} of a file that is not a readable trial document (it is replaced, not kept). */
    public static final String UNREADABLE = "unreadable";

    /** What {@link #commit} did. */
    public enum Commit {
        /** No result existed; this one is now committed. */
        WRITTEN,
        /** A {@code failed} result was replaced by this one. */
        REPLACED,
        /** A result existed and was kept; this one was discarded. */
        KEPT_EXISTING
    }

    private final String dir;
    private final HadoopConf hadoopConf;

    /** The store in folder {@code dir} (normally {@code OUT/trials}), accessed with {@code conf}. */
    public TrialStore(Path dir, Configuration conf) {
        this.dir = dir.toString();
        this.hadoopConf = new HadoopConf(conf);
    }

    /** The folder. */
    public Path dir() {
        return new Path(dir);
    }

    /** The trials' checkpoints, in the output folder beside this one ({@code OUT/checkpoints}). */
    public CheckpointFiles checkpoints() {
        return new CheckpointFiles(new Path(dir().getParent(), CheckpointFiles.DIR), hadoop());
    }

    /** Where the committed result of {@code trialId} is. */
    public Path fileOf(String trialId) {
        return new Path(dir(), trialId + SUFFIX);
    }

    /** The trial ids with a committed result (empty when the folder does not exist). */
    public Set<String> committedIds() {
        Set<String> ids = new TreeSet<>();
        try {
            FileSystem fs = fs();
            if (!fs.exists(dir())) {
                return ids;
            }
            for (FileStatus s : fs.listStatus(dir(), p -> isCommitted(p.getName()))) {
                String n = s.getPath().getName();
                ids.add(n.substring(0, n.length() - SUFFIX.length()));
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir + " failed", e);
        }
    }

    /**
     * The committed status label of {@code trialId} ({@code ok}, {@code failed} …); null when none is
     * committed, {@value #UNREADABLE} when the file is not a trial document.
     */
    public String status(String trialId) throws IOException {
        FileSystem fs = fs();
        try (FSDataInputStream in = fs.open(fileOf(trialId))) {
            String s = TrialDocument.status(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return s == null ? UNREADABLE : s;
        } catch (FileNotFoundException e) {
            return null;
        } catch (JsonProcessingException e) {
            return UNREADABLE;
        }
    }

    /**
     * Whether {@code trialId} already has a result that a run must keep: any readable committed result, or
     * with {@code replaceFailed} one that is not {@code failed}. A task then skips the training.
     */
    public boolean isSettled(String trialId, boolean replaceFailed) throws IOException {
        return settled(status(trialId), replaceFailed);
    }

    private static boolean settled(String status, boolean replaceFailed) {
        return status != null && !UNREADABLE.equals(status)
                && !(replaceFailed && RunStatus.FAILED.label().equals(status));
    }

    /**
     * Commits {@code o} as described in the class comment. I/O errors propagate (Spark retries the task; the
     * retry is idempotent).
     */
    public Commit commit(TrialOutcome o, boolean replaceFailed) throws IOException {
        String id = o.config().trialId();
        FileSystem fs = fs();
        fs.mkdirs(dir());
        Path target = fileOf(id);
        Path tmp = new Path(dir(), "." + id + "." + attemptTag() + TMP_SUFFIX);
        byte[] bytes = (TrialDocument.encode(o) + "\n").getBytes(StandardCharsets.UTF_8);
        writeNew(fs, tmp, bytes);
        try {
            String existing = status(id);
            if (settled(existing, replaceFailed)) {
                return Commit.KEPT_EXISTING;
            }
            if (existing == null) {
                if (Renames.withoutReplacing(fs, tmp, target)) {
                    return Commit.WRITTEN;
                }
                if (fs.exists(target)) { // another attempt committed in between
                    return Commit.KEPT_EXISTING;
                }
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            Renames.overwriting(fs, tmp, target);
            return Commit.REPLACED;
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }

    /**
     * Writes {@code bytes} into the new file {@code p} through the file system's own {@code create}, on every file
     * system. (On the local one, without Hadoop's native library, {@code create} runs a {@code chmod} process per
     * file, ≈ 3 ms per commit; every {@code create} of Hadoop 3.3's {@code RawLocalFileSystem} sets a permission.)
     */
    private static void writeNew(FileSystem fs, Path p, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fs.create(p, false)) {
            out.write(bytes);
        }
    }

    /**
     * Moves a committed file that the tables could not use (no readable document of its own trial) aside to
     * {@code <trial_id>.json.rejected}, replacing an older one, so that the trial counts as not committed and
     * runs again; the file is kept for inspection. Returns whether there was a file to move.
     */
    public boolean reject(String trialId) throws IOException {
        FileSystem fs = fs();
        Path file = fileOf(trialId);
        if (!fs.exists(file)) {
            return false;
        }
        Path aside = new Path(dir(), trialId + SUFFIX + REJECTED_SUFFIX);
        fs.delete(aside, false);
        if (!fs.rename(file, aside)) {
            throw new IOException("could not move the unreadable result " + file + " aside to " + aside);
        }
        return true;
    }

    /** Deletes temporary files that killed attempts left behind; returns how many. */
    public int removeTemporaryFiles() {
        try {
            return StoreFolders.removeTemporaryFiles(fs(), dir(), TMP_SUFFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cleaning " + dir + " failed", e);
        }
    }

    /** True for the file name of a committed result. */
    static boolean isCommitted(String name) {
        return !name.startsWith(".") && !name.startsWith("_") && name.endsWith(SUFFIX);
    }

    /** A name part unique to this task attempt. */
    static String attemptTag() {
        String random = UUID.randomUUID().toString().substring(0, 8);
        TaskContext tc = TaskContext.get();
        if (tc == null) {
            return "local-" + random;
        }
        return "s" + tc.stageId() + "." + tc.stageAttemptNumber() + "-p" + tc.partitionId() + "."
                + tc.attemptNumber() + "-t" + tc.taskAttemptId() + "-" + random;
    }

    /**
     * The folder's file system; for local files the raw one: no {@code .crc} side files, whose separate rename
     * could mismatch a concurrently replaced result.
     */
    private FileSystem fs() throws IOException {
        return StoreFolders.fileSystem(dir(), hadoop());
    }

    private Configuration hadoop() {
        return hadoopConf.get();
    }
}
