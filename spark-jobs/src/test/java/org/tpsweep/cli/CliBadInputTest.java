package org.tpsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tpsweep.config.Methods;

/** Bad input ends with exit status 2, one {@code error: …} message and no output folder; Spark never starts. */
class CliBadInputTest {

    @TempDir
    Path tmp;

    record Outcome(int code, String out, String err) {
    }

    static Outcome tpSweep(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TpSweep.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    Path spec(String body) throws Exception {
        Path f = tmp.resolve("spec.yaml");
        Files.writeString(f, body);
        return f;
    }

    static void assertOneError(Outcome o, String needle) {
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().startsWith("error: "), o.err());
        assertTrue(o.err().contains(needle), o.err());
        assertEquals(1, o.err().lines().filter(l -> l.startsWith("error:")).count(), o.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            unknown method    | methods: {nope: {}}               | 'nope'
            unknown key       | methods: {bp: {sigma: 0.1}}       | 'sigma'
            negative lr       | methods: {bp: {lr: -1}}           | lr = -1
            epochs zero       | methods: {bp: {epochs: 0}}        | epochs = 0
            jacobians on bp   | methods: {bp: {jacobians: true}}  | jacobians on the methods with them, [dtp, fw-dtp
            malformed         | methods: {bp: {lr: 0.1}           | not valid YAML
            """)
    void badSpecExitsWithTwoAndCreatesNoOutputFolder(String label, String methods, String needle) throws Exception {
        Path out = tmp.resolve("out");
        Outcome o = tpSweep("run", spec("dataset: mnist\nseeds: [1]\n" + methods + "\n").toString(),
                "--out", out.toString());
        assertOneError(o, needle);
        assertFalse(Files.exists(out), label + ": output folder was created");
    }

    /** Issue 12 item 5: YAML 1.1 forms, alias bombs, deep nesting and a network too big, each refused with one line. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            octal-looking seed | seeds: [010]\\nmethods: {bp: {}}                            | seeds[0] = 010 is ambiguous: YAML 1.1 reads it as octal 8, YAML 1.2 as decimal 10; write 10 or 8
            base-60 seed       | seeds: [1:30]\\nmethods: {bp: {}}                           | seeds[0] = 1:30 is ambiguous
            hexadecimal seed   | seeds: [0x1F]\\nmethods: {bp: {}}                           | seeds[0] = 0x1F is a hexadecimal number
            yes as a boolean   | seeds: [1]\\nmethods: {dtp: {jacobians: yes}}               | methods.dtp.jacobians = yes is ambiguous
            recursive alias    | seeds: [1]\\nmethods: &m {bp: *m}                           | methods.bp refers to itself through an alias (*m)
            network too big    | seeds: [1]\\nmethods: {bp: {num_hidden: 3, size_hidden: 20000}} | for its network, 1 at once about
            """)
    void inputsRefusedBeforeSparkStarts(String label, String body, String needle) throws Exception {
        Path out = tmp.resolve("out");
        Outcome o = tpSweep("run", spec("dataset: mnist\n" + body.replace("\\n", "\n") + "\n").toString(),
                "--out", out.toString());
        assertOneError(o, needle);
        assertFalse(o.err().contains("\tat "), label + ": " + o.err());
        assertFalse(Files.exists(out), label + ": output folder was created");
    }

    @Test
    void aBillionLaughsSpecAndDeepNestingAreRefusedWithOneLine() throws Exception {
        StringBuilder y = new StringBuilder("dataset: mnist\nmethods: {bp: {}}\nl0: &l0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n");
        for (int i = 1; i <= 9; i++) {
            y.append("l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, "*l" + (i - 1)))).append("]\n");
        }
        Path out = tmp.resolve("out");
        assertOneError(tpSweep("run", spec(y + "seeds: *l9\n").toString(), "--out", out.toString()),
                "its aliases repeat more than 100000 values");
        Outcome deep = tpSweep("run", spec("dataset: mnist\nmethods: {bp: {}}\nseeds: " + "[".repeat(100_000)
                + "]".repeat(100_000) + "\n").toString(), "--out", out.toString());
        assertOneError(deep, "allowed: at most 32 levels");
        assertFalse(deep.err().contains("StackOverflowError"), deep.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void missingSpecFile() {
        Path out = tmp.resolve("out");
        assertOneError(tpSweep("run", tmp.resolve("absent.yaml").toString(), "--out", out.toString()), "absent.yaml");
        assertFalse(Files.exists(out));
    }

    @Test
    void unknownTopLevelKey() throws Exception {
        Path out = tmp.resolve("out");
        assertOneError(tpSweep("run", spec("dataset: mnist\nseeds: [1]\nepochs: 3\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString()), "'epochs'");
        assertFalse(Files.exists(out));
    }

    @Test
    void badCommandLineOverride() throws Exception {
        Path out = tmp.resolve("out");
        assertOneError(tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString(), "--epochs", "0"), "epochs = 0");
        assertFalse(Files.exists(out));
    }

    /** A train_subset larger than the training split: exit 2 before Spark starts, naming the split's size. */
    @Test
    void trainSubsetLargerThanTheTrainingSplit() throws Exception {
        Path out = tmp.resolve("out");
        assertOneError(tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString(), "--train-subset", "70000"), "training split has 55000 samples");
        assertFalse(Files.exists(out));
    }

    @Test
    void badMasterUrl() throws Exception {
        Path out = tmp.resolve("out");
        assertOneError(tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString(), "--master", "localhost"), "--master localhost");
        assertFalse(Files.exists(out));
    }

    @Test
    void missingDatasetFilesAreNamed() throws Exception {
        Path out = tmp.resolve("out");
        Path emptyData = Files.createDirectories(tmp.resolve("no-data"));
        String before = System.getProperty("tp.data.dir");
        System.setProperty("tp.data.dir", emptyData.toString());
        try {
            Outcome o = tpSweep("run", spec("dataset: fashion-mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                    "--out", out.toString());
            assertOneError(o, "fashion-mnist");
            assertFalse(Files.exists(out));
            assertOneError(tpSweep("train", "--method", "bp", "--dataset", "mnist"), "mnist");
        } finally {
            if (before == null) {
                System.clearProperty("tp.data.dir");
            } else {
                System.setProperty("tp.data.dir", before);
            }
        }
    }

    @Test
    void badDataLocationsAreRefusedBeforeSparkStarts() throws Exception {
        Path out = tmp.resolve("out");
        String spec = spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString();
        Path absent = tmp.resolve("absent-data");
        // --data wins over tp.data.dir (which names the real data in the tests); local mode and a cluster master,
        // where the folder would be shipped, both name the missing files.
        for (String[] args : List.of(new String[] {"--data", absent.toString()},
                new String[] {"--data", "file://" + absent, "--master", "spark://127.0.0.1:7"})) {
            List<String> all = new ArrayList<>(List.of("run", spec, "--out", out.toString()));
            all.addAll(List.of(args));
            Outcome o = tpSweep(all.toArray(String[]::new));
            assertOneError(o, "dataset 'mnist': missing 4 data file(s) in " + absent.resolve("mnist"));
            assertTrue(o.err().contains("run bin/fetch-data mnist"), o.err());
            assertFalse(o.out().contains("sweep "), "nothing may start: " + o.out());
        }
        Outcome uri = tpSweep("run", spec, "--out", out.toString(), "--data", "nosuchfs://host/data");
        assertOneError(uri, "the data location nosuchfs://host/data cannot be read");
        assertTrue(uri.err().contains("\"nosuchfs\""), uri.err());
        assertOneError(tpSweep("run", spec, "--out", out.toString(), "--data", " "), "the data location is empty");
        assertFalse(Files.exists(out));
    }

    @Test
    void aDamagedDataFileIsRefusedBeforeSparkStarts() throws Exception {
        Path out = tmp.resolve("out");
        Path data = tmp.resolve("data");
        Path mnist = Files.createDirectories(data.resolve("mnist"));
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            Files.writeString(mnist.resolve(f), "damaged " + f);
        }
        Outcome o = tpSweep("run", spec("dataset: frozen-mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString(), "--data", data.toString());
        assertOneError(o, "data file " + mnist.resolve("t10k-images-idx3-ubyte") + " has SHA-256 "
                + "6026b0095340bc1a45fc30cbbd3b624b453df9990b685581d0ba757c303aaa38"); // the SHA-256 of its text
        assertTrue(o.err().contains(", but conf/data-checksums.sha256 records "
                + "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7 for mnist/t10k-images-idx3-ubyte"
                + ": the file is damaged or not the official one; run bin/fetch-data mnist to replace it"), o.err());
        assertFalse(o.out().contains("sweep "), "nothing may start: " + o.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void aCifarRunWithoutItsFilesNamesThemAndWhereToPutThem() throws Exception {
        Path out = tmp.resolve("out");
        Path absent = tmp.resolve("absent-data");
        String spec = spec("dataset: cifar10\nseeds: [1]\nmethods: {bp: {}}\n").toString();
        Outcome o = tpSweep("run", spec, "--out", out.toString(), "--data", absent.toString());
        assertOneError(o, "dataset 'cifar10': missing 6 data file(s) in " + absent.resolve("cifar10")
                + ": data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, "
                + "test_batch.bin;");
        assertTrue(o.err().contains("cifar-10-binary.tar.gz") && o.err().contains("cifar-10-batches-bin/")
                && o.err().contains("bin/fetch-data cifar10 explains"), o.err());
        assertFalse(o.out().contains("sweep "), "nothing may start: " + o.out());
        assertFalse(Files.exists(out));

        // Files too small for the 5000 validation samples: refused before Spark starts; with no_val_set they would do.
        Path data = tmp.resolve("data");
        Path c10 = Files.createDirectories(data.resolve("cifar10"));
        for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin")) {
            Files.write(c10.resolve(f), new byte[3073]);
        }
        assertOneError(tpSweep("run", spec, "--out", out.toString(), "--data", data.toString()),
                c10.resolve("data_batch_1.bin") + " … data_batch_5.bin: 5 training records");
        assertFalse(Files.exists(out));
        String before = System.getProperty("tp.data.dir");
        System.setProperty("tp.data.dir", absent.toString());
        try {
            assertOneError(tpSweep("train", "--method", "bp", "--dataset", "cifar100"),
                    "dataset 'cifar100': missing 2 data file(s) in " + absent.resolve("cifar100") + ": train.bin, "
                            + "test.bin;");
            System.setProperty("tp.data.dir", data.toString());
            assertOneError(tpSweep("train", "--method", "bp", "--dataset", "cifar10"),
                    "not more than the 5000 held out");
        } finally {
            if (before == null) {
                System.clearProperty("tp.data.dir");
            } else {
                System.setProperty("tp.data.dir", before);
            }
        }
    }

    @Test
    void existingResultsAreNotOverwritten() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path marker = Files.createDirectories(out.resolve("trials.parquet")).resolve("part-0.parquet");
        Files.writeString(marker, "earlier sweep");
        Outcome o = tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString());
        assertOneError(o, "already holds trials.parquet but no sweep.json");
        assertTrue(o.err().contains("--fresh") && o.err().contains("--force"), o.err());
        assertEquals("earlier sweep", Files.readString(marker));
    }

    @Test
    void anOutputFolderOfAnotherSweepIsRefusedBeforeSparkStarts() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        String sweepJson = "{\"name\": \"older\", \"trial_set_hash\": \"abc\", \"trials\": 7, "
                + "\"created_at\": \"2024-01-01T00:00:00Z\"}";
        Files.writeString(out.resolve("sweep.json"), sweepJson);
        Outcome o = tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString());
        assertOneError(o, "holds sweep 'older' (7 trials, created 2024-01-01T00:00:00Z) whose trials differ");
        assertTrue(o.err().contains("--force") && o.err().contains("--fresh"), o.err());
        assertEquals(sweepJson, Files.readString(out.resolve("sweep.json")));
        assertFalse(o.out().contains("output:"), "refused before anything started: " + o.out());

        Files.writeString(out.resolve("sweep.json"), "not json");
        assertOneError(tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString()), "sweep.json cannot be read");
    }

    @Test
    void freshAndRetryFailedExcludeEachOther() throws Exception {
        Path out = tmp.resolve("out");
        assertOneError(tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", out.toString(), "--fresh", "--retry-failed"), "--fresh and --retry-failed exclude each other");
        assertFalse(Files.exists(out));
    }

    @Test
    void badCheckpointOptionsAreRefusedBeforeAnyWork() throws Exception {
        Path out = tmp.resolve("out");
        String spec = spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString();
        assertOneError(tpSweep("run", spec, "--out", out.toString(), "--checkpoint-minutes", "-1"),
                "--checkpoint-minutes -1.0: allowed: a finite number of minutes >= 0");
        assertOneError(tpSweep("run", spec, "--out", out.toString(), "--checkpoint-minutes", "NaN"),
                "--checkpoint-minutes NaN: allowed");
        assertOneError(tpSweep("run", spec, "--out", out.toString(), "--checkpoint-minutes", "5",
                "--no-checkpoints"), "--checkpoint-minutes and --no-checkpoints exclude each other");
        assertFalse(Files.exists(out));
    }

    @Test
    void anOutputPathThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("out.txt"), "x");
        assertOneError(tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", file.toString()), "is a file");
    }

    @Test
    void anUnwritableOutputFolderIsRefusedBeforeSparkStarts() throws Exception {
        // /proc refuses new entries even for root (file permissions would not stop root).
        Outcome o = tpSweep("run", spec("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").toString(),
                "--out", "/proc/tp-sweep-unwritable");
        assertOneError(o, "is not writable");
        assertFalse(o.out().contains("sweep "), "nothing may start: " + o.out());
    }

    @Test
    void trainRejectsBadValues() {
        assertOneError(tpSweep("train", "--method", "bpp", "--dataset", "mnist"), "'bpp'");
        assertOneError(tpSweep("train", "--method", "bp", "--dataset", "mnist", "--set", "lr=-0.5"), "lr = -0.5");
        assertOneError(tpSweep("train", "--method", "bp", "--dataset", "mnist", "--set", "sigma=0.1"), "'sigma'");
        assertOneError(tpSweep("train", "--method", "ddtp-linear", "--dataset", "mnist", "--set", "sigma=-0.1"),
                "sigma = -0.1");
        assertOneError(tpSweep("train", "--method", "bp", "--dataset", "mnist", "--epochs", "0"), "epochs = 0");
        assertOneError(tpSweep("train", "--method", "bp", "--dataset", "cifar"), "'cifar'");
        assertOneError(tpSweep("train", "--method", "ddtp-linear", "--dataset", "mnist", "--set", "jacobians=true"),
                "jacobians needs layer-wise feedback maps");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertOneError(tpSweep("run"), "SPEC.yaml");
        assertOneError(tpSweep("train", "--dataset", "mnist"), "--method");
        assertOneError(tpSweep("run", "x.yaml", "--bogus"), "--bogus");
        assertOneError(tpSweep("train", "--method", "bp", "--dataset", "mnist", "--set", "lr"), "KEY=VALUE");
        assertEquals(2, tpSweep().code());
    }

    @Test
    void methodsListsEveryMethodAndHyperparameter() {
        Outcome o = tpSweep("methods");
        assertEquals(0, o.code(), o.err());
        Methods.all().forEach(m -> {
            assertTrue(o.out().contains(m.name() + " — "), m.name());
            m.params().forEach(p -> assertTrue(o.out().contains(p.allowed()) && o.out().contains(p.description()),
                    p.key()));
        });
        assertTrue(o.out().contains("target_stepsize"));
        String fwDtpBn = o.out().substring(o.out().indexOf("fw-dtp-bn — "));
        fwDtpBn = fwDtpBn.substring(0, fwDtpBn.indexOf("\n\n"));
        assertTrue(fwDtpBn.matches("(?s).*\n  optimizer +sgd .*"), "[F]-default method shows [F]'s optimizer");
        assertTrue(fwDtpBn.matches("(?s).*\n  biases +false .*"), fwDtpBn);
        String bp = o.out().substring(o.out().indexOf("bp — "));
        bp = bp.substring(0, bp.indexOf("\n\n"));
        assertTrue(bp.matches("(?s).*\n  optimizer +adam .*"), "[M]-default method shows Adam");
    }
}
