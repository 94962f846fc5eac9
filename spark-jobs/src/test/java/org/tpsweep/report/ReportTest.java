package org.tpsweep.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.cli.TpSweep;
import org.tpsweep.spark.SweepJobTest;

/**
 * The report of one small real sweep on MNIST (run writes it at its end): bp and fw-dtp on two seeds with alignment
 * angles and fw-dtp's Jacobian conditions, and a three-draw sensitivity study of dfa; every section with data is
 * there and the others say why, the PNGs decode at the configured size, the Markdown numbers are summary.parquet's,
 * a headless Chromium shows every image; bad input and a sweep without an ok trial.
 */
@Tag("spark")
public class ReportTest {
    static final String SPEC = """
            name: rep
            dataset: mnist
            seeds: [1, 2]
            defaults: {epochs: 2, train_subset: 300, num_hidden: 2, size_hidden: 16, batch_size: 64, angle_interval: 2}
            methods:
              bp: {}
              fw-dtp: {jacobians: true, eval_batch_size: 1000}
              dfa: {sensitivity: {params: [lr], samples: 3}}
            """;

    @TempDir
    static Path tmp;
    static Path out;
    static String printed;

    @BeforeAll
    static void sweep() throws Exception {
        Path spec = Files.writeString(tmp.resolve("rep.yaml"), SPEC);
        out = tmp.resolve("out");
        printed = SweepJobTest.runCli(spec, out, "--quiet", "--epochs", "2");
    }

    @AfterAll
    static void stop() {
        SweepJobTest.stop();
    }

    static Path report() {
        return out.resolve("report");
    }

    static String markdown() throws Exception {
        return Files.readString(report().resolve(SweepReport.MARKDOWN));
    }

    /** The text of section {@code title} of the Markdown page, up to the next section. */
    public static String section(String md, String title) {
        int at = md.indexOf("\n## " + title + "\n");
        assertTrue(at >= 0, "section " + title + " in\n" + md);
        int end = md.indexOf("\n## ", at + 4);
        return md.substring(at, end < 0 ? md.length() : end);
    }

    static List<Path> pngs(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }

    static int[] execute(List<String> args, StringWriter so, StringWriter se) {
        return new int[] {TpSweep.execute(args.toArray(String[]::new), new PrintWriter(so, true),
                new PrintWriter(se, true))};
    }

