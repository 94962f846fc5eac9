package org.tpsweep.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.ConfigException;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.spark.SweepJobTest;

/**
 * Verification of the dataset files before a run ({@link DataDigests}, {@link DataLocation#verified}): the recorded
 * checksums on the class path, a damaged file refused with both digests and {@code bin/fetch-data}, folders
 * without recorded checksums digested, the same through a Hadoop URI, and the executor-side check of a copied
 * or shipped folder.
 */
class DataDigestsTest {
    static final List<String> CIFAR10 = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin");

    @TempDir
    Path tmp;

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** What {@code sha256sum FOLDER/... | LC_ALL=C sort -k 2 | sha256sum} prints for the files of {@code folder}. */
    static String folderDigest(Path data, String folder, List<String> names) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (String n : names.stream().sorted().toList()) {
            lines.append(sha256(Files.readAllBytes(data.resolve(folder).resolve(n)))).append("  ").append(folder)
                    .append('/').append(n).append('\n');
        }
        return sha256(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Tiny CIFAR-10 files (two records each), all zero but for {@code seed} in the first pixel. */
    static Path tinyCifar(Path data, int seed) throws Exception {
        Path c10 = Files.createDirectories(data.resolve("cifar10"));
        for (String f : CIFAR10) {
            byte[] b = new byte[2 * 3073];
            b[1] = (byte) seed;
            Files.write(c10.resolve(f), b);
        }
        return data;
    }

    @Test
    void theRecordedChecksumsAreOnTheClassPath() throws Exception {
        Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf/data-checksums.sha256");
        try (var in = DataDigests.class.getResourceAsStream(DataDigests.RESOURCE)) {
            assertTrue(in != null, DataDigests.RESOURCE + " is not on the class path");
            assertEquals(Files.readString(conf), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Map<String, String> inRepo = DataDigests.parse(Files.readString(conf));
        assertEquals(8, inRepo.size(), inRepo.toString());
        assertEquals("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                inRepo.get("mnist/t10k-labels-idx1-ubyte"));
        Path data = DataLocationTest.fakeData(tmp.resolve("data"));
        // the resource is the repository's file: a fake MNIST file is refused with the repository's digest
        ConfigException e = assertThrows(ConfigException.class, () -> DataLocation.of(data.toString(), null,
                List.of("mnist"), null).verified());
        assertTrue(e.getMessage().contains("records " + inRepo.get("mnist/t10k-images-idx3-ubyte")), e.getMessage());
    }

    @Test
    void aDamagedFileIsRefusedNamingItBothDigestsAndTheFix() throws Exception {
        Path data = DataLocationTest.fakeData(tmp.resolve("data"));
        Path bad = data.resolve("mnist/t10k-images-idx3-ubyte");
        String actual = sha256(Files.readAllBytes(bad));
        for (String master : new String[] {null, "spark://127.0.0.1:7077"}) {
            DataLocation d = DataLocation.of(data.toString(), master, List.of("student-teacher", "mnist"), null);
            d.checkPresent();
            ConfigException e = assertThrows(ConfigException.class, d::verified, String.valueOf(master));
            assertEquals("data file " + bad + " has SHA-256 " + actual + ", but conf/data-checksums.sha256 records "
                    + "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7 for "
                    + "mnist/t10k-images-idx3-ubyte: the file is damaged or not the official one; run "
                    + "bin/fetch-data mnist to replace it", e.getMessage());
        }
        // through a Hadoop URI: the same check, read through its FileSystem, and where to copy the fetched folder
        String uri = DataLocationTest.uriOf(data);
        ConfigException e = assertThrows(ConfigException.class, () -> DataLocation.of(uri, null, List.of("mnist"),
                DataLocationTest.otherScheme()).verified());
        assertTrue(e.getMessage().startsWith("data file " + uri + "/mnist/t10k-images-idx3-ubyte has SHA-256 "
                + actual + ", but"), e.getMessage());
        assertTrue(e.getMessage().endsWith("run bin/fetch-data mnist to replace it and copy the folder it fills to "
                + uri), e.getMessage());
    }

    @Test
    void foldersWithoutRecordedChecksumsAreDigestedAlike() throws Exception {
        Path data = tinyCifar(tmp.resolve("data"), 1);
        Files.writeString(data.resolve("cifar10/readme.txt"), "not read by tp-sweep, not digested");
        String expected = folderDigest(data, "cifar10", CIFAR10);
        DataLocation local = DataLocation.of(data.toString(), null, List.of("cifar10"), null).verified();
        assertEquals(Map.of("cifar10", new DataDigests.Digest(expected, false)), local.digests());
        DataLocation uri = DataLocation.of(DataLocationTest.uriOf(data), null, List.of("cifar10"),
                DataLocationTest.otherScheme()).verified();
        assertEquals(expected, uri.digest("cifar10"));
        assertEquals(null, uri.digest("mnist"));

        Files.write(data.resolve("cifar10/test_batch.bin"), new byte[2 * 3073]);
        assertNotEquals(expected, DataLocation.of(data.toString(), null, List.of("cifar10"), null).verified()
                .digest("cifar10"), "one changed byte changes the digest");
    }

    @Test
    void theRealDataMatchesTheRecordedChecksums() throws Exception {
        Path real = DataDirectory.resolve();
        assumeTrue(Files.isRegularFile(real.resolve("mnist/train-images-idx3-ubyte")), "no MNIST in " + real);
        long t0 = System.nanoTime();
        DataLocation d = DataLocation.of(real.toString(), null, List.of("mnist", "frozen-mnist", "student-teacher"),
                null).verified();
        System.out.printf("verifying MNIST (55 MB): %.2f s%n", (System.nanoTime() - t0) / 1e9);
        String expected = folderDigest(real, "mnist", DataLocationTest.BASES);
        // (cd data && sha256sum mnist/* | LC_ALL=C sort -k 2 | sha256sum), as the README says
        assertEquals("e5735e8b209d68b379f92d36d4a90e3e8a6c0d39c72511f2863cb32e8e970bdb", expected);
        assertEquals(Map.of("mnist", new DataDigests.Digest(expected, true),
                "frozen-mnist", new DataDigests.Digest(expected, true)), d.digests());
        assertEquals(null, d.digest("student-teacher"));
    }

    @Test
    void gzippedMnistHasNoRecordedChecksumsAndIsOnlyDigested() throws Exception {
        Path data = tmp.resolve("data");
        Path mnist = Files.createDirectories(data.resolve("mnist"));
        for (String b : DataLocationTest.BASES) {
            Files.writeString(mnist.resolve(b + ".gz"), b);
        }
        DataDigests.Digest d = DataLocation.of(data.toString(), null, List.of("mnist"), null).verified()
                .digests().get("mnist");
        assertFalse(d.checked());
        assertEquals(folderDigest(data, "mnist", DataLocationTest.BASES.stream().map(b -> b + ".gz").toList()),
                d.sha256());
    }

    @Test
    void anExecutorRefusesACopyThatDiffersFromWhatTheDriverVerified() throws Exception {
        Path remote = tinyCifar(tmp.resolve("remote"), 1);
        Configuration conf = DataLocationTest.otherScheme();
        DataLocation d = DataLocation.of(DataLocationTest.uriOf(remote), null, List.of("cifar10"), conf).verified();
        Files.write(remote.resolve("cifar10/data_batch_3.bin"), new byte[2 * 3073]); // changed after the check
        DataLocation task = DataLocationTest.asTaskSeesIt(d);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> task.localDirectory("cifar10"));
        assertTrue(e.getMessage().startsWith("the files of dataset 'cifar10' in "), e.getMessage());
        assertTrue(e.getMessage().contains(", not " + d.digest("cifar10") + " as the driver verified them in "
                + DataLocationTest.uriOf(remote) + ": the data changed during the run"), e.getMessage());

        Path other = tinyCifar(tmp.resolve("other"), 2);
        DataLocation same = DataLocationTest.asTaskSeesIt(DataLocation.of(DataLocationTest.uriOf(other), null,
                List.of("cifar10"), conf).verified());
        assertEquals(DataLocationTest.contents(other.resolve("cifar10")),
                DataLocationTest.contents(same.localDirectory("cifar10").resolve("cifar10")));
    }

    @Test
    @Tag("spark")
    void aShippedFolderThatChangedAfterTheCheckIsRefusedByTheTasks() throws Exception {
        Path data = tinyCifar(tmp.resolve("data"), 3);
        DataLocation d = DataLocation.shipped(data, List.of("cifar10")).verified();
        Files.write(data.resolve("cifar10/test_batch.bin"), new byte[2 * 3073]); // changed before it is packed
        SparkContext sc = SweepJobTest.reader().sparkContext();
        DataLocation forTasks = d.ship(sc);
        Exception e = assertThrows(Exception.class, () -> JavaSparkContext.fromSparkContext(sc)
                .parallelize(List.of("cifar10"), 1)
                .map(ds -> forTasks.localDirectory(ds).toString()).collect());
        assertTrue(String.valueOf(e.getMessage()).contains("as the driver verified them in " + data
                + ": the data changed during the run"), String.valueOf(e.getMessage()));

        Path same = tinyCifar(tmp.resolve("same"), 4);
        DataLocation ok = DataLocation.shipped(same, List.of("cifar10")).verified().ship(sc);
        List<String> dirs = JavaSparkContext.fromSparkContext(sc)
                .parallelize(List.of("cifar10"), 1).map(ds -> ok.localDirectory(ds).toString()).collect();
        assertEquals(DataLocationTest.contents(same.resolve("cifar10")),
                DataLocationTest.contents(Path.of(dirs.get(0)).resolve("cifar10")));
    }

    @AfterAll
    static void stop() {
        DataLocationTest.stop();
    }
}
