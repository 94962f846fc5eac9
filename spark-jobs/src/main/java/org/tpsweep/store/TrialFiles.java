package org.tpsweep.store;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the committed per-trial files of a {@link TrialStore} with Spark, many small files per task: through
 * {@code wholeTextFiles} (Hadoop's combined input format), which is ≈ 5× faster than Spark's JSON source on a
 * folder of small files, where the latter builds a Hadoop job configuration per file.
 */
public final class TrialFiles {
    /** Column of the file's trial id (its name without {@link TrialStore#SUFFIX}). */
    static final String TRIAL_ID = "file_trial_id";
    /** Column of the file's text. */
    static final String TEXT = "text";

    private static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField(TRIAL_ID, DataTypes.StringType, false),
            DataTypes.createStructField(TEXT, DataTypes.StringType, false)));

    private TrialFiles() {
    }

    /** One row per committed file: {@value #TRIAL_ID}, {@value #TEXT}. The store must hold at least one. */
    static Dataset<Row> read(SparkSession spark, TrialStore store) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String glob = new Path(store.dir(), "*" + TrialStore.SUFFIX).toString();
        return spark.createDataFrame(jsc.wholeTextFiles(glob, jsc.defaultParallelism())
                .map(f -> RowFactory.create(trialId(f._1()), f._2())), SCHEMA);
    }

    /**
     * The files parsed as JSON documents with {@code schema}; a file that is not a document of that schema, or
     * whose document's {@code trial_id} is not its file name, is dropped (the driver's gap check then finds its
     * trial missing and reruns it). Each text carries its file's id into the parse as an extra first field, so
     * the comparison needs no second pass over the files.
     */
    public static Dataset<Row> documents(SparkSession spark, TrialStore store, StructType schema,
                                  Map<String, String> options) {
        StructType withFile = schema.add(TRIAL_ID, DataTypes.StringType, true);
        Dataset<String> texts = read(spark, store).map(
                (org.apache.spark.api.java.function.MapFunction<Row, String>) r -> tagged(r.getString(0),
                        r.getString(1)), Encoders.STRING());
        return spark.read().schema(withFile).options(options).option("mode", "DROPMALFORMED").json(texts)
                .where(col("trial_id").equalTo(col(TRIAL_ID))).drop(TRIAL_ID);
    }

    /** The document text with {@code "file_trial_id": id} as its first field; a text that is no object unchanged. */
    static String tagged(String fileId, String text) {
        int brace = text.indexOf('{');
        if (brace < 0 || !text.substring(0, brace).isBlank() || !fileId.matches("[0-9A-Za-z_-]+")) {
            return text;
        }
        return "{\"" + TRIAL_ID + "\":\"" + fileId + "\"," + text.substring(brace + 1);
    }

    /** {@value #TRIAL_ID} and the {@code status} field of each file (null where it has none or is no JSON). */
    public static Dataset<Row> statuses(SparkSession spark, TrialStore store) {
        return read(spark, store).select(col(TRIAL_ID),
                from_json(col(TEXT), DataTypes.createStructType(List.of(
                        DataTypes.createStructField("status", DataTypes.StringType, true))), Map.of())
                        .getField("status").as("status"));
    }

    private static String trialId(String file) {
        String name = new Path(file).getName();
        return name.substring(0, name.length() - TrialStore.SUFFIX.length());
    }
}
