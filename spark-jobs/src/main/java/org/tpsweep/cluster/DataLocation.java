package org.tpsweep.cluster;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFiles;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Datasets;
import org.tpsweep.data.DatasetFiles;

/**
 * Where the tasks of a sweep find the dataset files, on one machine or on a cluster whose executors run on other
 * hosts than the driver (DESIGN.md: the data directory may be a Hadoop URI). Made on the driver from the user's
 * {@code --data} (a folder, or a URI with a scheme) for the datasets of a plan; serializable, so that tasks carry
 * it. One of three routes:
 * <ul>
 * <li>{@link Route#LOCAL}: a local folder and a local master: tasks read the folder as it is.</li>
 * <li>{@link Route#SHIPPED}: a local folder and a cluster master: {@link #ship} packs each dataset folder the plan
 *     needs into a zip archive and adds it with {@code SparkContext.addArchive} (Spark's {@code addFile} refuses
 *     local folders on cluster masters); Spark gives every executor the folder unpacked under
 *     {@link SparkFiles#get}, before the executor's first task that needs it.</li>
 * <li>{@link Route#COPIED}: a Hadoop URI ({@code hdfs:}, {@code s3a:} …): each executor JVM copies each dataset
 *     folder it needs once, with {@code FileSystem.copyToLocalFile}, into a temporary folder (under
 *     {@code java.io.tmpdir}; copied under a temporary name and then renamed, so a half-copied folder is never
 *     read), and tasks read that copy.</li>
 * </ul>
 * In every route the folder that {@link #localDirectory} returns holds {@code <files>/…} as
 * {@link DatasetFiles} expects it; the datasets are then cached once per JVM by {@code DatasetCache}.
 * {@link #verified} digests the files on the driver ({@link DataDigests}); in routes SHIPPED and COPIED each
 * executor JVM checks its folder against those digests once, before its first task reads it.
 */
