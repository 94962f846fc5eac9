package org.tpsweep.cluster;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;
import org.tpsweep.data.DatasetFiles;

/**
 * The SHA-256 digests of the dataset files a sweep reads, computed through Hadoop's {@code FileSystem} (a local
 * folder and a Hadoop URI alike) and checked against the checksums the repository records in
 * {@value #SOURCE} (built onto the class path as {@value #RESOURCE}, so that {@code tp-sweep.jar} and the
 * cluster jar both carry it). A file with a recorded checksum must match it; files without one (CIFAR, or a
 * variant such as gzipped MNIST) are only digested.
 *
 * <p>The digest of a dataset is the SHA-256 of the lines {@code <file sha256>  <folder>/<name>\n} of the files
 * its reader reads, sorted by name: what {@code (cd DATA && sha256sum mnist/* | LC_ALL=C sort -k 2 | sha256sum)}
 * prints for a folder that holds just those files.
 */
public final class DataDigests {
    /** Where the checksums are recorded in the repository. */
    public static final String SOURCE = "conf/data-checksums.sha256";
    /** The class-path resource the build copies {@value #SOURCE} to. */
    public static final String RESOURCE = "/tp-sweep/data-checksums.sha256";

    /** A dataset's digest, and whether every one of its files was checked against a recorded checksum. */
    public record Digest(String sha256, boolean checked) implements Serializable {
    }

    /** Recorded SHA-256 per file path relative to the data folder, e.g. {@code mnist/train-images-idx3-ubyte}. */
    private final Map<String, String> recorded;

    /** Checks against {@code recorded} (file path relative to the data folder → lower-case hex SHA-256). */
    public DataDigests(Map<String, String> recorded) {
        this.recorded = Map.copyOf(recorded);
    }

    /** The checksums recorded in {@value #SOURCE}, read from the class path. */
    public static DataDigests recorded() {
        try (InputStream in = DataDigests.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path (the build copies it from "
                        + SOURCE + "); rebuild tp-sweep");
            }
            return new DataDigests(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE + " failed", e);
        }
    }

    /** The entries of a {@code sha256sum} file: path (without a binary-mode {@code *}) → hex digest. */
    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] p = l.split("\\s+", 2);
            if (p.length != 2 || !p[0].matches("[0-9a-fA-F]{64}")) {
                throw new IllegalStateException(SOURCE + ": not a sha256sum line: " + l);
            }
            out.put(p[1].startsWith("*") ? p[1].substring(1) : p[1], p[0].toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    /**
     * Digests the files of each of {@code datasets} (synthetic ones are skipped; {@code frozen-mnist} shares
     * MNIST's) under {@code root} on {@code fs}, checking every file that has a recorded checksum.
     *
     * @param shownAs {@code root} as the user gave it, for messages
     * @param hint appended to the advice to run {@code bin/fetch-data} (e.g. where to copy the fetched folder)
     * @return per dataset, in the order given, its digest
     * @throws ConfigException naming the file, both digests and {@code bin/fetch-data}, when a file differs
     *                         from its recorded checksum
     * @throws IOException     when a file cannot be read
     */
    public Map<String, Digest> verify(FileSystem fs, Path root, String shownAs, Collection<String> datasets,
                                      String hint) throws IOException {
        Map<String, Digest> byFolder = new TreeMap<>();
        Map<String, Digest> out = new LinkedHashMap<>();
        for (String ds : datasets) {
            if (Datasets.isSynthetic(ds)) {
                continue;
            }
            String folder = Datasets.files(ds);
            Digest d = byFolder.get(folder);
            if (d == null) {
                d = verifyFolder(fs, new Path(root, folder), shownAs.replaceAll("/+$", "") + "/" + folder, folder,
                        hint);
                byFolder.put(folder, d);
            }
            out.put(ds, d);
        }
        return out;
    }

    private Digest verifyFolder(FileSystem fs, Path dir, String shownDir, String folder, String hint)
            throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        for (String name : DatasetFiles.filesRead(folder, n -> isFile(fs, new Path(dir, n)))) {
            files.put(name, sha256(fs, new Path(dir, name)));
        }
        boolean checked = true;
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, String> f : files.entrySet()) {
            String rel = folder + "/" + f.getKey();
            String want = recorded.get(rel);
            if (want == null) {
                checked = false;
            } else if (!want.equals(f.getValue())) {
                throw new ConfigException("data file " + shownDir + "/" + f.getKey() + " has SHA-256 " + f.getValue() + ", but "
                        + SOURCE + " records " + want + " for " + rel + ": the file is damaged or not the official "
                        + "one; run bin/fetch-data " + folder + " to replace it" + hint);
            }
            lines.append(f.getValue()).append("  ").append(rel).append('\n');
        }
        return new Digest(hex(sha256().digest(lines.toString().getBytes(StandardCharsets.UTF_8))), checked);
    }

    /** The SHA-256 (hex) of the file {@code p}, read through {@code fs}. */
    public static String sha256(FileSystem fs, Path p) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = new DigestInputStream(fs.open(p), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return hex(md.digest());
    }

    private static boolean isFile(FileSystem fs, Path p) {
        try {
            return fs.getFileStatus(p).isFile();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
