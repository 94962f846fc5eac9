package org.tpsweep.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.tpsweep.cluster.HadoopConf;
import org.tpsweep.train.CheckpointStore;

/**
 * The trials' checkpoints of a sweep: {@code OUT/checkpoints/<trial_id>.ckpt}, one per trial that is still
 * training (or was cut off), written through Hadoop's {@code FileSystem} like the results. A save writes
 * {@code .<trial_id>.<attempt>.tmp} and renames it over the previous checkpoint, so a reader sees the old one or
 * the new one whole. A trial's checkpoint is deleted once its result is committed. Serializable: tasks carry it.
 */
public final class CheckpointFiles implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Folder name of the checkpoints under the output folder. */
    public static final String DIR = "checkpoints";
    /** File suffix of a checkpoint. */
    public static final String SUFFIX = ".ckpt";
    private static final String TMP_SUFFIX = ".tmp";

    private final String dir;
    private final HadoopConf hadoopConf;

    /** The checkpoints in folder {@code dir} (normally {@code OUT/checkpoints}), accessed with {@code conf}. */
    public CheckpointFiles(Path dir, Configuration conf) {
        this.dir = dir.toString();
        this.hadoopConf = new HadoopConf(conf);
    }

    /** The folder. */
    public Path dir() {
        return new Path(dir);
    }

    /** Where the checkpoint of {@code trialId} is. */
    public Path fileOf(String trialId) {
        return new Path(dir(), trialId + SUFFIX);
    }

    /** The checkpoint of {@code trialId}, as the trainer uses it. */
    public CheckpointStore of(String trialId) {
        return new TrialCheckpoint(trialId);
    }

    /** Deletes the checkpoint of {@code trialId}, if any (its result is committed). */
    public void delete(String trialId) throws IOException {
        fs().delete(fileOf(trialId), false);
    }

    /** The trial ids that have a checkpoint. */
    public java.util.Set<String> trialIds() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        try {
            FileSystem fs = fs();
            if (fs.exists(dir())) {
                for (FileStatus s : fs.listStatus(dir(), p -> !p.getName().startsWith(".")
                        && p.getName().endsWith(SUFFIX))) {
                    String n = s.getPath().getName();
                    ids.add(n.substring(0, n.length() - SUFFIX.length()));
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir + " failed", e);
        }
    }

    /** Deletes the temporary files that killed saves left behind; returns how many. */
    public int removeTemporaryFiles() {
        try {
            return StoreFolders.removeTemporaryFiles(fs(), dir(), TMP_SUFFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cleaning " + dir + " failed", e);
        }
    }

    /** The folder's file system; for local files the raw one (no {@code .crc} side files). */
    private FileSystem fs() throws IOException {
        return StoreFolders.fileSystem(dir(), hadoopConf.get());
    }

    /** One trial's checkpoint file. */
    private final class TrialCheckpoint implements CheckpointStore {
        private final String trialId;

        TrialCheckpoint(String trialId) {
            this.trialId = trialId;
        }

        @Override
        public InputStream open() throws IOException {
            try {
                return fs().open(fileOf(trialId));
            } catch (FileNotFoundException e) {
                return null;
            }
        }

        @Override
        public void save(Writer writer) throws IOException {
            FileSystem fs = fs();
            fs.mkdirs(dir());
            Path tmp = new Path(dir(), "." + trialId + "." + TrialStore.attemptTag() + TMP_SUFFIX);
            try {
                try (OutputStream out = new java.io.BufferedOutputStream(fs.create(tmp, true), 1 << 20)) {
                    writer.writeTo(out);
                }
                Renames.overwriting(fs, tmp, fileOf(trialId));
            } finally {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, false);
                }
            }
        }

        @Override
        public String describe() {
            return fileOf(trialId).toString();
        }
    }
}