    @Test
    void everySectionWithDataIsThereAndTheOthersSayWhy() throws Exception {
        assertTrue(printed.contains("report: " + report().resolve("index.html")), printed);
        String md = markdown();
        for (String title : List.of("Results", "Paired comparisons", "Learning curves", "Sensitivity", "Alignment",
                "Jacobian conditions", "Cost", "Provenance")) {
            assertFalse(section(md, title).contains("\n_"), title + " has data:\n" + section(md, title));
        }
        assertTrue(section(md, "Trials that did not end ok").contains("_Every trial ended ok, so there is nothing"),
                md);
        assertTrue(section(md, "Notes of trials that ended ok").contains("_No trial that ended ok left a message"),
                md);
        assertTrue(section(md, "Alignment").contains("No trial shown logged angles to GNT"), md);
        assertTrue(section(md, "Iterative DTP diagnostics").contains("No configuration shown is a dtp-iterative run"),
                md);
        assertTrue(section(md, "Results").contains("dfa: best configuration by mean validation error"), md);
        assertTrue(section(md, "Results").contains("dfa: spread over configurations"), md);
        assertTrue(section(md, "Cost").contains("| dfa | mnist |"), md);
        assertTrue(section(md, "Provenance").contains("bin/tp-sweep run " + out + "/spec.yaml --epochs 2"), md);
        assertTrue(section(md, "Provenance").contains("dataset: mnist"), "the spec: " + md);
        Map<String, Integer> charts = new HashMap<>();
        for (Path p : pngs(report())) {
            String kind = p.getFileName().toString().replaceAll("-.*", "");
            charts.merge(kind, 1, Integer::sum);
            assertTrue(md.contains("](" + p.getFileName() + ")"), p + " is shown");
        }
        // 2 curves; sensitivity: 1 histogram + 1 scatter (lr); angles: 3 layers (2 hidden + output) × bp;
        // Jacobians: 2 quantities × 2 layers (2..3 of fw-dtp's).
        assertEquals(Map.of("curve", 2, "sensitivity", 2, "angle", 3, "jacobian", 4), charts);
        String html = Files.readString(report().resolve("index.html"));
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("<script"), "self-contained");
    }

    @Test
    void theReportIsDeterministicAndItsChartsHaveTheConfiguredSize() throws Exception {
        Map<String, byte[]> first = new HashMap<>();
        for (Path p : pngs(report())) {
            BufferedImage image = ImageIO.read(p.toFile());
            assertNotNull(image, p + " decodes");
            assertEquals(ReportOptions.WIDTH, image.getWidth(), p.toString());
            assertEquals(ReportOptions.HEIGHT, image.getHeight(), p.toString());
            first.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        String md = markdown();
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        assertEquals(0, execute(List.of("report", out.toString()), so, se)[0], so + "\n" + se);
        assertEquals(md, markdown(), "report rebuilt from the same tables");
        for (Path p : pngs(report())) {
            assertArrayEquals(first.get(p.getFileName().toString()), Files.readAllBytes(p), p + ": same pixels");
        }
        assertEquals(first.keySet().size(), pngs(report()).size());

        assertEquals(0, execute(List.of("report", out.toString(), "--width", "640", "--height", "400"), so, se)[0],
                so + "\n" + se);
        for (Path p : pngs(report())) {
            BufferedImage image = ImageIO.read(p.toFile());
            assertEquals(640, image.getWidth(), p.toString());
            assertEquals(400, image.getHeight(), p.toString());
        }
        assertEquals(0, execute(List.of("report", out.toString()), so, se)[0], so + "\n" + se);   // back to the default
    }

    @Test
    void theMarkdownNumbersAreSummaryParquets() throws Exception {
        String results = section(markdown(), "Results");
        List<Row> summary = SweepJobTest.reader().read().parquet(out.resolve("summary.parquet").toString())
                .collectAsList();
        int checked = 0;
        for (Row r : summary) {
            String name = r.getAs("method");
            String method = name;
            boolean draw = r.getAs("sensitivity_draw");
            if (draw) {
                double bestVal = summary.stream().filter(x -> x.getAs("method").equals(name))
                        .mapToDouble(x -> x.getAs("best_val_error_mean")).min().orElseThrow();
                if ((double) r.getAs("best_val_error_mean") != bestVal) {
                    continue;
                }
                method = method + ": best configuration by mean validation error";
            }
            List<String> cells = rows(results, method);
            assertEquals(2, cells.size(), "the test-error and training-loss rows of " + method + " in\n" + results);
            String error = String.format(Locale.ROOT, "%.2f ± %.2f (n = %d)", 100 * r.<Double>getAs("test_error_mean"),
                    100 * r.<Double>getAs("test_error_std"), r.<Long>getAs("n_test_error"));
            String loss = String.format(Locale.ROOT, "%.4f ± %.4f (n = %d)", r.<Double>getAs("final_train_loss_mean"),
                    r.<Double>getAs("final_train_loss_std"), r.<Long>getAs("n_ok"));
            assertEquals(error, cells.get(0).replace("**", ""), method);
            assertEquals(loss, cells.get(1).replace("**", ""), method);
            checked++;
        }
        assertEquals(3, checked, "bp, fw-dtp and dfa's best");
        // The spread of dfa's three draws: the exact quartiles of their means.
        double[] means = summary.stream().filter(x -> x.getAs("method").equals("dfa"))
                .mapToDouble(x -> x.getAs("test_error_mean")).sorted().toArray();
        String spread = String.format(Locale.ROOT, "median %.2f [IQR %.2f–%.2f] of 3 configurations' means",
                100 * means[1], 100 * (means[0] + means[1]) / 2, 100 * (means[1] + means[2]) / 2);
        assertEquals(spread, rows(results, "dfa: spread over configurations").get(0));
        // Best of the column: the lowest mean test error of the listed rows, in bold.
        Row best = summary.stream().filter(x -> !x.<Boolean>getAs("sensitivity_draw")
                        || x.getAs("best_val_error_mean").equals(summary.stream().filter(y -> y.getAs("method").equals("dfa"))
                        .map(y -> y.<Double>getAs("best_val_error_mean")).min(Comparator.naturalOrder()).orElseThrow()))
                .min(Comparator.comparingDouble(x -> x.<Double>getAs("test_error_mean"))).orElseThrow();
        String bestMethod = best.getAs("method");
        String label = bestMethod.equals("dfa") ? "dfa: best configuration by mean validation error" : bestMethod;
        assertTrue(rows(results, label).get(0).startsWith("**"), label + " is the best of\n" + results);
    }

    /** The cells after the label of the rows labelled {@code label} (one per table). */
    static List<String> rows(String md, String label) {
        List<String> cells = new ArrayList<>();
        for (String line : md.split("\n")) {
            if (line.startsWith("| " + label + " |")) {
                cells.add(line.substring(label.length() + 5, line.length() - 2));
            }
        }
        return cells;
    }

    @Test
    void aHeadlessBrowserShowsEveryImageAndLogsNoError() throws Exception {
        String chromium = chromium();
        String html = Files.readString(report().resolve("index.html"));
        // A copy of the page with a script that writes, after load, each image's natural width and any error event.
        String probe = "<script>const errors=[];window.addEventListener('error',e=>errors.push(String(e.message"
                + "||(e.target&&e.target.src))),true);window.addEventListener('load',()=>{const p=document"
                + ".createElement('pre');p.id='probe';p.textContent='widths='+[...document.images].map(i=>i"
                + ".naturalWidth).join(',')+';errors='+errors.join(',');document.body.appendChild(p);});</script>";
        Path page = report().resolve("probe.html");
        Files.writeString(page, html.replace("<head>", "<head>" + probe));
        try {
            Path log = tmp.resolve("chromium.log");
            Process p = new ProcessBuilder(chromium, "--headless", "--disable-gpu", "--no-sandbox",
                    "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--user-data-dir="
                    + tmp.resolve("chromium-profile"), "--dump-dom", page.toUri().toString())
                    .redirectError(log.toFile()).start();
            String dom = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium ended");
            Matcher m = Pattern.compile("widths=([0-9,]*);errors=([^<]*)").matcher(dom);
            assertTrue(m.find(), "the probe ran in chromium:\n" + dom + "\n" + Files.readString(log));
            String[] widths = m.group(1).split(",");
            assertEquals(pngs(report()).size(), widths.length, "every image: " + m.group(1));
            for (String w : widths) {
                assertEquals(String.valueOf(ReportOptions.WIDTH), w, "decoded: " + m.group(1));
            }
            assertEquals("", m.group(2), "no error event");
            List<String> console = Files.readAllLines(log).stream().filter(l -> l.contains(":CONSOLE")).toList();
            assertEquals(List.of(), console, "nothing logged to the console");
        } finally {
            Files.deleteIfExists(page);
        }
    }

    /** Debian's chromium; on CI its absence fails the test (.ci/run installs it), elsewhere it skips the test. */
    static String chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        if (System.getenv("CI") != null) {
            fail("chromium is not installed, but CI must check the report in a real browser: .ci/run installs Debian's "
                    + "chromium (apt-get install chromium)");
        }
        Assumptions.abort("chromium is not installed (apt-get install chromium): the browser check is skipped outside "
                + "CI");
        return null;
    }

    @Test
    void aFolderThatIsNotASweepOutputIsOneErrorLine() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("not-a-sweep"));
        for (Path p : List.of(empty, tmp.resolve("absent"))) {
            StringWriter so = new StringWriter();
            StringWriter se = new StringWriter();
            assertEquals(TpSweep.BAD_INPUT, execute(List.of("report", p.toString()), so, se)[0]);
            String err = se.toString();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("error: report " + p + ": "), err);
            assertTrue(err.contains(p.equals(empty) ? "not a tp-sweep output folder (it has no sweep.json)"
                    : "no such folder"), err);
        }
        assertEquals(List.of(), Files.list(empty).toList(), "nothing written");
    }

    @Test
    void aSweepWithoutAnOkTrialGetsAReportThatSaysWhatFailed() throws Exception {
        Path spec = Files.writeString(tmp.resolve("nan.yaml"), """
                name: nan
                dataset: mnist
                seeds: [1]
                methods:
                  bp: {epochs: 1, train_subset: 300, num_hidden: 1, size_hidden: 16, lr: 1e37, precision: float32}
                """);
        Path nan = tmp.resolve("nan");
        SweepJobTest.runCli(spec, nan, "--quiet", "--no-report");
        assertFalse(Files.exists(nan.resolve("report")), "--no-report");
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        assertEquals(0, execute(List.of("report", nan.toString()), so, se)[0], so + "\n" + se);
        String md = Files.readString(nan.resolve("report").resolve(SweepReport.MARKDOWN));
        assertTrue(md.contains("1 trials in trials.parquet: 1 diverged. No trial ended ok"), md);
        assertTrue(section(md, "Results").contains("n/a (no trial ended ok: 1 diverged)"), md);
        assertTrue(section(md, "Trials that did not end ok").contains(
                "| diverged | bp | mnist | 1 | non-finite training loss in epoch 1"), md);
        for (String title : List.of("Paired comparisons", "Learning curves", "Sensitivity", "Alignment",
                "Jacobian conditions", "Iterative DTP diagnostics")) {
            assertTrue(section(md, title).contains("\n_"), title + " is left out with its sentence:\n" + md);
        }
        assertEquals(List.of(), pngs(nan.resolve("report")));
    }

    @Test
    void theWarningsOfTrialsThatEndedOkAreListedAsNotes() throws Exception {
        Path spec = Files.writeString(tmp.resolve("notes.yaml"), """
                name: notes
                dataset: mnist
                seeds: [1, 2]
                methods:
                  dtp-iterative-literal: {epochs: 1, train_subset: 300, num_hidden: 1, size_hidden: 16, t_max: 5}
                """);
        Path notes = tmp.resolve("notes");
        SweepJobTest.runCli(spec, notes, "--quiet");
        String section = section(Files.readString(notes.resolve("report").resolve(SweepReport.MARKDOWN)),
                "Notes of trials that ended ok");
        // 784-16-10: layer 1 (16 units) is wider than layer 2 (10), so both seeds' literal start warns.
        assertTrue(section.contains("| ok | dtp-iterative-literal | mnist | 2 | warning: dtp-iterative target_init = "
                + "decoder on a network whose layer 1 (16 units) is wider than layer 2 (10)"), section);
    }
}
