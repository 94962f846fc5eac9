package org.tpsweep.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: one Master and {@code n} Workers, each a separate JVM
 * started from this project's runtime jars (shared/STACK.md, gotcha 9). Its SPARK_HOME is a temporary folder
 * with {@code jars/} = links to the jars of the test class path plus this project's classes packed as jars, and
 * an empty {@code RELEASE} file. Everything it starts (Master, Workers, their executors, drivers started with
 * {@link #startDriver}) is stopped by PID in {@link #close}, and by a shutdown hook should the test JVM exit first.
 */
final class StandaloneCluster implements AutoCloseable {
    /** The JVM flags every JVM of the cluster gets: this JVM's module opens, --add-modules and -D flags. */
    final List<String> jvmFlags;
    final Path home;
    final Path logs;
    final String masterUrl;
    final int masterUiPort;
    private final List<Process> workers = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();
    private final Process master;
    private final Thread hook;

    private StandaloneCluster(Path home, List<String> jvmFlags, Process master) {
        this.home = home;
        this.logs = home.resolve("logs");
        this.jvmFlags = jvmFlags;
        this.master = master;
        started.add(master);
        this.hook = new Thread(this::stopAll, "stop-standalone-cluster");
        Runtime.getRuntime().addShutdownHook(hook);
        String[] where;
        try {
            where = awaitMaster(Duration.ofSeconds(60));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        this.masterUrl = where[0];
        this.masterUiPort = Integer.parseInt(where[1]);
    }

    /**
     * Waits for the Master to lead and returns its URL and web UI port as it logged them: a port found free may
     * be taken by someone else before the Master binds it, and then Spark moves on to the next one.
     */
    private String[] awaitMaster(Duration timeout) {
        Pattern url = Pattern.compile("Starting Spark master at (spark://\\S+)");
        Pattern ui = Pattern.compile("Successfully started service 'MasterUI' on port (\\d+)");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String log = tail(logs.resolve("master.log"), Integer.MAX_VALUE);
            Matcher u = url.matcher(log);
            Matcher w = ui.matcher(log);
            if (log.contains("I have been elected leader") && u.find() && w.find()) {
                return new String[] {u.group(1), w.group(1)};
            }
            if (!master.isAlive()) {
                throw new IllegalStateException("the Spark Master exited: " + log("master"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("the Spark Master did not start within " + timeout + ": " + log("master"));
    }

    /** Starts a Master and {@code workers} Workers (each {@code --cores 1 --memory 2g}) and waits until all are registered. */
    static StandaloneCluster start(int workers) throws Exception {
        Path home = Files.createTempDirectory("tp-spark-home");
        Files.createDirectories(home.resolve("logs"));
        Files.createFile(home.resolve("RELEASE"));
        linkJars(home.resolve("jars"));
        List<String> flags = jvmFlags();
        int port = freePort();
        int ui = freePort();
        Process master = start(home, flags, "master", "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(ui));
        StandaloneCluster c = new StandaloneCluster(home, flags, master);
        try {
            for (int i = 1; i <= workers; i++) {
                Path work = Files.createDirectories(home.resolve("work-" + i));
                // (A taken port makes a Worker move on to the next one, which is fine here.)
                Process w = start(home, flags, "worker-" + i, "org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--port", Integer.toString(freePort()),
                        "--webui-port", Integer.toString(freePort()), "--cores", "1", "--memory", "2g",
                        "--work-dir", work.toString(), c.masterUrl);
                c.workers.add(w);
                c.started.add(w);
            }
            c.awaitAliveWorkers(workers, Duration.ofSeconds(90));
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private static Process start(Path home, List<String> flags, String name, String mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", home.resolve("jars") + File.separator + "*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve("logs").resolve(name + ".log").toFile());
        environment(pb, home);
        return pb.start();
    }

    /** The environment of every JVM of the cluster (gotcha 9) and of drivers. */
    static void environment(ProcessBuilder pb, Path home) {
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("TP_") || k.equals("HADOOP_CONF_DIR"));
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        // Executors must get it from the driver's spark.executorEnv.OMP_NUM_THREADS, not by inheritance.
        env.remove("OMP_NUM_THREADS");
    }

    /** The command line of a process (from /proc when ProcessHandle does not tell). */
    static String commandLine(ProcessHandle p) {
        Optional<String> cl = p.info().commandLine();
        if (cl.isPresent()) {
            return cl.get();
        }
        try {
            return Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"), StandardCharsets.ISO_8859_1)
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The environment variable {@code name} of a running process (Linux /proc), or null. */
    static String environmentOf(ProcessHandle p, String name) {
        try {
            for (String kv : Files.readString(Path.of("/proc/" + p.pid() + "/environ"), StandardCharsets.ISO_8859_1)
                    .split("\0")) {
                if (kv.startsWith(name + "=")) {
                    return kv.substring(name.length() + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * Starts a driver JVM: {@code java <flags> -cp <SPARK_HOME/jars/*> org.tpsweep.cli.TpSweep run <args> --master
     * <this cluster>}, output (stdout and stderr) to {@code log}.
     */
    Process startDriver(Path log, List<String> sysProps, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx1g"));
        cmd.addAll(jvmFlags);
        cmd.addAll(sysProps);
        cmd.addAll(List.of("-cp", home.resolve("jars") + File.separator + "*", "org.tpsweep.cli.TpSweep", "run"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--master", masterUrl));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb, home);
        Process p = pb.start();
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    /** The executor JVMs now running under the Workers (CoarseGrainedExecutorBackend processes). */
    List<ProcessHandle> executors() {
        List<ProcessHandle> out = new ArrayList<>();
        for (Process w : workers) {
            w.toHandle().descendants().filter(ProcessHandle::isAlive).filter(StandaloneCluster::isExecutor)
                    .forEach(out::add);
        }
        return out;
    }

    private static boolean isExecutor(ProcessHandle p) {
        return commandLine(p).contains("CoarseGrainedExecutorBackend");
    }

    /** Waits until no executor runs under the Workers (the last application ended). */
    void awaitNoExecutors(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!executors().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("executors still running after " + timeout + ": " + executors());
            }
            Thread.sleep(200);
        }
    }

    /** The Master's JSON status ({@code /json/}). */
    String masterJson() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitAliveWorkers(int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IllegalStateException("the Spark Master exited: " + log("master"));
            }
            for (int i = 0; i < workers.size(); i++) {
                if (!workers.get(i).isAlive()) {
                    throw new IllegalStateException("Spark Worker " + (i + 1) + " exited: " + log("worker-" + (i + 1)));
                }
            }
            try {
                last = masterJson();
                Matcher m = alive.matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) >= n) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(n + " Workers did not register within " + timeout + "; master: " + last
                + "\n" + log("master") + "\n" + log("worker-1"));
    }

    /** The tail of a cluster JVM's log (master, worker-N) for failure messages. */
    String log(String name) {
        return tail(logs.resolve(name + ".log"), 4000);
    }

    /** The executors' stderr files under the Workers' work folders, tails joined (for failure messages). */
    String executorLogs() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(home)) {
            s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().forEach(p ->
                    sb.append("--- ").append(home.relativize(p)).append('\n').append(tail(p, 3000)).append('\n'));
        } catch (IOException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    static String tail(Path file, int chars) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.length() <= chars ? s : "…" + s.substring(s.length() - chars);
        } catch (IOException e) {
            return "(" + file + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
        deleteRecursively(home);
    }

    /** Stops every process this cluster started, drivers and executors first, each by its PID. */
    private void stopAll() {
        List<Process> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        // Drivers (started last) first, then the Workers' executors, the Workers, the Master.
        for (int i = all.size() - 1; i >= 0; i--) {
            Process p = all.get(i);
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This JVM's flags that every Spark JVM needs (module opens, --add-modules, -Djdk…, -Dio.netty…). */
    static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                    || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
                flags.add(a);
            }
        }
        if (flags.stream().noneMatch(f -> f.startsWith("--add-opens"))) {
            throw new IllegalStateException("this JVM lacks the --add-opens flags of Spark on Java 17 (surefire's argLine)");
        }
        return flags;
    }

    /**
     * Fills {@code jars} with the runtime class path of this test JVM: links to its jars, and the class folders
     * (this project's main classes; test classes and test tools excepted) packed as jars.
     */
    static void linkJars(Path jars) throws IOException {
        Files.createDirectories(jars);
        Set<String> names = new LinkedHashSet<>();
        int packed = 0;
        for (Path entry : classPath()) {
            String n = entry.getFileName().toString();
            if (n.equals("test-classes") || n.contains("surefire") || n.startsWith("junit-")
                    || n.startsWith("opentest4j") || n.startsWith("apiguardian")) {
                continue;
            }
            if (Files.isDirectory(entry)) {
                Path jar = jars.resolve("tp-sweep-app-" + (++packed) + ".jar");
                packDirectory(entry, jar);
            } else if (n.endsWith(".jar") && Files.isRegularFile(entry)) {
                String name = names.add(n) ? n : names.size() + "-" + n;
                names.add(name);
                Files.createSymbolicLink(jars.resolve(name), entry.toAbsolutePath());
            }
        }
        if (packed == 0) {
            throw new IllegalStateException("no class folder of this project on the test class path: " + classPath());
        }
    }

    /** The test class path (surefire's, expanding a manifest-only booter jar). */
    static List<Path> classPath() throws IOException {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        List<Path> out = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (e.isBlank()) {
                continue;
            }
            Path p = Path.of(e);
            if (p.getFileName().toString().startsWith("surefirebooter") && Files.isRegularFile(p)) {
                try (JarFile jf = new JarFile(p.toFile())) {
                    Manifest mf = jf.getManifest();
                    String classPath = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
                    if (classPath != null) {
                        for (String u : classPath.trim().split("\\s+")) {
                            out.add(Path.of(URI.create(p.toUri().resolve(u).toString())));
                        }
                    }
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static void packDirectory(Path dir, Path jar) throws IOException {
        try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(os);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                zip.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                try (InputStream in = Files.newInputStream(f)) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
