package org.tpsweep.tables;

import org.tpsweep.store.CheckpointFiles;
import org.tpsweep.store.OutputLock;
import org.tpsweep.store.SweepMetadata;
import org.tpsweep.store.TrialStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.tpsweep.config.ConfigException;
import org.tpsweep.sweep.SweepPlan;

/**
 * The output folder of a sweep, on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:} …;
 * a plain path is local):
 *
 * <pre>
 * OUT/sweep.json            which plan the folder holds ({@link SweepMetadata})
 * OUT/trials/&lt;id&gt;.json      one durable result per finished trial ({@link TrialStore}), the source of truth
 * OUT/trials.parquet        the compacted tables ({@link Compactor}, {@link Aggregates}), rebuilt from
 * OUT/epochs.parquet        trials/ by every run; each is written into OUT/.tmp-&lt;table&gt; and renamed,
 * OUT/angles.parquet        trials.parquet last
 * OUT/jacobians.parquet
 * OUT/jacobians_summary.parquet
 * OUT/diagnostics.parquet
 * OUT/summary.parquet
 * OUT/paired.parquet
 * OUT/histograms.parquet
 * </pre>
 *
 * A run holds the folder's lock, {@code OUT/.tp-sweep.lock} ({@link OutputLock}), from {@link #prepare} to
 * {@link #close()}; every write into the folder (deleting with {@code fresh}, {@code sweep.json}, staging and
 * committing tables, cleaning up) happens under it. A folder that holds {@code sweep.json} of the same plan is
 * resumed; one of a different plan, or of the same plan on data with other digests, is refused unless forced;
 * {@code fresh} deletes the previous results first, in a tp-sweep folder or an empty one only. {@link #abort()}
 * removes what an unfinished run left that is of no use to the next one.
 */
public final class OutputTables implements AutoCloseable {
    /** File name of the trials table. */
    public static final String TRIALS = "trials.parquet";
    /** File name of the epochs table. */
    public static final String EPOCHS = "epochs.parquet";
    /** File name of the alignment-angles table (empty when the sweep logged no angles). */
    public static final String ANGLES = "angles.parquet";
    /** File name of the Jacobian-conditions table (empty when no trial measured them). */
    public static final String JACOBIANS = "jacobians.parquet";
    /** File name of the Jacobian conditions per configuration × epoch × layer over seeds. */
    public static final String JACOBIANS_SUMMARY = "jacobians_summary.parquet";
    /** File name of the rules' own per-epoch diagnostics (dtp-iterative's; empty for other rules). */
    public static final String DIAGNOSTICS = "diagnostics.parquet";
    /** File name of the per-configuration summary table. */
    public static final String SUMMARY = "summary.parquet";
    /** File name of the paired-comparison table. */
    public static final String PAIRED = "paired.parquet";
    /** File name of the sensitivity-histogram table. */
    public static final String HISTOGRAMS = "histograms.parquet";
    /** Every table, in commit order (trials last). */
    public static final List<String> TABLES = List.of(EPOCHS, ANGLES, JACOBIANS, JACOBIANS_SUMMARY, DIAGNOSTICS,
            SUMMARY, PAIRED, HISTOGRAMS, TRIALS);
    /** The report folder (written by the report command); deleted with the results by {@code --fresh}. */
    public static final String REPORT = "report";
    /** The spec as the last run read it (written at its end); deleted with the results by {@code --fresh}. */
    public static final String SPEC = "spec.yaml";
    /** The command that reproduces the last run from {@link #SPEC}; deleted with the results by {@code --fresh}. */
    public static final String COMMAND = "command.txt";

    private static final String TMP_PREFIX = ".tmp-";

    private final FileSystem fs;
    private final Path dir;
    private final boolean existedBefore;
    private final SweepMetadata planned;
    private final SweepMetadata found;
    private final boolean fresh;
    private final OutputLock lock;

