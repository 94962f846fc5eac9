package org.tpsweep.report;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What the report's provenance needs from the run itself and the tables do not hold: the spec as the run read it
 * ({@code OUT/spec.yaml}) and the command that reproduces the sweep from it ({@code OUT/command.txt}), written by
 * every {@code run}. A folder of an older version has neither (then both are null).
 */
public record RunRecord(String spec, String command) {
    /** The spec's file name in the output folder. */
    public static final String SPEC = org.tpsweep.tables.OutputTables.SPEC;
    /** The command's file name in the output folder. */
    public static final String COMMAND = org.tpsweep.tables.OutputTables.COMMAND;

    /** Writes both files into {@code dir} (replacing those of an earlier run). */
    public void write(FileSystem fileSystem, Path dir) throws IOException {
        FileSystem fs = fileSystem instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem()
                : fileSystem;     // no .crc files beside them
        put(fs, new Path(dir, SPEC), spec);
        put(fs, new Path(dir, COMMAND), command.endsWith("\n") ? command : command + "\n");
    }

    /** The record of {@code dir}; fields are null where a file is absent. */
    public static RunRecord read(FileSystem fs, Path dir) throws IOException {
        return new RunRecord(get(fs, new Path(dir, SPEC)), get(fs, new Path(dir, COMMAND)));
    }

    private static void put(FileSystem fs, Path p, String text) throws IOException {
        try (FSDataOutputStream out = fs.create(p, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String get(FileSystem fs, Path p) throws IOException {
        try (FSDataInputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (FileNotFoundException e) {
            return null;
        }
    }
}
