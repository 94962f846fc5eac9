package org.tpsweep.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tpsweep.spark.SweepJobTest;

/**
 * {@link ConfigurationSummary} and {@link SummaryTable} on an in-memory summary table (the columns of
 * summary.parquet that they read):
 *
 * <pre>
 * mnist          config  lr    sigma  epochs  seeds  n  mean  std   batchavg  val   not ok
 *   bp           b1      0.02  –      1       3      3  0.10  0.01  0.099     0.11
 *   bp           b2      0.01  –      1       3      2  0.12  0.02  0.119     0.13  1 diverged
 *   dfa          d1      0.1   0.1    1       3      3  0.30  0.05  0.301     0.20   (best by validation)
 *   dfa          d2      0.2   0.1    1       3      3  0.10  0.01  0.101     0.25   (best by test error)
 *   dfa          d3      0.3   0.2    1       3      0  –     –     –         –     3 failed
 *   dfa          d4      0.4   0.3    1       3      3  0.40  0.02  0.401     0.30
 * fashion-mnist
 *   bp           f1      0.01  –      1       1      1  0.20  –     0.2       NaN   (no_val_set)
 *   bp           f2      0.02  –      1       1      1  0.10  –     0.1       NaN
 * </pre>
 * dfa's configurations' means with a result: 0.10, 0.30, 0.40 → quartiles 0.20, 0.30, 0.35.
 */
@Tag("spark")
class ConfigurationSummaryTest {
    static final double TOL = 1e-12;
    static final List<String> DATASETS = List.of("mnist", "fashion-mnist");
    static final List<String> METHODS = List.of("bp", "dfa");
    static Dataset<Row> summary;

