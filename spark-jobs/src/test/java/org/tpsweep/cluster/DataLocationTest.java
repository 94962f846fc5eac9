package org.tpsweep.cluster;

import org.tpsweep.spark.SweepJobTest;

import org.tpsweep.tables.OutputTables;
import org.tpsweep.spark.SweepJob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.ConfigException;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetFiles;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;

/**
 * The three routes of {@link DataLocation}: a local folder read as it is, a local folder shipped to the executors
 * (exercised on a local master through the package-private {@link DataLocation#shipped}), and a Hadoop URI copied
 * once per JVM (exercised through a file system of another scheme, {@value #SCHEME}:, that is the local disk
 * underneath, so that the copy code runs for real).
 */
class DataLocationTest {
    static final String SCHEME = "tpraw";
    static final List<String> BASES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    @TempDir
    Path tmp;

    /** The local disk under the scheme {@value #SCHEME}: (a file system that is not {@code file:}). */
    public static final class OtherSchemeFileSystem extends RawLocalFileSystem {
        private static final URI NAME = URI.create(SCHEME + ":///");

        @Override
        public URI getUri() {
            return NAME;
        }

        @Override
        public String getScheme() {
            return SCHEME;
        }
    }

    static Configuration otherScheme() {
        Configuration conf = new Configuration();
        conf.set("fs." + SCHEME + ".impl", OtherSchemeFileSystem.class.getName());
        return conf;
    }

    static String uriOf(Path dir) {
        return SCHEME + "://" + dir.toAbsolutePath();
    }

    /** Fake data files (random bytes, IDX names): mnist raw, fashion-mnist gzipped, under {@code dir}. */
    static Path fakeData(Path dir) throws IOException {
        Random rnd = new Random(dir.toString().hashCode());
        for (String ds : List.of("mnist", "fashion-mnist")) {
            Path folder = Files.createDirectories(dir.resolve(ds));
            for (String base : BASES) {
                byte[] b = new byte[500 + rnd.nextInt(3000)];
                rnd.nextBytes(b);
                Files.write(folder.resolve(ds.equals("mnist") ? base : base + ".gz"), b);
            }
        }
        return dir;
    }

