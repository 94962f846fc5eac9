package org.tpsweep.report;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.ConfigException;
import org.tpsweep.store.SweepMetadata;
import org.tpsweep.tables.ConfigurationSummary;
import org.tpsweep.tables.OutputTables;

/**
 * The committed tables of a sweep's output folder, read with Spark SQL, with its {@code sweep.json} and
 * {@link RunRecord}. {@link #open} refuses a folder that is not a tp-sweep output with its tables.
 */
public final class SweepTables {
    private final SparkSession spark;
    private final FileSystem fs;
    private final Path dir;
    private final SweepMetadata metadata;
    private final RunRecord record;
    private final Dataset<Row> summary;
    private final List<String> hyperparameters;

    private SweepTables(SparkSession spark, FileSystem fs, Path dir, SweepMetadata metadata, RunRecord record) {
        this.spark = spark;
        this.fs = fs;
        this.dir = dir;
        this.metadata = metadata;
        this.record = record;
        this.summary = table(OutputTables.SUMMARY);
        this.hyperparameters = ConfigurationSummary.parameterColumns(summary.schema());
    }

    /**
     * Checks that {@code location} is a sweep output folder with its tables; reads nothing with Spark yet.
     *
     * @throws ConfigException when it is absent, not a folder, has no {@code sweep.json}, or has no tables yet
     */
    public static Path check(String location, Configuration conf) {
        try {
            Path p = new Path(location);
            FileSystem fs = p.getFileSystem(conf);
            Path dir = fs.makeQualified(p);
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                throw new ConfigException("report " + location + ": " + (fs.exists(dir) ? "is a file" : "no such folder")
                        + "; give the output folder of a run (its --out, e.g. out/quick-20250101-120000)");
            }
            if (!fs.exists(new Path(dir, SweepMetadata.FILE))) {
                throw new ConfigException("report " + location + ": not a tp-sweep output folder (it has no "
                        + SweepMetadata.FILE + "); give the output folder of a run (its --out)");
            }
            for (String t : List.of(OutputTables.TRIALS, OutputTables.SUMMARY)) {
                if (!fs.exists(new Path(dir, t))) {
                    throw new ConfigException("report " + location + ": the sweep's tables are not written yet (no "
                            + t + "); run the sweep's command again to finish it and build them");
                }
            }
            return dir;
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("report " + location + ": the folder cannot be read: " + e.getMessage(), e);
        }
    }

    /** The tables of the checked folder {@code dir} ({@link #check}). */
    public static SweepTables open(SparkSession spark, Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        return new SweepTables(spark, fs, dir, SweepMetadata.read(fs, dir), RunRecord.read(fs, dir));
    }

    /** The committed table {@code name} (one of {@link OutputTables#TABLES}); an empty table has its schema. */
    public Dataset<Row> table(String name) {
        return spark.read().parquet(new Path(dir, name).toString());
    }

    /** True when the table {@code name} exists (a folder of an older version may lack the newer tables). */
    public boolean has(String name) {
        try {
            return fs.exists(new Path(dir, name));
        } catch (IOException e) {
            return false;
        }
    }

    /** summary.parquet. */
    public Dataset<Row> summary() {
        return summary;
    }

    /** The hyperparameter columns of the sweep, in the tables' order. */
    public List<String> hyperparameters() {
        return hyperparameters;
    }

    /** The folder's {@code sweep.json}. */
    public SweepMetadata metadata() {
        return metadata;
    }

    /** The spec and command the last run recorded (fields null in a folder of an older version). */
    public RunRecord record() {
        return record;
    }

    /** The folder, fully qualified. */
    public Path dir() {
        return dir;
    }

    /** Its file system. */
    public FileSystem fs() {
        return fs;
    }

    /** The session the tables are read with. */
    public SparkSession spark() {
        return spark;
    }
}
