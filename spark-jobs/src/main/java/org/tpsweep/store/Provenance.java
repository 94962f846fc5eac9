package org.tpsweep.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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
     * else the resource {@value #VERSION_RESOURCE} that the build writes into the jar (the git commit it was
     * built from, with {@code -dirty} for uncommitted changes); null when neither answers (a build outside a git
     * checkout). Never runs {@code git}: the working directory may belong to another checkout than the jar.
     */
    public static String currentCodeVersion() {
        String p = System.getProperty(VERSION_PROPERTY);
        if (p != null && !p.isBlank()) {
            return p.trim();
        }
        try (InputStream in = Provenance.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in != null) {
                String v = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                return v.isEmpty() ? null : v;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
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