    /** Relative path → contents (Base64) of every file under {@code folder}. */
    static Map<String, String> contents(Path folder) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(folder.relativize(f).toString(), Base64.getEncoder().encodeToString(Files.readAllBytes(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A copy of {@code d} as a task gets it: Java-serialized and read back. */
    static DataLocation asTaskSeesIt(DataLocation d) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(d);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
            return (DataLocation) in.readObject();
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
    }

    // --- which route -------------------------------------------------------------------------------------------

    @Test
    void aLocalFolderOnALocalMasterIsReadAsItIs() throws Exception {
        Path data = fakeData(tmp.resolve("data"));
        for (String master : new String[] {null, "local", "local[*]", "local[2]", "local-cluster[2,1,1024]"}) {
            DataLocation d = DataLocation.of(data.toString(), master, List.of("mnist", "student-teacher"),
                    new Configuration());
            assertEquals(DataLocation.Route.LOCAL, d.route(), "master " + master);
            d.checkPresent();
            assertEquals(data, d.ship(null).localDirectory("mnist"), "master " + master);
            assertEquals(data, asTaskSeesIt(d).localDirectory("mnist"));
        }
        // file: URIs are local folders too; relative paths are made absolute.
        DataLocation uri = DataLocation.of(data.toUri().toString(), null, List.of("mnist"), new Configuration());
        assertEquals(DataLocation.Route.LOCAL, uri.route());
        assertEquals(data, uri.localDirectory("mnist"));
        assertEquals(data, DataLocation.of("file:" + data, "local[1]", List.of("mnist"), null).localDirectory("mnist"));
        assertEquals(Path.of("some-data").toAbsolutePath(),
                DataLocation.of("some-data", null, List.of("mnist"), null).localDirectory("mnist"));
        assertEquals(data, DataLocation.local(data).localDirectory("fashion-mnist"));
    }

    @Test
    void aLocalFolderOnAClusterMasterIsShippedAndOtherUrisAreCopied() throws Exception {
        Path data = fakeData(tmp.resolve("data"));
        for (String master : List.of("spark://127.0.0.1:7077", "yarn", "k8s://https://host:6443")) {
            DataLocation d = DataLocation.of(data.toString(), master, List.of("mnist"), null);
            assertEquals(DataLocation.Route.SHIPPED, d.route(), master);
            d.checkPresent();
            assertEquals(DataLocation.Route.SHIPPED,
                    DataLocation.of("file://" + data, master, List.of("mnist"), null).route(), master);
        }
        for (String master : new String[] {null, "local[2]", "spark://127.0.0.1:7077"}) {
            for (String uri : List.of("hdfs://namenode:8020/data", "s3a://bucket/data", uriOf(data))) {
                assertEquals(DataLocation.Route.COPIED,
                        DataLocation.of(uri, master, List.of("mnist"), new Configuration()).route(), uri);
            }
        }
    }

    @Test
    void missingLocalFilesAreNamedOnEveryLocalRoute() throws Exception {
        Path data = fakeData(tmp.resolve("data"));
        Files.delete(data.resolve("fashion-mnist").resolve("t10k-images-idx3-ubyte.gz"));
        for (String master : new String[] {null, "spark://127.0.0.1:7077"}) {
            DataLocation d = DataLocation.of(data.toString(), master, List.of("mnist", "fashion-mnist"), null);
            ConfigException e = assertThrows(ConfigException.class, d::checkPresent);
            assertTrue(e.getMessage().contains("dataset 'fashion-mnist': missing 1 data file(s) in "
                    + data.resolve("fashion-mnist") + ": t10k-images-idx3-ubyte.gz (raw or .gz); run bin/fetch-data "
                    + "fashion-mnist"), e.getMessage());
        }
        // The synthetic set needs no files at all.
        DataLocation.of(tmp.resolve("nothing").toString(), "yarn", List.of("student-teacher"), null).checkPresent();
    }

    @Test
    void badLocationsAreConfigErrors() {
        assertThrows(ConfigException.class, () -> DataLocation.of(" ", null, List.of("mnist"), null));
        assertThrows(ConfigException.class, () -> DataLocation.of("data", null, List.of("cifar"), null));
        DataLocation unknown = DataLocation.of("nosuchfs://host/data", null, List.of("mnist"), new Configuration());
        ConfigException e = assertThrows(ConfigException.class, unknown::checkPresent);
        assertTrue(e.getMessage().contains("nosuchfs://host/data") && e.getMessage().contains("nosuchfs\""),
                e.getMessage());
    }

    // --- route COPIED ----------------------------------------------------------------------------------------

    @Test
    void aUriIsCopiedOncePerJvmWithIdenticalBytes() throws Exception {
        Path remote = fakeData(tmp.resolve("remote"));
        Map<String, String> mnist = contents(remote.resolve("mnist"));
        DataLocation d = DataLocation.of(uriOf(remote), "local[2]", List.of("mnist", "frozen-mnist",
                "student-teacher"), otherScheme());
        assertEquals(DataLocation.Route.COPIED, d.route());
        d.checkPresent();
        assertSame(d, d.ship(null), "nothing to ship: executors read the URI themselves");

        Path local = asTaskSeesIt(d).localDirectory("mnist");
        assertNotEquals(remote, local);
        assertTrue(local.startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()), local.toString());
        assertEquals(List.of("mnist"), names(local), "only the dataset folder, no temporary or .crc file");
        assertEquals(mnist, contents(local.resolve("mnist")), "the local copy has the same files and bytes");

        // Later tasks in this JVM (each with its own deserialized copy) use the same copy: the source is not read.
        deleteRecursively(remote.resolve("mnist"));
        assertEquals(local, asTaskSeesIt(d).localDirectory("mnist"));
        assertEquals(local, asTaskSeesIt(d).localDirectory("frozen-mnist"), "frozen-mnist reads the MNIST files");
        assertEquals(mnist, contents(local.resolve("mnist")));
        asTaskSeesIt(d).localDirectory("student-teacher"); // generated: nothing to copy, no error
        // A dataset the plan does not name was neither checked nor is it copied.
        assertThrows(IllegalStateException.class, () -> asTaskSeesIt(d).localDirectory("fashion-mnist"));
    }

    @Test
    void concurrentFirstUsesMakeOneCopy() throws Exception {
        Path remote = fakeData(tmp.resolve("remote"));
        DataLocation d = DataLocation.of(uriOf(remote), null, List.of("fashion-mnist"), otherScheme());
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Path>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                DataLocation task = asTaskSeesIt(d);
                futures.add(pool.submit((Callable<Path>) () -> {
                    start.await();
                    return task.localDirectory("fashion-mnist");
                }));
            }
            start.countDown();
            Path first = futures.get(0).get();
            for (Future<Path> f : futures) {
                assertEquals(first, f.get());
            }
            assertEquals(List.of("fashion-mnist"), names(first));
            assertEquals(contents(remote.resolve("fashion-mnist")), contents(first.resolve("fashion-mnist")));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedCopyIsNotKeptAndTheNextTaskCopiesAgain() throws Exception {
        Path remote = Files.createDirectories(tmp.resolve("remote"));
        DataLocation d = DataLocation.of(uriOf(remote), null, List.of("mnist"), otherScheme());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> d.localDirectory("mnist"));
        assertTrue(e.getMessage().contains(uriOf(remote) + "/mnist"), e.getMessage());
        fakeData(remote);
        Path local = d.localDirectory("mnist");
        assertEquals(contents(remote.resolve("mnist")), contents(local.resolve("mnist")));
    }

