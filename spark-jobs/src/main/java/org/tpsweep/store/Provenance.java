package org.tpsweep.store;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;

/**
 * Where and with what a trial ran, written on every trial row: {@code code_version} (the git commit of the
 * code, with {@code -dirty} when tracked files differ from it; null when unknown), {@code nd4j_backend}
 * (ND4J backend class, e.g. {@code CpuBackend}), {@code dtype} (the trial's {@code precision}), {@code host},
 * {@code executor_id} (Spark's; {@code driver} in local mode), {@code device} ({@code cpu}, or the device the
 * task was bound to), {@code threads} (the BLAS/OpenMP threads the task was pinned to) and {@code data_sha256}
 * (the digest of the dataset's files that the driver verified before the run, {@code DataDigests}; null for
 * generated data). Any field may be null where it could not be determined.
 */
public record Provenance(String codeVersion, String nd4jBackend, String dtype, String host, String executorId,
                         String device, Integer threads, String dataSha256) implements Serializable {

    /** The device of a task that runs on the CPU. */
    public static final String CPU = "cpu";

    /** System property that sets the code version explicitly (e.g. from a launcher or a cluster job). */
    public static final String VERSION_PROPERTY = "tp.code.version";

    /** Class-path resource holding the code version (one line), for builds without a git checkout. */
    public static final String VERSION_RESOURCE = "/tp-sweep.version";

    /** Nothing known (synthetic outcomes in tests, trials written before provenance existed). */
    public static Provenance unknown() {
        return new Provenance(null, null, null, null, null, null, null, null);
    }

    /**
     * The provenance of a trial running in the current task (or JVM): backend, host and executor are read
     * here; {@code codeVersion} and {@code dataSha256} come from the driver.
     */
    public static Provenance ofTask(String codeVersion, String dataSha256, RunConfig config, int threads,
                                    String device) {
        return new Provenance(codeVersion, currentBackend(), config.has(Methods.PRECISION) ? config.getString(Methods.PRECISION)
                : null, localHost(), currentExecutorId(), device, threads, dataSha256);
    }

    /**
     * The version of the running code, determined on the driver: the system property {@value #VERSION_PROPERTY},
     * else the resource {@value #VERSION_RESOURCE}, else {@code git rev-parse HEAD} (plus {@code -dirty} when
     * tracked files changed) in the folder this code was loaded from, else in the working directory; null
     * when none of these answers.
     */
    public static String currentCodeVersion() {
        String p = System.getProperty(VERSION_PROPERTY);
        if (p != null && !p.isBlank()) {
            return p.trim();
        }
        try (InputStream in = Provenance.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in != null) {
                String v = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!v.isEmpty()) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to git
        }
        String v = gitVersion(codeLocation());
        return v != null ? v : gitVersion(new File("").getAbsoluteFile());
    }

    private static File codeLocation() {
        try {
            File f = new File(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return f.isFile() ? f.getParentFile() : f;
        } catch (Exception e) {
            return null;
        }
    }

    /** {@code git rev-parse HEAD} in {@code dir} with {@code -dirty} for uncommitted changes; null on any failure. */
    static String gitVersion(File dir) {
        if (dir == null || !dir.isDirectory()) {
            return null;
        }
        String head = git(dir, "rev-parse", "HEAD");
        if (head == null || !head.matches("[0-9a-f]{40}")) {
            return null;
        }
        String changes = git(dir, "status", "--porcelain", "--untracked-files=no");
        return changes == null || changes.isEmpty() ? head : head + "-dirty";
    }

    private static String git(File dir, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = dir.getPath();
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String currentBackend() {
        try {
            return Nd4j.getBackend().getClass().getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String currentExecutorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? null : env.executorId();
    }
}
