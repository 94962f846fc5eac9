package org.tpsweep.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.ConfigException;
import org.tpsweep.store.SweepMetadata;
import org.tpsweep.sweep.SweepPlan;

/**
 * The data digests in {@code sweep.json}: recorded by a run, a resume on other data refused without
 * {@code --force}, and a {@code sweep.json} of an older version (without them) accepted and completed.
 */
class OutputTablesDataTest {
    static final String A = "a".repeat(64);
    static final String B = "b".repeat(64);
    static final SweepPlan PLAN = TrialRowsTest.PLAN;

    @TempDir
    Path tmp;

    static SweepMetadata read(Path dir) throws Exception {
        return SweepMetadata.read(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.toUri()));
    }

    /** Prepares the folder, begins the run with code version {@code version} and ends it (the lock released). */
    static void begin(Path dir, Map<String, String> data, boolean fresh, boolean force, String version) {
        try (OutputTables o = prepare(dir, data, fresh, force)) {
            o.begin(version);
        }
    }

    static OutputTables prepare(Path dir, Map<String, String> data, boolean fresh, boolean force) {
        return OutputTables.prepare(dir.toString(), new Configuration(), PLAN, data, fresh, force);
    }

    @Test
    void aResumeOnOtherDataIsRefusedUnlessForced() throws Exception {
        Path out = tmp.resolve("out");
        begin(out, Map.of("mnist", A), false, false, "v1");
        SweepMetadata first = read(out);
        assertEquals(Map.of("mnist", A), first.dataSha256());
        assertTrue(Files.readString(out.resolve("sweep.json")).contains("\"data_sha256\" : {\n    \"mnist\" : \""
                + A + "\"\n  }"), Files.readString(out.resolve("sweep.json")));

        begin(out, Map.of("mnist", A), false, false, "v2"); // the same data: resumed, nothing rewritten
        assertEquals(first, read(out));

        ConfigException e = assertThrows(ConfigException.class,
                () -> prepare(out, Map.of("mnist", B), false, false).close());
        assertEquals("output folder " + out + " holds results computed on other data: dataset 'mnist' had SHA-256 "
                + A + " there (sweep.json), the data now has SHA-256 " + B + "; use another --out folder, --fresh "
                + "to delete its results first, or --force to add trials on this data to it (column data_sha256 of "
                + "trials.parquet tells them apart)", e.getMessage());
        assertEquals(first, read(out), "a refused run changes nothing");

        begin(out, Map.of("mnist", B), false, true, "v3");
        SweepMetadata forced = read(out);
        assertEquals(Map.of("mnist", B), forced.dataSha256(), "sweep.json records the data of the latest run");
        assertEquals(first.createdAt(), forced.createdAt());
        assertEquals(first.codeVersion(), forced.codeVersion());

        Files.writeString(out.resolve(OutputTables.SPEC), "name: earlier\n");   // as the earlier run's end wrote them
        Files.writeString(out.resolve(OutputTables.COMMAND), "bin/tp-sweep run earlier");
        begin(out, Map.of("mnist", A), true, false, "v4"); // --fresh: the earlier results are deleted
        assertEquals(Map.of("mnist", A), read(out).dataSha256());
        assertFalse(Files.exists(out.resolve(OutputTables.SPEC)) || Files.exists(out.resolve(OutputTables.COMMAND)),
                "--fresh deletes the earlier run's spec and command (the run writes its own at its end)");
    }

    @Test
    void anOlderSweepJsonWithoutDigestsIsAcceptedAndCompleted() throws Exception {
        Path out = tmp.resolve("out");
        begin(out, Map.of(), false, false, "v0"); // as an older version wrote it: no data_sha256
        SweepMetadata old = read(out);
        String json = Files.readString(out.resolve("sweep.json"));
        Files.writeString(out.resolve("sweep.json"), json.replaceAll(",\\s*\"data_sha256\" : \\{ ?}", ""));
        Files.deleteIfExists(out.resolve(".sweep.json.crc")); // Hadoop's side file of the local file system
        assertFalse(Files.readString(out.resolve("sweep.json")).contains("data_sha256"));
        assertEquals(Map.of(), read(out).dataSha256());

        begin(out, Map.of("mnist", A), false, false, "v1");
        SweepMetadata now = read(out);
        assertEquals(Map.of("mnist", A), now.dataSha256(), "the digest is added");
        assertEquals(old.createdAt(), now.createdAt());
        assertThrows(ConfigException.class, () -> prepare(out, Map.of("mnist", B), false, false).close());
    }

    @Test
    void digestsOfDatasetsNotRecordedYetAreAdded() {
        SweepMetadata found = new SweepMetadata("s", "h", 2, "t", "v", Map.of("mnist", A));
        SweepMetadata planned = new SweepMetadata("s", "h", 2, "t2", null, Map.of("mnist", A, "cifar10", B));
        assertEquals(null, found.dataChange(planned));
        assertEquals(Map.of("mnist", A, "cifar10", B), found.withData(planned.dataSha256()).dataSha256());
        assertEquals("dataset 'mnist' had SHA-256 " + B + " there (sweep.json), the data now has SHA-256 " + A,
                new SweepMetadata("s", "h", 2, "t", "v", Map.of("mnist", B)).dataChange(planned));
    }
}