    @Test
    void missingFilesAtAUriAreNamedWithTheUriAndFetchData() throws Exception {
        Path remote = fakeData(tmp.resolve("remote"));
        Files.delete(remote.resolve("mnist").resolve("train-labels-idx1-ubyte"));
        Files.delete(remote.resolve("mnist").resolve("t10k-images-idx3-ubyte"));
        // Fashion-MNIST raw instead of .gz is accepted, as in a local folder.
        for (String base : BASES) {
            Path gz = remote.resolve("fashion-mnist").resolve(base + ".gz");
            Files.move(gz, gz.resolveSibling(base));
        }
        DataLocation.of(uriOf(remote), null, List.of("fashion-mnist"), otherScheme()).checkPresent();

        DataLocation d = DataLocation.of(uriOf(remote), "spark://127.0.0.1:7077",
                List.of("fashion-mnist", "frozen-mnist"), otherScheme());
        ConfigException e = assertThrows(ConfigException.class, d::checkPresent);
        String m = e.getMessage();
        assertTrue(m.startsWith("dataset 'frozen-mnist': missing 2 data file(s) in " + SCHEME + ":" + remote
                + "/mnist: train-labels-idx1-ubyte, t10k-images-idx3-ubyte (raw or .gz); run bin/fetch-data mnist"), m);
        assertFalse(m.contains("train-images-idx3-ubyte,"), m);

        ConfigException none = assertThrows(ConfigException.class, () -> DataLocation.of(
                uriOf(tmp.resolve("absent")), null, List.of("mnist"), otherScheme()).checkPresent());
        assertTrue(none.getMessage().contains("missing 4 data file(s) in " + SCHEME + ":" + tmp.resolve("absent")),
                none.getMessage());
    }

    @Test
    void cifarFoldersTakeTheSameRoutesWithTheirSizesCheckedThroughHadoop() throws Exception {
        Path remote = tmp.resolve("remote");
        Path c10 = Files.createDirectories(remote.resolve("cifar10"));
        List<String> files = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin");
        for (String f : files) {
            Files.write(c10.resolve(f), new byte[2 * 3073]); // two records each, label 0, black pixels
        }
        DataLocation d = DataLocation.of(uriOf(remote), null, List.of("cifar10"), otherScheme());
        d.checkPresent(); // 10 training records, none held out
        ConfigException few = assertThrows(ConfigException.class, () -> d.checkPresent(Map.of("cifar10", 5000)));
        assertTrue(few.getMessage().startsWith(SCHEME + ":" + remote + "/cifar10/data_batch_1.bin … "
                + "data_batch_5.bin: 10 training records (2 per file, 6146 bytes each), not more than the 5000 held "
                + "out"), few.getMessage());
        Path local = asTaskSeesIt(d).localDirectory("cifar10");
        assertEquals(List.of("cifar10"), names(local));
        assertEquals(contents(c10), contents(local.resolve("cifar10")), "the local copy has the same files and bytes");

        Files.write(c10.resolve("data_batch_2.bin"), new byte[3073 + 5]);
        ConfigException size = assertThrows(ConfigException.class, d::checkPresent);
        assertTrue(size.getMessage().startsWith(SCHEME + ":" + remote + "/cifar10/data_batch_2.bin: 3078 bytes is not "
                + "a multiple of the CIFAR-10 record size 3073"), size.getMessage());
        for (String master : new String[] {null, "spark://127.0.0.1:7077"}) {
            DataLocation l = DataLocation.of(remote.toString(), master, List.of("cifar10"), null);
            ConfigException e = assertThrows(ConfigException.class, l::checkPresent);
            assertTrue(e.getMessage().startsWith(c10.resolve("data_batch_2.bin") + ": 3078 bytes"), e.getMessage());
        }

        Files.delete(c10.resolve("test_batch.bin"));
        ConfigException missing = assertThrows(ConfigException.class, d::checkPresent);
        assertTrue(missing.getMessage().startsWith("dataset 'cifar10': missing 1 data file(s) in " + SCHEME + ":"
                + remote + "/cifar10: test_batch.bin; tp-sweep does not download CIFAR-10"), missing.getMessage());
    }

