package org.tpsweep.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.spark.SweepJobTest;

/**
 * The table {@code tp-sweep run} prints, on real sweeps (MNIST, 300 training samples, one epoch), against the
 * {@code summary.parquet} they wrote.
 */
@Tag("spark")
class PrintedSummaryTest {
    static final String NET = "epochs: 1, train_subset: 300, num_hidden: 1, size_hidden: 16";

    @TempDir
    Path tmp;

    static List<Row> summary(Path out) {
        return SweepJobTest.reader().read().parquet(out.resolve("summary.parquet").toString()).collectAsList();
    }

    static String percent(Double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    @Test
    void aGridOfTwoConfigurationsPrintsOneLineEachWithTheMeansOfSummaryParquet() throws Exception {
        Path spec = Files.writeString(tmp.resolve("grid.yaml"), """
                name: grid
                dataset: mnist
                seeds: [1, 2, 3]
                methods:
                  bp: {lr: [0.01, 0.02], %s}
                """.formatted(NET));
        Path out = tmp.resolve("out");
        List<String> printed = SweepJobTest.runCli(spec, out, "--quiet").lines().toList();
        int header = printed.indexOf(printed.stream().filter(l -> l.startsWith("method ")).findFirst().orElseThrow());
        assertEquals(List.of("method", "dataset", "lr", "seeds", "n", "test error % (mean ± std over seeds)",
                "[M]'s batch-averaged (mean)", "not ok"), List.of(printed.get(header).split("  +")));
        List<String> lines = printed.stream().filter(l -> l.startsWith("bp ")).toList();
        assertEquals(2, lines.size(), String.join("\n", printed));
        assertEquals(List.of(header + 1, header + 2), List.of(printed.indexOf(lines.get(0)), printed.indexOf(lines.get(1))));

        List<Row> rows = new ArrayList<>(summary(out));
        rows.sort(Comparator.comparingDouble(r -> r.<Double>getAs("lr")));
        assertEquals(2, rows.size());
        for (int i = 0; i < 2; i++) {
            Row r = rows.get(i);
            assertEquals(3L, (long) r.<Long>getAs("n_ok"), "every trial ok: " + r);
            assertEquals(List.of("bp", "mnist", i == 0 ? "0.01" : "0.02", "3", "3",
                            percent(r.getAs("test_error_mean")) + " ± " + percent(r.getAs("test_error_std")),
                            percent(r.getAs("test_error_batchavg_mean"))),
                    List.of(lines.get(i).split("  +")), "line " + i + " against " + r);
        }
    }

    @Test
    void aSensitivityStudyPrintsItsBestConfigurationAndHowManyItSummarises() throws Exception {
        int draws = ConfigurationSummary.MAX_LISTED + 1;
        Path spec = Files.writeString(tmp.resolve("study.yaml"), """
                name: study
                dataset: mnist
                seeds: [1]
                methods:
                  bp: {%s, sensitivity: {params: [lr], samples: %d}}
                """.formatted(NET, draws));
        Path out = tmp.resolve("out");
        String text = SweepJobTest.runCli(spec, out, "--quiet");
        List<String> printed = text.lines().toList();
        assertFalse(printed.stream().anyMatch(l -> l.startsWith("method ")), "no per-configuration table: " + text);

        List<Row> rows = summary(out);
        assertEquals(draws, rows.size());
        Row best = rows.stream().min(Comparator.comparingDouble(r -> r.<Double>getAs("best_val_error_mean")))
                .orElseThrow();
        List<Double> means = rows.stream().map(r -> r.<Double>getAs("test_error_mean")).sorted().toList();
        int first = printed.indexOf("bp on mnist: " + draws + " configurations, summarised (a sensitivity study); "
                + "every configuration: " + out.resolve("summary.parquet"));
        assertTrue(first >= 0, text);
        assertEquals("", printed.get(first - 1), text);
        assertFalse(printed.get(first + 3).startsWith("  "), "three lines: no trial failed\n" + text);
        assertEquals("  best by mean validation error (" + percent(best.getAs("best_val_error_mean")) + " %): lr="
                        + ConfigurationSummary.valueText(best.getAs("lr")) + " (config " + best.getAs("config_id")
                        + "): test error " + percent(best.getAs("test_error_mean")) + " % (1 seed), "
                        + "[M]'s batch-averaged " + percent(best.getAs("test_error_batchavg_mean")) + " %",
                printed.get(first + 1));
        // 11 means, linear interpolation between order statistics: the quartiles are at positions 2.5, 5 and 7.5.
        assertEquals("  over configurations (the mean test errors of the " + draws + " with an ok trial): median "
                        + percent(means.get(5)) + " %, interquartile range "
                        + percent((means.get(2) + means.get(3)) / 2) + "–" + percent((means.get(7) + means.get(8)) / 2)
                        + " %",
                printed.get(first + 2));
        assertFalse(printed.get(first + 2).contains("seed"), "a spread over configurations is never one over seeds");
    }
}