public final class DataLocation implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How tasks get to the files; see the class comment. */
    public enum Route {
        /** A local folder read as it is. */
        LOCAL,
        /** A local folder shipped to the executors with Spark. */
        SHIPPED,
        /** A Hadoop URI, copied once per executor JVM. */
        COPIED
    }

    /** A URI scheme of at least two characters (so that {@code C:\…} is no scheme). */
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");
    private static final String ARCHIVE_PREFIX = "tp-data-";

    /** Per JVM: location and dataset folder → its local copy (route COPIED). */
    private static final ConcurrentMap<String, LocalCopy> COPIES = new ConcurrentHashMap<>();
    /** Per JVM: the local dataset folders ({@code dir + "\n" + folder}) whose digests were checked. */
    private static final java.util.Set<String> CHECKED = ConcurrentHashMap.newKeySet();
    /** Per JVM: temporary folders to delete when the JVM exits. */
    private static final List<Path> TO_DELETE = new ArrayList<>();
    private static Thread cleanup;

    private final Route route;
    /** LOCAL, SHIPPED: the absolute folder on the driver; COPIED: the URI. */
    private final String location;
    /** The plan's datasets that have files, distinct. */
    private final List<String> datasets;
    /** SHIPPED: the part of the archive names that makes them unique to this location. */
    private final String tag;
    /** COPIED: the Hadoop configuration to read the URI with. */
    private final HadoopConf hadoop;
    /** Per planned dataset, the digest of its files ({@link #verified}); empty before. */
    private final Map<String, DataDigests.Digest> digests;

    private DataLocation(Route route, String location, List<String> datasets, String tag, HadoopConf hadoop,
                         Map<String, DataDigests.Digest> digests) {
        this.route = route;
        this.location = location;
        this.datasets = datasets;
        this.tag = tag;
        this.hadoop = hadoop;
        this.digests = Map.copyOf(digests);
    }

    /**
     * The location of {@code location} (a folder, or a URI with a scheme: {@code file:} is a folder) for the
     * {@code datasets} of a plan run on {@code master} (null: local): {@link Route#LOCAL} for a folder and a local
     * master, {@link Route#SHIPPED} for a folder and a cluster master, {@link Route#COPIED} for any other URI, read
     * with {@code hadoop}. Nothing is read yet; see {@link #checkPresent}.
     *
     * @throws ConfigException for an empty location, an unknown dataset or a malformed URI
     */
    public static DataLocation of(String location, String master, Collection<String> datasets, Configuration hadoop) {
        if (location == null || location.isBlank()) {
            throw new ConfigException("the data location is empty; allowed: a folder, or a Hadoop file system URI "
                    + "such as hdfs://HOST/PATH");
        }
        String s = location.trim();
        List<String> withFiles = withFiles(datasets);
        Matcher m = SCHEME.matcher(s);
        if (!m.find() || m.group(1).equalsIgnoreCase("file")) {
            Path dir = localPath(s).toAbsolutePath().normalize();
            return SparkSessions.isLocal(master)
                    ? new DataLocation(Route.LOCAL, dir.toString(), withFiles, null, null, Map.of())
                    : shipped(dir, withFiles);
        }
        try {
            new org.apache.hadoop.fs.Path(s);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the data location " + s + " is not a valid URI: " + e.getMessage(), e);
        }
        return new DataLocation(Route.COPIED, s, withFiles, null, new HadoopConf(hadoop), Map.of());
    }

    /** A local folder read as it is by tasks in this JVM or on this machine (route {@link Route#LOCAL}). */
    public static DataLocation local(Path dir) {
        return new DataLocation(Route.LOCAL, dir.toAbsolutePath().normalize().toString(), List.of(), null, null,
                Map.of());
    }

    /** Route {@link Route#SHIPPED} for the folder {@code dir}, whatever the master (tests use it on local ones). */
    static DataLocation shipped(Path dir, Collection<String> datasets) {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        return new DataLocation(Route.SHIPPED, dir.toAbsolutePath().normalize().toString(), withFiles(datasets),
                tag, null, Map.of());
    }

    /** The route tasks take. */
    public Route route() {
        return route;
    }

    /** {@link #checkPresent(Map)} with no samples held out for validation. */
    public void checkPresent() {
        checkPresent(Map.of());
    }

    /**
     * Driver side, before Spark starts: checks that every file of the plan's datasets is there, and for CIFAR that
     * the file sizes are allowed ({@link DatasetFiles#checkSizes}; through Hadoop's {@code FileSystem} for a URI).
     *
     * @param heldOut per dataset, the most training samples a trial of the plan holds out for validation (absent: 0)
     * @throws ConfigException naming the missing files, where they were looked for and {@code bin/fetch-data}, or a
     *                         file whose size is not allowed
     */
    public void checkPresent(Map<String, Integer> heldOut) {
        if (route != Route.COPIED) {
            for (String ds : datasets) {
                DatasetFiles.checkPresent(ds, Path.of(location), heldOut.getOrDefault(ds, 0));
            }
            return;
        }
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(location);
        try {
            FileSystem fs = root.getFileSystem(hadoop.get());
            for (String ds : datasets) {
                org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root, Datasets.files(ds));
                List<String> missing = missingFiles(fs, dir, ds);
                if (!missing.isEmpty()) {
                    throw DatasetFiles.missingFilesError(ds, dir.toString(), missing,
                            " and copy the folder it fills to " + dir);
                }
                DatasetFiles.checkSizes(ds, dir.toString(),
                        name -> length(fs, new org.apache.hadoop.fs.Path(dir, name)), heldOut.getOrDefault(ds, 0));
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw new ConfigException("the data location " + location + " cannot be read: " + cause.getMessage()
                    + " (allowed: a folder, or a URI of a Hadoop file system this client has, e.g. hdfs://HOST/PATH)",
                    cause);
        }
    }

    /**
     * Driver side, after {@link #checkPresent}, before Spark starts: digests the files of every planned dataset
     * through Hadoop's {@code FileSystem} and checks each file that {@value DataDigests#SOURCE} records
     * ({@link DataDigests}).
     *
     * @return this location carrying the digests, as the tasks are to carry it ({@link #digest})
     * @throws ConfigException naming a file that differs from its recorded checksum, both digests and
     *                         {@code bin/fetch-data}, or a location that cannot be read
     */
    public DataLocation verified() {
        org.apache.hadoop.fs.Path root = route == Route.COPIED ? new org.apache.hadoop.fs.Path(location)
                : new org.apache.hadoop.fs.Path(Path.of(location).toUri());
        try {
            FileSystem fs = route == Route.COPIED ? root.getFileSystem(hadoop.get())
                    : FileSystem.getLocal(new Configuration()).getRaw();
            String hint = route == Route.COPIED ? " and copy the folder it fills to " + location : "";
            return new DataLocation(route, location, datasets, tag, hadoop,
                    DataDigests.recorded().verify(fs, root, location, datasets, hint));
        } catch (IOException | UncheckedIOException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw new ConfigException("the data location " + location + " cannot be read: " + cause.getMessage(),
                    cause);
        }
    }

    /** Per planned dataset with files, its digest; empty unless {@link #verified}. */
    public Map<String, DataDigests.Digest> digests() {
        return digests;
    }

    /** The SHA-256 digest of the files of {@code dataset} ({@link DataDigests}); null when not verified or none. */
    public String digest(String dataset) {
        DataDigests.Digest d = digests.get(dataset);
        return d == null ? null : d.sha256();
    }

    private static List<String> missingFiles(FileSystem fs, org.apache.hadoop.fs.Path dir, String dataset) {
        return DatasetFiles.missingFiles(dataset, name -> {
            try {
                return fs.getFileStatus(new org.apache.hadoop.fs.Path(dir, name)).isFile();
            } catch (FileNotFoundException e) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static long length(FileSystem fs, org.apache.hadoop.fs.Path file) {
        try {
            return fs.getFileStatus(file).getLen();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Driver side, at the start of a run on {@code sc}, before its tasks: route {@link Route#SHIPPED} adds each
     * dataset folder the plan needs to {@code sc} as an archive (once per SparkContext); the other routes have
     * nothing to ship (the executors of route {@link Route#COPIED} read the URI with the Hadoop configuration given
     * to {@link #of}, as the driver's check did).
     *
     * @return this location, as the tasks are to carry it
     */
    public DataLocation ship(SparkContext sc) {
        if (route == Route.SHIPPED) {
            List<String> added = scala.collection.JavaConverters.seqAsJavaList(sc.listArchives());
            for (String folder : folders()) {
                String name = archiveName(folder);
                if (added.stream().noneMatch(a -> a.endsWith("/" + name))) {
                    sc.addArchive(pack(folder, name).toString());
                }
            }
        }
        return this;
    }

    /**
     * Executor side, in a task: the local folder that holds {@code <files>/…} of {@code dataset}, for
     * {@code TrialRunner.run}. Route {@link Route#COPIED} copies the dataset folder on the first call in this JVM.
     *
     * @throws IllegalStateException when a shipped folder is not there (or the dataset was not planned)
     * @throws UncheckedIOException when copying from the URI fails (Spark then retries the task)
     */
    public Path localDirectory(String dataset) {
        if (route == Route.LOCAL || Datasets.isSynthetic(dataset)) {
            return route == Route.COPIED ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(location);
        }
        String folder = Datasets.files(dataset);
        if (!folders().contains(folder)) {
            throw new IllegalStateException("dataset " + dataset + " is not among the datasets " + datasets
                    + " of the data location " + location);
        }
        if (route == Route.SHIPPED) {
            Path dir = Path.of(SparkFiles.get(archiveName(folder)));
            if (!Files.isDirectory(dir.resolve(folder))) {
                throw new IllegalStateException("the data folder " + location + "/" + folder + " shipped to the "
                        + "executors is not in " + dir + " (was DataLocation.ship called on the driver?)");
            }
            checkCopy(dir, folder);
            return dir;
        }
        Path copy = COPIES.computeIfAbsent(location + "\n" + folder, k -> new LocalCopy()).get(this, folder);
        checkCopy(copy, folder);
        return copy;
    }

    /**
     * Executor side, once per JVM and folder: when the driver {@link #verified} the data, checks that the files of
     * {@code dir/folder} (shipped or copied to this host) have the digest the driver saw.
     *
     * @throws IllegalStateException naming both digests when they differ (the task fails; Spark retries it)
     */
    private void checkCopy(Path dir, String folder) {
        String ds = datasets.stream().filter(d -> Datasets.files(d).equals(folder)).findFirst().orElse(null);
        String key = dir + "\n" + folder;
        if (ds == null || digest(ds) == null || CHECKED.contains(key)) {
            return;
        }
        synchronized (CHECKED) {
            if (CHECKED.contains(key)) {
                return;
            }
            String here;
            try {
                here = new DataDigests(Map.of()).verify(FileSystem.getLocal(new Configuration()).getRaw(),
                        new org.apache.hadoop.fs.Path(dir.toUri()), dir.toString(), List.of(ds), "").get(ds).sha256();
            } catch (IOException e) {
                throw new UncheckedIOException("reading the data folder " + dir.resolve(folder) + " failed", e);
            }
            if (!here.equals(digest(ds))) {
                throw new IllegalStateException("the files of dataset '" + ds + "' in " + dir.resolve(folder)
                        + " on this host have SHA-256 " + here + ", not " + digest(ds) + " as the driver verified "
                        + "them in " + location + ": the data changed during the run, or its transfer damaged it");
            }
            CHECKED.add(key);
        }
    }

    @Override
    public String toString() {
        return switch (route) {
            case LOCAL -> location;
            case SHIPPED -> location + " (shipped to the executors)";
            case COPIED -> location + " (copied once per executor)";
        };
    }

    /** The dataset folder names ({@code Datasets.files}) of the planned datasets, distinct. */
    private List<String> folders() {
        return datasets.stream().map(Datasets::files).distinct().toList();
    }

    /** The planned datasets that have files, distinct, in order. */
    private static List<String> withFiles(Collection<String> datasets) {
        List<String> out = new ArrayList<>();
        for (String ds : datasets) {
            Datasets.require(ds);
            if (!Datasets.isSynthetic(ds) && !out.contains(ds)) {
                out.add(ds);
            }
        }
        return List.copyOf(out);
    }

    private static Path localPath(String s) {
        Matcher m = SCHEME.matcher(s);
        return Path.of(m.find() ? new org.apache.hadoop.fs.Path(s).toUri().getPath() : s);
    }

    private String archiveName(String folder) {
        return ARCHIVE_PREFIX + folder + "-" + tag + ".zip";
    }

    /** Zips {@code location/folder} (entries {@code folder/…}) into a temporary file named {@code name}. */
    private Path pack(String folder, String name) {
        Path src = Path.of(location);
        try {
            Path zip = deleteOnExit(Files.createTempDirectory("tp-sweep-ship-")).resolve(name);
            try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(os);
                 Stream<Path> files = Files.walk(src.resolve(folder))) {
                out.setLevel(Deflater.BEST_SPEED);
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new ZipEntry(src.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("packing the data folder " + src.resolve(folder) + " failed", e);
        }
    }

    /** Copies {@code location/folder} to a fresh local folder and returns that folder's parent. */
    private Path copy(String folder) throws IOException {
        Path root = deleteOnExit(Files.createTempDirectory("tp-sweep-data-"));
        Path tmp = root.resolve("." + folder + "." + UUID.randomUUID() + ".tmp");
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(location), folder);
        try {
            FileSystem fs = src.getFileSystem(hadoop.get());
            fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(tmp.toUri()), true);
            Files.move(tmp, root.resolve(folder), StandardCopyOption.ATOMIC_MOVE);
            return root;
        } finally {
            delete(tmp); // what a failed copy left
        }
    }

    /** One dataset folder's copy in this JVM: made by the first task that asks, the others wait for it. */
    private static final class LocalCopy {
        private Path root;

        synchronized Path get(DataLocation from, String folder) {
            if (root == null || !Files.isDirectory(root.resolve(folder))) {
                try {
                    root = from.copy(folder);
                } catch (IOException e) {
                    throw new UncheckedIOException("copying the data folder " + from.location + "/" + folder
                            + " to this host failed", e);
                }
            }
            return root;
        }
    }

    /** Registers {@code dir} to be deleted, with its contents, when the JVM exits. */
    private static Path deleteOnExit(Path dir) {
        synchronized (TO_DELETE) {
            TO_DELETE.add(dir);
            if (cleanup == null) {
                cleanup = new Thread(DataLocation::deleteAll, "tp-sweep-data-cleanup");
                Runtime.getRuntime().addShutdownHook(cleanup);
            }
        }
        return dir;
    }

    private static void deleteAll() {
        synchronized (TO_DELETE) {
            TO_DELETE.forEach(DataLocation::delete);
        }
    }

    /** Deletes {@code p} with its contents, if it exists; best effort. */
    private static void delete(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }
}
