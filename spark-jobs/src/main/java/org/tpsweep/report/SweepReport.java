package org.tpsweep.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.tables.OutputTables;

/**
 * Writes the report of a sweep's output folder: {@code OUT/report/index.html} (self-contained: inline style, no
 * script, no network), {@code report.md} and the PNG charts beside them, built from the folder's Parquet tables with
 * Spark SQL. Sections without data are kept as one sentence saying why. The folder is written as
 * {@code OUT/.tmp-report} and then renamed over the previous report.
 */
public final class SweepReport {
    /** The HTML page's file name. */
    public static final String HTML = "index.html";
    /** The Markdown page's file name. */
    public static final String MARKDOWN = "report.md";

    /** The sections in page order. */
    private static final List<Function<ReportContext, Section>> SECTIONS = List.of(ResultSection::build,
            FailuresSection::build, NotesSection::build, PairedSection::build, CurvesSection::build,
            SensitivitySection::build,
            AlignmentSection::build, JacobianSection::build, IterativeSection::build, CostSection::build,
            ProvenanceSection::build);

    /** What was written: the report folder, its sections and how many charts. */
    public record Written(Path folder, List<Section> sections, int charts) {
        /** The HTML page. */
        public Path html() {
            return new Path(folder, HTML);
        }
    }

    private SweepReport() {
    }

    /**
     * Writes the report of the sweep output folder {@code dir} (checked with {@link SweepTables#check}).
     *
     * @throws UncheckedIOException when the folder cannot be written
     */
    public static Written write(SparkSession spark, Path dir, Configuration conf, ReportOptions options) {
        try {
            SweepTables tables = SweepTables.open(spark, dir, conf);
            ReportContext ctx = new ReportContext(tables, ResultRows.pick(tables), options);
            List<Section> sections = new ArrayList<>();
            for (Function<ReportContext, Section> s : SECTIONS) {
                sections.add(s.apply(ctx));
            }
            String title = "Sweep " + tables.metadata().name();
            String intro = intro(tables);
            // The raw local file system writes no .crc files beside the pages (Hadoop's checksums are of no use here).
            FileSystem fs = tables.fs() instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem()
                    : tables.fs();
            Path tmp = new Path(dir, ".tmp-" + OutputTables.REPORT);
            Path folder = new Path(dir, OutputTables.REPORT);
            fs.delete(tmp, true);
            fs.mkdirs(tmp);
            put(fs, new Path(tmp, HTML), HtmlPage.render(title, intro, sections).getBytes(StandardCharsets.UTF_8));
            put(fs, new Path(tmp, MARKDOWN), MarkdownPage.render(title, intro, sections).getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> e : ctx.images().entrySet()) {
                put(fs, new Path(tmp, e.getKey()), e.getValue());
            }
            fs.delete(folder, true);
            if (!fs.rename(tmp, folder)) {
                throw new IOException("could not rename " + tmp + " to " + folder);
            }
            return new Written(folder, sections, ctx.images().size());
        } catch (IOException e) {
            throw new UncheckedIOException("writing the report into " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** "12 trials: 10 ok, 2 diverged. Every number below comes from the Parquet tables of OUT …". */
    private static String intro(SweepTables tables) {
        Map<String, Long> statuses = new TreeMap<>();
        long total = 0;
        for (Row r : tables.table(OutputTables.TRIALS).groupBy("status").count().collectAsList()) {
            statuses.put(r.getString(0), r.getLong(1));
            total += r.getLong(1);
        }
        List<String> parts = new ArrayList<>();
        statuses.forEach((s, n) -> parts.add(n + " " + s));
        String none = statuses.getOrDefault("ok", 0L) == 0
                ? " No trial ended ok, so there are no results to average: the section 'Trials that did not end ok' "
                + "says what failed and why." : "";
        return total + " trials in trials.parquet: " + String.join(", ", parts) + "." + none + " Every number below "
                + "is read from the Parquet tables of " + OutputTables.display(tables.dir()) + " or aggregated from "
                + "them with Spark SQL; errors are in percent.";
    }

    private static void put(FileSystem fs, Path p, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fs.create(p, true)) {
            out.write(bytes);
        }
    }
}