    // --- route SHIPPED (Spark) ------------------------------------------------------------------------------

    @Test
    @Tag("spark")
    void aShippedFolderIsFoundByTasksUnderSparkFilesWithIdenticalFiles() throws Exception {
        Path data = fakeData(tmp.resolve("data"));
        Map<String, String> mnist = contents(data.resolve("mnist"));
        DataLocation d = DataLocation.shipped(data, List.of("mnist", "frozen-mnist", "student-teacher"));
        assertEquals(DataLocation.Route.SHIPPED, d.route());
        d.checkPresent();
        SparkContext sc = SweepJobTest.reader().sparkContext();
        assertThrows(IllegalStateException.class, () -> d.localDirectory("mnist"), "not shipped yet");

        int before = sc.listArchives().size();
        DataLocation forTasks = d.ship(sc);
        assertEquals(before + 1, sc.listArchives().size(), "one archive: MNIST (frozen-mnist reads it too)");
        d.ship(sc);
        assertEquals(before + 1, sc.listArchives().size(), "shipped once per SparkContext");

        List<String> seen = JavaSparkContext.fromSparkContext(sc)
                .parallelize(List.of("mnist", "frozen-mnist", "student-teacher"), 3)
                .map(ds -> {
                    Path dir = forTasks.localDirectory(ds);
                    return ds + "\n" + dir + "\n" + SparkFiles.getRootDirectory() + "\n"
                            + (ds.equals("student-teacher") ? "" : contents(dir.resolve("mnist")).toString());
                })
                .collect();
        for (String s : seen) {
            String[] p = s.split("\n", -1);
            if (p[0].equals("student-teacher")) {
                continue;
            }
            Path dir = Path.of(p[1]);
            assertNotEquals(data, dir, p[0]);
            assertTrue(dir.startsWith(Path.of(p[2])), p[0] + ": " + dir + " is not under SparkFiles " + p[2]);
            assertEquals(mnist.toString(), p[3], p[0] + ": the shipped files differ");
        }
        assertThrows(IllegalStateException.class, () -> forTasks.localDirectory("fashion-mnist"), "not planned");
    }

    @Test
    @Tag("spark")
    void sweepsTrainOnShippedAndCopiedData() throws Exception {
        Path real = DataDirectory.resolve();
        DatasetFiles.checkPresent("mnist", real);
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse("""
                name: data-routes
                dataset: mnist
                seeds: [1]
                methods:
                  bp: {epochs: 1, train_subset: 200, num_hidden: 1, size_hidden: 8}
                """, "data-routes.yaml", "data-routes"));
        SparkSession spark = SweepJobTest.reader();
        for (DataLocation d : List.of(DataLocation.shipped(real, List.of("mnist")),
                DataLocation.of(uriOf(real), "local[2]", List.of("mnist"), otherScheme()))) {
            d.checkPresent();
            OutputTables output = OutputTables.prepare(tmp.resolve("out-" + d.route()).toString(),
                    new Configuration(), plan, false, false);
            SweepJob.Result r = SweepJob.run(spark, plan, output, d, SweepJob.Options.silent());
            assertEquals(List.of(), r.failed(), d.route() + ": " + r.failed());
            assertEquals(1L, r.statuses().get("ok"), d.route() + ": " + r.statuses());
        }
    }
}
