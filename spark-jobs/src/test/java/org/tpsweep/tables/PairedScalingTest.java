package org.tpsweep.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tpsweep.spark.SweepJobTest;

/**
 * paired.parquet grows linearly with a large random search: on a dataset with more than
 * {@link Aggregates#ALL_PAIRS_MAX_CONFIGS} configurations each is compared with every method's best only; on the
 * others, every pair as before.
 */
@Tag("spark")
class PairedScalingTest {
    private static final StructType TRIALS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("dataset", DataTypes.StringType, false),
            DataTypes.createStructField("seed", DataTypes.LongType, false),
            DataTypes.createStructField("method", DataTypes.StringType, false),
            DataTypes.createStructField("config_id", DataTypes.StringType, false),
            DataTypes.createStructField("test_error", DataTypes.DoubleType, true),
            DataTypes.createStructField("status", DataTypes.StringType, false),
            DataTypes.createStructField(Aggregates.SENSITIVITY_DRAW, DataTypes.BooleanType, false)));

    /**
     * {@code bp} configurations and {@code dfa} configurations on mnist, 2 seeds, all ok; configuration i of a
     * method has test error 0.1 + i / 10000 (so configuration 0 is the method's best).
     */
    private static Dataset<Row> trials(int bp, int dfa) {
        return trials("mnist", bp, dfa);
    }

    private static Dataset<Row> trials(String dataset, int bp, int dfa) {
        List<Row> rows = new ArrayList<>();
        for (String method : List.of("bp", "dfa")) {
            int n = method.equals("bp") ? bp : dfa;
            for (int i = 0; i < n; i++) {
                for (long seed = 1; seed <= 2; seed++) {
                    rows.add(RowFactory.create(dataset, seed, method, String.format("%s-%04d", method, i),
                            0.1 + i / 10000.0 + seed / 1e6, "ok", false));
                }
            }
        }
        SparkSession spark = SweepJobTest.reader();
        return spark.createDataFrame(rows, TRIALS);
    }

    @Test
    void aLargeSearchIsPairedWithEachMethodsBestOnly() {
        List<Row> pairs = Aggregates.paired(trials(200, 100), Set.of("mnist")).collectAsList();
        // The two bests with each other (1), each of the other 298 configurations with both bests (596).
        assertEquals(1 + 298 * 2, pairs.size());
        Set<String> keys = new HashSet<>();
        for (Row r : pairs) {
            String ca = r.getAs("config_a");
            String cb = r.getAs("config_b");
            assertTrue(ca.endsWith("-0000") || cb.endsWith("-0000"), ca + " vs " + cb + " has no best");
            assertTrue(((String) r.getAs("method_a") + ca).compareTo((String) r.getAs("method_b") + cb) < 0,
                    "oriented: " + ca + " before " + cb);
            assertEquals(2L, (long) r.getAs("n_pairs"));
            assertTrue(keys.add(ca + cb), "once: " + ca + " vs " + cb);
        }
        assertTrue(keys.contains("bp-0000dfa-0000"));
        assertTrue(keys.contains("bp-0007dfa-0000"));
        assertTrue(keys.contains("bp-0000bp-0007"));
        Row within = pairs.stream().filter(r -> r.getAs("config_a").equals("bp-0000")
                && r.getAs("config_b").equals("bp-0007")).findFirst().orElseThrow();
        assertEquals(-0.0007, (double) within.getAs("mean_diff"), 1e-12);
        assertEquals(2L, (long) within.getAs("wins"));
    }

    @Test
    void aSmallDatasetBesideALargeOneKeepsEveryPair() {
        Dataset<Row> both = trials("mnist", 50, 30).union(trials("fashion-mnist", 3, 2));
        List<Row> pairs = Aggregates.paired(both, Set.of("mnist")).collectAsList();
        assertEquals(1 + 78 * 2, pairs.stream().filter(r -> r.getAs("dataset").equals("mnist")).count());
        assertEquals(5 * 4 / 2, pairs.stream().filter(r -> r.getAs("dataset").equals("fashion-mnist")).count());
    }

    @Test
    void everyPairOtherwise() {
        assertEquals(80 * 79 / 2, Aggregates.paired(trials(50, 30), Set.of()).count());
        assertEquals(80 * 79 / 2, Aggregates.paired(trials(50, 30)).count());
    }
}