    @BeforeAll
    static void summaryTable() {
        List<StructField> f = new ArrayList<>();
        for (String c : List.of("method", "dataset", "config_id")) {
            f.add(DataTypes.createStructField(c, DataTypes.StringType, false));
        }
        f.add(DataTypes.createStructField(Aggregates.SENSITIVITY_DRAW, DataTypes.BooleanType, false));
        f.add(DataTypes.createStructField("lr", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("sigma", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("epochs", DataTypes.IntegerType, true));
        for (String c : List.of("n_trials", "n_ok", "n_diverged", "n_stopped", "n_failed", "n_test_error")) {
            f.add(DataTypes.createStructField(c, DataTypes.LongType, false));
        }
        for (String c : List.of("test_error_mean", "test_error_std", "test_error_batchavg_mean", "best_val_error_mean")) {
            f.add(DataTypes.createStructField(c, DataTypes.DoubleType, true));
        }
        StructType schema = DataTypes.createStructType(f);
        List<Row> rows = List.of(
                row("bp", "mnist", "b1", 0.02, null, 3, 3, 0, 0.10, 0.01, 0.099, 0.11),
                row("bp", "mnist", "b2", 0.01, null, 3, 2, 1, 0.12, 0.02, 0.119, 0.13),
                row("dfa", "mnist", "d1", 0.1, 0.1, 3, 3, 0, 0.30, 0.05, 0.301, 0.20),
                row("dfa", "mnist", "d2", 0.2, 0.1, 3, 3, 0, 0.10, 0.01, 0.101, 0.25),
                row("dfa", "mnist", "d3", 0.3, 0.2, 3, 0, 0, null, null, null, null),
                row("dfa", "mnist", "d4", 0.4, 0.3, 3, 3, 0, 0.40, 0.02, 0.401, 0.30),
                row("bp", "fashion-mnist", "f1", 0.01, null, 1, 1, 0, 0.20, null, 0.2, Double.NaN),
                row("bp", "fashion-mnist", "f2", 0.02, null, 1, 1, 0, 0.10, null, 0.1, Double.NaN));
        summary = SweepJobTest.reader().createDataFrame(rows, schema);
    }

    /** A summary row; trials that are neither ok nor diverged failed. */
    static Row row(String method, String dataset, String id, double lr, Double sigma, long trials, long ok,
                   long diverged, Double mean, Double std, Double batchavg, Double val) {
        return RowFactory.create(method, dataset, id, false, lr, sigma, 1, trials, ok, diverged, 0L,
                trials - ok - diverged, ok, mean, std, batchavg, val);
    }

    static List<String> ids(List<ConfigurationSummary.Configuration> lines) {
        return lines.stream().map(ConfigurationSummary.Configuration::configId).toList();
    }

    static String print(ConfigurationSummary.Result r) {
        StringWriter text = new StringWriter();
        SummaryTable.print(r, "OUT/summary.parquet", new PrintWriter(text));
        return text.toString();
    }

    @Test
    void upToTheThresholdEveryConfigurationIsListedWithItsVaryingHyperparameters() {
        ConfigurationSummary.Result r = ConfigurationSummary.of(summary, DATASETS, METHODS, 4);
        assertEquals(List.of(), r.summarised(), "dfa has 4 configurations: at the threshold, still listed");
        assertEquals(List.of("lr", "sigma"), r.parameters(), "epochs is the same everywhere: no column");
        assertEquals(List.of("b2", "b1", "d1", "d2", "d3", "d4", "f1", "f2"), ids(r.listed()),
                "datasets, then methods as given, then by lr");
        ConfigurationSummary.Configuration b2 = r.listed().get(0);
        assertEquals(Arrays.asList(0.01, null), new ArrayList<>(b2.parameters().values()));
        assertEquals(List.of(3L, 2L, 1L, 0L, 0L), List.of(b2.trials(), b2.n(), b2.diverged(), b2.stopped(), b2.failed()));
        assertEquals(0.12, b2.mean(), TOL);
        assertEquals(0.02, b2.std(), TOL);
        assertEquals(0.119, b2.batchAveragedMean(), TOL);

        List<String> lines = print(r).lines().toList();
        assertEquals(9, lines.size());
        assertEquals(List.of("method", "dataset", "lr", "sigma", "seeds", "n", "test error % (mean ± std over seeds)",
                "[M]'s batch-averaged (mean)", "not ok"), List.of(lines.get(0).split("  +")));
        assertEquals(List.of("bp", "mnist", "0.01", "–", "3", "2", "12.00 ± 2.00", "11.90", "1 diverged"),
                List.of(lines.get(1).split("  +")));
        assertEquals(List.of("dfa", "mnist", "0.3", "0.2", "3", "0", "n/a", "n/a", "3 failed"),
                List.of(lines.get(5).split("  +")));
        assertEquals(List.of("bp", "fashion-mnist", "0.01", "–", "1", "1", "20.00 ± n/a", "20.00"),
                List.of(lines.get(7).split("  +")));
    }

    @Test
    void aboveTheThresholdAMethodIsSummarisedByItsBestConfigurationAndTheSpreadOverConfigurations() {
        ConfigurationSummary.Result r = ConfigurationSummary.of(summary, DATASETS, METHODS, 3);
        assertEquals(List.of("lr"), r.parameters(), "sigma varies only on the summarised dfa");
        assertEquals(List.of("b2", "b1", "f1", "f2"), ids(r.listed()));
        assertEquals(1, r.summarised().size());
        ConfigurationSummary.Group dfa = r.summarised().get(0);
        assertEquals(List.of("dfa", "mnist", List.of("lr", "sigma"), 4L, 3L),
                List.of(dfa.method(), dfa.dataset(), dfa.varying(), dfa.configurations(), dfa.withResult()));
        assertEquals("d1", dfa.best().configId(), "lowest mean validation error, not the lowest test error (d2)");
        assertEquals(List.of("lr", "sigma"), List.copyOf(dfa.best().parameters().keySet()));
        assertEquals(0.20, dfa.q1(), TOL);
        assertEquals(0.30, dfa.median(), TOL);
        assertEquals(0.35, dfa.q3(), TOL);
        assertEquals(List.of(12L, 0L, 0L, 3L), List.of(dfa.trials(), dfa.diverged(), dfa.stopped(), dfa.failed()));

        String text = print(r);
        List<String> lines = text.lines().toList();
        assertEquals(List.of(
                "",
                "dfa on mnist: 4 configurations, summarised (more than 3); every configuration: OUT/summary.parquet",
                "  best by mean validation error (20.00 %): lr=0.1 sigma=0.1 (config d1): test error 30.00 ± 5.00 % "
                        + "(mean ± std over 3 seeds), [M]'s batch-averaged 30.10 %",
                "  over configurations (the mean test errors of the 3 with an ok trial): median 30.00 %, "
                        + "interquartile range 20.00–35.00 %",
                "  not ok: 3 failed of 12 trials (left out of every mean); 1 configuration without an ok trial"),
                lines.subList(5, lines.size()), text);
        assertFalse(lines.get(8).contains("seed"), "a spread over configurations is never called one over seeds");
    }

    @Test
    void aSensitivityStudyIsSummarisedWhateverItsSize() {
        Dataset<Row> study = summary.withColumn(Aggregates.SENSITIVITY_DRAW,
                org.apache.spark.sql.functions.col("method").equalTo("dfa"));
        ConfigurationSummary.Result r = ConfigurationSummary.of(study, DATASETS, METHODS,
                ConfigurationSummary.MAX_LISTED);
        assertEquals(List.of("b2", "b1", "f1", "f2"), ids(r.listed()), "dfa's 4 draws are not listed");
        assertEquals(1, r.summarised().size());
        ConfigurationSummary.Group dfa = r.summarised().get(0);
        assertTrue(dfa.study());
        assertEquals("d1", dfa.best().configId());
        assertTrue(print(r).contains("dfa on mnist: 4 configurations, summarised (a sensitivity study); every "
                + "configuration: OUT/summary.parquet"), print(r));
    }

    @Test
    void noBestWithoutAValidationError() {
        ConfigurationSummary.Result r = ConfigurationSummary.of(summary, DATASETS, METHODS, 1);
        assertEquals(List.of(), r.listed());
        assertEquals(List.of("bp mnist", "dfa mnist", "bp fashion-mnist"),
                r.summarised().stream().map(g -> g.method() + " " + g.dataset()).toList());
        ConfigurationSummary.Group fashion = r.summarised().get(2);
        assertNull(fashion.best(), "no_val_set: NaN validation errors select nothing");
        assertEquals(0.15, fashion.median(), TOL);
        String text = print(r);
        assertTrue(text.startsWith("bp on mnist: 2 configurations, summarised (more than 1)"), text);
        assertTrue(text.contains("  best by mean validation error: none (no configuration has a validation error)"),
                text);
        assertFalse(text.contains("over seeds"), "no per-configuration table here: " + text);
    }

    @Test
    void hyperparameterColumnsAndValues() {
        assertEquals(List.of("lr", "sigma", "epochs"), ConfigurationSummary.parameterColumns(summary.schema()));
        StructType trials = DataTypes.createStructType(List.of(
                DataTypes.createStructField("method", DataTypes.StringType, false)));
        assertThrows(IllegalArgumentException.class, () -> ConfigurationSummary.parameterColumns(trials));
        List<Object> values = Arrays.asList(1e-4, 3.2e-5, 0.1, 0.001, 100.0, 1e6, 0.000123456, -2.5e-7, 0.0, 64,
                true, "float32", null);
        assertEquals(List.of("1e-4", "3.2e-5", "0.1", "0.001", "100", "1e6", "1.235e-4", "-2.5e-7", "0", "64", "true",
                "float32", "–"), values.stream().map(ConfigurationSummary::valueText).toList());
        assertThrows(IllegalArgumentException.class, () -> ConfigurationSummary.of(summary, DATASETS, METHODS, 0));
    }
}