    private OutputTables(FileSystem fs, Path dir, boolean existedBefore, SweepMetadata planned, SweepMetadata found,
                         boolean fresh, OutputLock lock) {
        this.fs = fs;
        this.dir = dir;
        this.existedBefore = existedBefore;
        this.planned = planned;
        this.found = found;
        this.fresh = fresh;
        this.lock = lock;
    }

    /**
     * Takes the folder's lock ({@link OutputLock}; the folder is created when absent) and checks under it that
     * the folder can take {@code plan}, deleting nothing. The caller {@link #close()}s it at the end of the run.
     *
     * @param dataSha256 per dataset of the plan, the digest of its files ({@code DataLocation#verified}): a folder
     *                whose {@code sweep.json} records another digest for one of them is refused too (without
     *                {@code force}); one that records none (older versions) is accepted, and {@link #begin} adds them
     * @param fresh   the previous results will be deleted ({@link #begin}): the folder must be a tp-sweep output
     *                folder (with {@code sweep.json}) or empty
     * @param force   accept a folder that holds another plan or results without {@code sweep.json}
     * @param notices where a lock take-over is said (may be null)
     * @throws ConfigException when it is a file, is in use by another run, holds a different sweep (without
     *                         {@code force}), is not a tp-sweep folder (with {@code fresh}), or its file system is
     *                         unusable
     */
    public static OutputTables prepare(String location, Configuration conf, SweepPlan plan,
                                       Map<String, String> dataSha256, boolean fresh, boolean force,
                                       PrintWriter notices) {
        FileSystem fs;
        Path dir;
        boolean exists;
        try {
            Path p = new Path(location);
            fs = p.getFileSystem(conf);
            dir = fs.makeQualified(p);
            exists = fs.exists(dir);
            if (exists && !fs.getFileStatus(dir).isDirectory()) {
                throw new ConfigException("--out " + location + " is a file; give a folder");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("output folder " + location + " cannot be used: " + e.getMessage(), e);
        }
        OutputLock lock = OutputLock.acquire(fs, dir, notices);
        try {
            SweepMetadata planned = SweepMetadata.of(plan, null, dataSha256);
            SweepMetadata found = exists && !fresh ? checkResumable(fs, dir, location, plan, planned, force) : null;
            if (exists && fresh) {
                checkDeletable(fs, dir, location);
            }
            return new OutputTables(fs, dir, exists, planned, found, fresh, lock);
        } catch (IOException | IllegalArgumentException | ConfigException e) {
            lock.close();
            deleteIfCreated(fs, dir, exists);
            throw e instanceof ConfigException c ? c
                    : new ConfigException("output folder " + location + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** {@link #prepare} without data digests or a place to say a lock take-over (tests, benchmarks). */
    public static OutputTables prepare(String location, Configuration conf, SweepPlan plan, boolean fresh,
                                       boolean force) {
        return prepare(location, conf, plan, Map.of(), fresh, force, null);
    }

    /** {@link #prepare} without a place to say a lock take-over (tests). */
    public static OutputTables prepare(String location, Configuration conf, SweepPlan plan,
                                       Map<String, String> dataSha256, boolean fresh, boolean force) {
        return prepare(location, conf, plan, dataSha256, fresh, force, null);
    }

    /** The {@code sweep.json} of a folder about to be resumed, after checking that it describes {@code plan}. */
    private static SweepMetadata checkResumable(FileSystem fs, Path dir, String location, SweepPlan plan,
                                                SweepMetadata planned, boolean force) throws IOException {
        SweepMetadata found = null;
        try {
            found = SweepMetadata.read(fs, dir);
        } catch (IOException e) {
            if (!force) {
                throw new ConfigException("output folder " + location + ": " + SweepMetadata.FILE
                        + " cannot be read (" + e.getMessage() + "); use --fresh to delete its results, "
                        + "--force to write this sweep into it anyway, or another --out folder", e);
            }
        }
        if (!force && found != null && !found.samePlan(planned)) {
            throw new ConfigException("output folder " + location + " holds sweep '" + found.name() + "' ("
                    + found.trials() + " trials, created " + found.createdAt() + ") whose trials differ "
                    + "from this sweep '" + plan.name() + "' (" + plan.trials().size() + " trials); "
                    + "use another --out folder, --fresh to delete its results first, or --force to run "
                    + "this sweep into it (its trials that belong to this sweep are reused)");
        }
        String dataChange = force || found == null ? null : found.dataChange(planned);
        if (dataChange != null) {   // data you can prove: a resume never mixes data silently
            throw new ConfigException("output folder " + location + " holds results computed on other data: "
                    + dataChange + "; use another --out folder, --fresh to delete its results first, or "
                    + "--force to add trials on this data to it (column data_sha256 of "
                    + TRIALS + " tells them apart)");
        }
        if (!force && found == null && (fs.exists(new Path(dir, TRIALS))
                || fs.exists(new Path(dir, TrialStore.DIR)))) {
            throw new ConfigException("output folder " + location + " already holds "
                    + (fs.exists(new Path(dir, TRIALS)) ? TRIALS : TrialStore.DIR + "/") + " but no "
                    + SweepMetadata.FILE + " (results of an older tp-sweep or of something else); use "
                    + "another --out folder, --fresh to delete them first, or --force to write into it");
        }
        return found;
    }

    /**
     * {@code --fresh} deletes results only in a tp-sweep output folder (one with {@code sweep.json}) or an empty
     * folder (the lock aside).
     */
    private static void checkDeletable(FileSystem fs, Path dir, String location) throws IOException {
        if (fs.exists(new Path(dir, SweepMetadata.FILE))) {
            return;
        }
        List<String> other = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            if (!s.getPath().getName().startsWith(OutputLock.FILE)) {
                other.add(s.getPath().getName());
            }
        }
        if (!other.isEmpty()) {
            Collections.sort(other);
            throw new ConfigException("--fresh: output folder " + location + " is not a tp-sweep output folder (it "
                    + "has no " + SweepMetadata.FILE + ") and is not empty (it holds " + String.join(", ",
                    other.subList(0, Math.min(5, other.size()))) + (other.size() > 5 ? ", …" : "") + "); --fresh "
                    + "deletes results only in a folder tp-sweep wrote or an empty one: give another --out folder");
        }
    }

    private static void deleteIfCreated(FileSystem fs, Path dir, boolean existedBefore) {
        if (existedBefore) {
            return;
        }
        try {
            fs.delete(dir, true);
        } catch (IOException e) {
            System.err.println("warning: could not remove " + dir + ": " + e.getMessage());
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

    /** Where the committed table {@code table} (one of {@link #TABLES}) is. */
    public Path tablePath(String table) {
        return new Path(dir, table);
    }

    /** Where the committed trials table is. */
    public Path trialsPath() {
        return tablePath(TRIALS);
    }

    /** Where the committed epochs table is. */
    public Path epochsPath() {
        return tablePath(EPOCHS);
    }

    /** Where the committed angles table is. */
    public Path anglesPath() {
        return tablePath(ANGLES);
    }

    /** The per-trial results, accessed with {@code conf} (on executors too). */
    public TrialStore store(Configuration conf) {
        return new TrialStore(new Path(dir, TrialStore.DIR), conf);
    }

    /** How many trials have a committed result in the folder now (0 when it is gone). */
    public int committedTrials() {
        return store(fs.getConf()).committedIds().size();
    }

    /**
     * Makes the folder ready for the run: with {@code fresh} deletes the previous results ({@code trials/},
     * {@code checkpoints/},
     * {@code sweep.json}, the tables, {@code report/}); writes {@code sweep.json} unless it already describes
     * this plan (then its creation time is kept, and the data digests of this run are added to those it records);
     * creates {@code trials/}.
     */
    public void begin(String codeVersion) {
        lock.checkHeld();
        try {
            if (fresh && fs.exists(dir)) {
                for (String name : List.of(TrialStore.DIR, CheckpointFiles.DIR, SweepMetadata.FILE, REPORT, SPEC,
                        COMMAND)) {
                    fs.delete(new Path(dir, name), true);
                }
                for (String table : TABLES) {
                    fs.delete(tablePath(table), true);
                }
                deleteTemporaryTables();
            }
            fs.mkdirs(dir);
            SweepMetadata current = null;
            if (!fresh) {
                try {
                    current = SweepMetadata.read(fs, dir);
                } catch (IOException unreadable) {
                    // accepted by prepare (--force): replaced below
                }
            }
            SweepMetadata next = planned.samePlan(current) ? current.withData(planned.dataSha256())
                    : new SweepMetadata(planned.name(), planned.trialSetHash(), planned.trials(), planned.createdAt(),
                    codeVersion, planned.dataSha256());
            if (!next.equals(current)) {
                next.write(fs, dir);
            }
            fs.mkdirs(new Path(dir, TrialStore.DIR));
        } catch (IOException e) {
            throw new UncheckedIOException("preparing the output folder " + dir + " failed", e);
        }
    }

    /** True when the folder existed before this run. */
    public boolean existedBefore() {
        return existedBefore;
    }

    /** The {@code sweep.json} found by {@link #prepare} (null when none, or with {@code fresh}). */
    public SweepMetadata found() {
        return found;
    }

    /**
     * Writes {@code data} as one Parquet file into {@code OUT/.tmp-<table>}, its rows sorted by
     * {@code sortBy}; returns that path.
     */
    public Path stage(String table, Dataset<Row> data, String... sortBy) {
        lock.checkHeld();
        Path tmp = tmp(table);
        try {
            fs.delete(tmp, true);
            Dataset<Row> one = data.coalesce(1);
            if (sortBy.length > 0) {
                one = one.sortWithinPartitions(sortBy[0], java.util.Arrays.copyOfRange(sortBy, 1, sortBy.length));
            }
            one.write().parquet(tmp.toString());
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + tmp + " failed", e);
        }
    }

    /** Renames every staged table to its final name, in the order of {@link #TABLES} (trials last). */
    public void commitStaged() {
        lock.checkHeld();
        try {
            for (String table : TABLES) {
                Path from = tmp(table);
                if (fs.exists(from)) {
                    Path to = tablePath(table);
                    fs.delete(to, true);
                    if (!fs.rename(from, to)) {
                        throw new IOException("could not rename " + from + " to " + to);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("committing the tables in " + dir + " failed", e);
        }
    }

    /**
     * Removes what an unfinished run left that the next run cannot use: the temporary tables, and the folder
     * itself when this run created it and no trial was committed. Committed trials stay (the next run resumes
     * them). Never throws.
     */
    public void abort() {
        try {
            lock.checkHeld();
            deleteTemporaryTables();
            if (!existedBefore && fs.exists(dir) && committedTrials() == 0) {
                lock.close();
                fs.delete(dir, true);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: could not clean up " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Throws unless this run still holds the folder's lock ({@link OutputLock#checkHeld}); for writes into the
     * folder made elsewhere (the trial store's clean-up).
     */
    public void checkLockHeld() {
        lock.checkHeld();
    }

    /** Releases the folder's lock (the end of the run). Never throws; idempotent. */
    @Override
    public void close() {
        lock.close();
    }

    private void deleteTemporaryTables() throws IOException {
        if (!fs.exists(dir)) {
            return;
        }
        for (FileStatus s : fs.listStatus(dir, p -> p.getName().startsWith(TMP_PREFIX))) {
            fs.delete(s.getPath(), true);
        }
    }

    private Path tmp(String table) {
        return new Path(dir, TMP_PREFIX + table.replace(".parquet", ""));
    }
}
