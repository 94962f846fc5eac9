package org.tpsweep.spark;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.ConfigException;

/**
 * Creates the SparkSession of a sweep. With no master it runs embedded on {@code local[*]}. For a cluster
 * master (not {@code local…}) settings the executors need are filled in unless already given (e.g. by
 * {@code spark-submit --conf}): the JVM flags of this driver ({@code --add-opens}, {@code --add-modules},
 * {@code -D…}) as {@code spark.executor.extraJavaOptions}, {@code OMP_NUM_THREADS} = {@code spark.task.cpus}
 * in the executors' environment, and as {@code spark.jars} this application's jar with its library jars
 * (those of Spark, Scala and the Hadoop client excepted, which every Spark installation has).
 */
public final class SparkSessions {
    /** The master used when none is given. */
    public static final String DEFAULT_MASTER = "local[*]";

    private static final Pattern MASTER = Pattern.compile(
            "local|local\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?]|local-cluster\\[.+]|spark://.+|yarn|k8s://.+|mesos://.+");

    private SparkSessions() {
    }

    /**
     * Checks the form of a master URL before anything starts.
     *
     * @throws ConfigException naming the allowed forms
     */
    public static void checkMaster(String master) {
        if (master != null && !MASTER.matcher(master).matches()) {
            throw new ConfigException("--master " + master + " is not a Spark master URL; allowed: local[*], local[N], "
                    + "spark://HOST:PORT, yarn, k8s://https://HOST:PORT");
        }
    }

    /** A session named {@code appName} on {@code master} ({@link #DEFAULT_MASTER} when null). */
    public static SparkSession create(String appName, String master) {
        String m = master == null ? DEFAULT_MASTER : master;
        checkMaster(m);
        SparkConf conf = new SparkConf(true).setAppName(appName).setMaster(m);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        conf.setIfMissing("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        conf.setIfMissing("spark.sql.debug.maxToStringFields", "1000");
        if (!m.startsWith("local")) {
            clusterDefaults(conf);
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private static void clusterDefaults(SparkConf conf) {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                    || a.startsWith("-Djdk.") || a.startsWith("-Dio.netty") || a.startsWith("-Dlog4j2")) {
                flags.add(a);
            }
        }
        if (!flags.isEmpty()) {
            conf.setIfMissing("spark.executor.extraJavaOptions", String.join(" ", flags));
        }
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
        if (!conf.contains("spark.jars")) {
            String jars = applicationJars();
            if (!jars.isEmpty()) {
                conf.set("spark.jars", jars);
            }
        }
    }

    /** This application's jar and the jars in its {@code lib/} folder, minus Spark's own; empty when run from classes. */
    private static String applicationJars() {
        try {
            File self = new File(SparkSessions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!self.isFile()) {
                return "";
            }
            List<String> jars = new ArrayList<>(List.of(self.getAbsolutePath()));
            File[] lib = new File(self.getParentFile(), "lib").listFiles((d, n) -> n.endsWith(".jar")
                    && !n.startsWith("spark-") && !n.startsWith("scala-") && !n.startsWith("hadoop-client-"));
            if (lib != null) {
                java.util.Arrays.sort(lib);
                for (File f : lib) {
                    jars.add(f.getAbsolutePath());
                }
            }
            return String.join(",", jars);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return "";
        }
    }
}
