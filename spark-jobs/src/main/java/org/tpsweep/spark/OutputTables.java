package org.tpsweep.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.tpsweep.config.ConfigException;

/**
 * The output folder of a sweep, on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:} …;
 * a plain path is local). Tables are committed atomically: each is written by Spark into
 * {@code DIR/.tmp-<table>} and then renamed to {@code DIR/<table>.parquet}, {@code trials.parquet} last,
 * so a folder holding {@code trials.parquet} holds a finished sweep. {@link #abort()} removes what an
 * unfinished sweep wrote.
 */
public final class OutputTables {
    /** File name of the trials table. */
    public static final String TRIALS = "trials.parquet";
    /** File name of the epochs table. */
    public static final String EPOCHS = "epochs.parquet";
    /** File name of the alignment-angles table (empty when the sweep logged no angles). */
    public static final String ANGLES = "angles.parquet";

    private final FileSystem fs;
    private final Path dir;
    private final boolean existedBefore;

    private OutputTables(FileSystem fs, Path dir, boolean existedBefore) {
        this.fs = fs;
        this.dir = dir;
        this.existedBefore = existedBefore;
    }

    /**
     * Checks that {@code location} can take a new sweep, creating nothing.
     *
     * @throws ConfigException when it is a file, already holds {@code trials.parquet}, or its file system is
     *                         unusable
     */
    public static OutputTables prepare(String location, Configuration conf) {
        try {
            Path p = new Path(location);
            FileSystem fs = p.getFileSystem(conf);
            Path dir = fs.makeQualified(p);
            boolean exists = fs.exists(dir);
            if (exists && !fs.getFileStatus(dir).isDirectory()) {
                throw new ConfigException("--out " + location + " is a file; give a folder (new or without "
                        + TRIALS + ")");
            }
            if (exists && fs.exists(new Path(dir, TRIALS))) {
                throw new ConfigException("output folder " + location + " already holds " + TRIALS
                        + " from an earlier sweep; choose another --out folder or remove it "
                        + "(resuming a sweep is not supported yet)");
            }
            return new OutputTables(fs, dir, exists);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("output folder " + location + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** The fully qualified output folder. */
    public Path dir() {
        return dir;
    }

    /** {@code p} as a user would type it: a plain path on the local file system, else the full URI. */
    public static String display(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    /** Where the committed trials table is. */
    public Path trialsPath() {
        return new Path(dir, TRIALS);
    }

    /** Where the committed angles table is. */
    public Path anglesPath() {
        return new Path(dir, ANGLES);
    }

    /** Where the committed epochs table is. */
    public Path epochsPath() {
        return new Path(dir, EPOCHS);
    }

    /** Writes the tables (one Parquet part file each) and commits them, trials last. */
    public void write(Dataset<Row> trials, Dataset<Row> epochs, Dataset<Row> angles) {
        Path tmpTrials = tmp("trials");
        Path tmpEpochs = tmp("epochs");
        Path tmpAngles = tmp("angles");
        try {
            fs.delete(tmpTrials, true);
            fs.delete(tmpEpochs, true);
            fs.delete(tmpAngles, true);
            epochs.coalesce(1).write().parquet(tmpEpochs.toString());
            angles.coalesce(1).write().parquet(tmpAngles.toString());
            trials.coalesce(1).write().parquet(tmpTrials.toString());
            commit(tmpEpochs, epochsPath());
            commit(tmpAngles, anglesPath());
            commit(tmpTrials, trialsPath());
        } catch (IOException e) {
            throw new UncheckedIOException("writing the tables into " + dir + " failed", e);
        }
    }

    /**
     * Removes what an unfinished sweep left: the temporary tables, an uncommitted epochs table, and the
     * folder itself when this sweep created it and it is now empty. Never throws.
     */
    public void abort() {
        try {
            fs.delete(tmp("trials"), true);
            fs.delete(tmp("epochs"), true);
            fs.delete(tmp("angles"), true);
            if (!fs.exists(trialsPath())) {
                fs.delete(epochsPath(), true);
                fs.delete(anglesPath(), true);
            }
            if (!existedBefore && fs.exists(dir)) {
                FileStatus[] left = fs.listStatus(dir);
                if (left.length == 0) {
                    fs.delete(dir, false);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: could not clean up " + dir + ": " + e.getMessage());
        }
    }

    private Path tmp(String table) {
        return new Path(dir, ".tmp-" + table);
    }

    private void commit(Path from, Path to) throws IOException {
        fs.delete(to, true);
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }
}
