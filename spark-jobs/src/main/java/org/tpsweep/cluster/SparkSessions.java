package org.tpsweep.cluster;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.tpsweep.config.ConfigException;
import scala.Tuple2;

/**
 * Creates the SparkSession of a sweep. With no master it runs embedded on {@code local[*]}.
 *
 * <p>Settings, strongest first: those already given (system properties {@code -Dspark.…}, or
 * {@code spark-submit --conf}/its properties file), then the project's {@code conf/spark-defaults.conf}
 * ({@link #defaultsFile()}: system property {@value #DEFAULTS_PROPERTY}, else environment variable
 * {@value #DEFAULTS_ENV}, else the file of the checkout this code runs from), then the built-in defaults below.
 *
 * <p>For a cluster master (not {@code local…}) settings the executors need are filled in unless already given:
 * the JVM flags of this driver ({@code --add-opens}, {@code --add-modules}, {@code -D…}) as
 * {@code spark.executor.extraJavaOptions}, {@code OMP_NUM_THREADS} = {@code spark.task.cpus} in the executors'
 * environment, and as {@code spark.jars} this application's jar with its library jars (those of Spark, Scala and
 * the Hadoop client excepted, which every Spark installation has), and the GPU resources of
 * {@link #gpuSettings}. For a local master GPU resource settings are removed: Spark does not schedule GPUs in
 * local mode and jobs hang with them (shared/STACK.md, gotcha 8).
 */
public final class SparkSessions {
    /** The master used when none is given. */
    public static final String DEFAULT_MASTER = "local[*]";
    /** System property naming the spark-defaults file to load. */
    public static final String DEFAULTS_PROPERTY = "tp.spark.defaults";
    /** Environment variable naming the spark-defaults file to load (when the system property is not set). */
    public static final String DEFAULTS_ENV = "TP_SPARK_DEFAULTS";

    /** GPUs per executor on a cluster master: Spark conf key (e.g. {@code -Dspark.tpsweep.gpusPerExecutor=1}). */
    public static final String GPUS_PER_EXECUTOR_KEY = "spark.tpsweep.gpusPerExecutor";
    /** GPUs per executor on a cluster master: environment variable. */
    public static final String GPUS_PER_EXECUTOR_ENV = "TP_GPUS_PER_EXECUTOR";
    /** GPUs per task (1, 2, … or a fraction ≤ 0.5 to share one GPU): Spark conf key. */
    public static final String GPU_PER_TASK_KEY = "spark.tpsweep.gpuPerTask";
    /** GPUs per task: environment variable. */
    public static final String GPU_PER_TASK_ENV = "TP_GPU_PER_TASK";
    /** The executors' GPU discovery script (a path on the executor hosts): Spark conf key. */
    public static final String GPU_DISCOVERY_KEY = "spark.tpsweep.gpuDiscoveryScript";
    /** The executors' GPU discovery script: environment variable. */
    public static final String GPU_DISCOVERY_ENV = "TP_GPU_DISCOVERY_SCRIPT";

    static final String EXECUTOR_GPU_AMOUNT = "spark.executor.resource.gpu.amount";
    static final String TASK_GPU_AMOUNT = "spark.task.resource.gpu.amount";
    static final String EXECUTOR_GPU_SCRIPT = "spark.executor.resource.gpu.discoveryScript";
    static final String EXECUTOR_GPU_VENDOR = "spark.executor.resource.gpu.vendor";

    private static final Pattern MASTER = Pattern.compile(
            "local|local\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?]|local-cluster\\[.+]|spark://.+|yarn|k8s://.+|mesos://.+");
    /** The GPU settings that make local-mode jobs hang. */
    private static final Pattern LOCAL_GPU_KEYS = Pattern.compile("spark\\.(executor|task)\\.resource\\.gpu\\..+");

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

    /**
     * Setting ({@code --ui-host}): the host the Spark UI is opened to; unset, the UI answers this machine only.
     * Not a Spark setting: Spark ignores it.
     */
    public static final String UI_HOST_KEY = "spark.tpsweep.uiHost";

    /** Attempts per task in local mode unless the master says otherwise (Spark's cluster default, 4). */
    public static final int LOCAL_TASK_ATTEMPTS = 4;

    private static final Pattern LOCAL_THREADS = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)])?");

    /**
     * {@code master} with retries in local mode, where Spark otherwise runs each task once: {@code local} and
     * {@code local[N]} become {@code local[N,}{@value #LOCAL_TASK_ATTEMPTS}{@code ]}; any other master is kept.
     */
    public static String withLocalRetries(String master) {
        java.util.regex.Matcher m = LOCAL_THREADS.matcher(master);
        if (!m.matches()) {
            return master;
        }
        return "local[" + (m.group(2) == null ? "1" : m.group(2)) + "," + LOCAL_TASK_ATTEMPTS + "]";
    }

    /**
     * How many attempts Spark gives a task on this session: the second number of {@code local[N,F]} in local
     * mode (1 without it), else {@code spark.task.maxFailures} (default 4).
     */
    public static int taskAttempts(org.apache.spark.SparkContext sc) {
        java.util.regex.Matcher m = Pattern.compile("local\\[[^,\\]]+,\\s*([0-9]+)]").matcher(sc.master());
        if (m.matches()) {
            return Integer.parseInt(m.group(1));
        }
        if (sc.master().startsWith("local")) {
            return 1;
        }
        return sc.getConf().getInt("spark.task.maxFailures", 4);
    }

    /** Whether {@code master} runs everything in this JVM ({@code local}, {@code local[…]}, {@code local-cluster[…]}). */
    public static boolean isLocal(String master) {
        return master == null || master.startsWith("local");
    }

    /** A session named {@code appName} on {@code master} ({@link #DEFAULT_MASTER} when null), UI loopback only. */
    public static SparkSession create(String appName, String master) {
        return create(appName, master, null);
    }

    /**
     * A session named {@code appName} on {@code master} ({@link #DEFAULT_MASTER} when null) whose Spark UI answers
     * other hosts only when {@code uiHost} is given (else it answers this machine only: {@link #UI_HOST_KEY}).
     */
    public static SparkSession create(String appName, String master, String uiHost) {
        checkMaster(master);
        String m = withLocalRetries(master == null ? DEFAULT_MASTER : master);
        SparkConf conf = new SparkConf(true).setAppName(appName).setMaster(m);
        if (uiHost != null) {
            conf.set(UI_HOST_KEY, uiHost);
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (Tuple2<String, String> kv : conf.getAll()) {
            given.put(kv._1(), kv._2());
        }
        Map<String, String> settings = settings(m, given, readDefaults(defaultsFile()), System.getenv(),
                driverJvmFlags(), applicationJars());
        for (String key : given.keySet()) {
            if (!settings.containsKey(key)) {
                // Also from the system properties, which SparkSession.Builder reads again into its own SparkConf.
                conf.remove(key);
                System.clearProperty(key);
                System.err.println("tp-sweep: ignoring " + key + "=" + given.get(key) + " on master " + m
                        + ": Spark does not schedule GPUs in local mode (jobs would hang); use a cluster master");
            }
        }
        settings.forEach(conf::set);
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** The settings a session on {@code master} would get in this JVM (as {@link #create}), without starting Spark. */
    public static Map<String, String> plannedSettings(String master) {
        Map<String, String> given = new LinkedHashMap<>();
        for (Tuple2<String, String> kv : new SparkConf(true).getAll()) {
            given.put(kv._1(), kv._2());
        }
        return settings(master, given, readDefaults(defaultsFile()), System.getenv(), driverJvmFlags(), applicationJars());
    }

    /**
     * All settings of a session on {@code master} (pure; {@link #create} applies them).
     *
     * @param given     the settings already given (system properties, spark-submit); they win
     * @param defaults  the spark-defaults file's {@code spark.*} keys; they win over the built-in defaults
     * @param env       the environment ({@code TP_GPU_*})
     * @param jvmFlags  this JVM's flags to pass on to executors on a cluster
     * @param appJars   comma-separated jars for {@code spark.jars} on a cluster, or empty
     * @return the settings to use; a key of {@code given} that is missing here must be removed
     */
    static Map<String, String> settings(String master, Map<String, String> given, Map<String, String> defaults,
                                        Map<String, String> env, List<String> jvmFlags, String appJars) {
        Map<String, String> s = new LinkedHashMap<>(given);
        boolean local = isLocal(master);
        // OMP_NUM_THREADS follows an explicitly given spark.task.cpus rather than the defaults file's 1.
        if (s.containsKey("spark.task.cpus")) {
            s.putIfAbsent("spark.executorEnv.OMP_NUM_THREADS", s.get("spark.task.cpus"));
        }
        defaults.forEach(s::putIfAbsent);
        s.putIfAbsent("spark.ui.showConsoleProgress", "false");
        s.putIfAbsent("spark.sql.shuffle.partitions", "8");
        s.putIfAbsent("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        s.putIfAbsent("spark.sql.debug.maxToStringFields", "1000");
        if ("org.apache.spark.serializer.KryoSerializer".equals(s.get("spark.serializer"))
                && !s.containsKey("spark.kryo.registrator") && classExists("org.nd4j.kryo.Nd4jRegistrator")) {
            s.put("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        }
        if (local) {
            // Everything runs in this JVM: nothing needs to listen beyond the loopback interface.
            s.putIfAbsent("spark.driver.bindAddress", "127.0.0.1");
            s.putIfAbsent("spark.driver.host", "127.0.0.1");
            s.keySet().removeIf(k -> LOCAL_GPU_KEYS.matcher(k).matches());
        } else {
            if (!jvmFlags.isEmpty()) {
                s.putIfAbsent("spark.executor.extraJavaOptions", String.join(" ", jvmFlags));
            }
            s.putIfAbsent("spark.executorEnv.OMP_NUM_THREADS", s.getOrDefault("spark.task.cpus", "1"));
            if (appJars != null && !appJars.isEmpty()) {
                s.putIfAbsent("spark.jars", appJars);
            }
        }
        gpuSettings(master, s, env).forEach(s::putIfAbsent);
        uiOnLoopbackOnly(s, env);
        return s;
    }

    /**
     * Safe by default: unless {@value #UI_HOST_KEY} is set (the user's {@code --ui-host}) or the UI is off, a UI
     * whose socket is not bound to the loopback address alone (Spark binds it to {@code SPARK_LOCAL_IP}, else to
     * every interface; {@code bin/tp-sweep} sets 127.0.0.1 for local masters) gets {@link LoopbackOnlyUiFilter},
     * which answers other hosts with 403 — also when {@code TpSweep} is started directly.
     */
    static void uiOnLoopbackOnly(Map<String, String> s, Map<String, String> env) {
        if (s.containsKey(UI_HOST_KEY) || "false".equals(s.get("spark.ui.enabled"))
                || LoopbackOnlyUiFilter.isLoopback(env.get("SPARK_LOCAL_IP"))) {
            return;
        }
        String filter = LoopbackOnlyUiFilter.class.getName();
        String filters = s.get("spark.ui.filters");
        if (filters == null || filters.isBlank()) {
            s.put("spark.ui.filters", filter);
        } else if (!List.of(filters.split("\\s*,\\s*")).contains(filter)) {
            s.put("spark.ui.filters", filters + "," + filter);
        }
    }

    /**
     * The Hadoop configuration a session on {@code master} would have — Hadoop's defaults and every
     * {@code spark.hadoop.*} setting (system properties, spark-submit, the spark-defaults file) — for the driver's
     * checks and commits before and outside Spark (the output folder, the data).
     */
    public static org.apache.hadoop.conf.Configuration hadoopConfiguration(String master) {
        SparkConf conf = new SparkConf(false);
        plannedSettings(withLocalRetries(master == null ? DEFAULT_MASTER : master)).forEach(conf::set);
        return org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(conf);
    }

    /**
     * The GPU resource settings for {@code master} (pure): none for a local master (they make Spark hang there);
     * for a cluster master, from {@value #GPUS_PER_EXECUTOR_KEY} / {@value #GPUS_PER_EXECUTOR_ENV} (GPUs per
     * executor), {@value #GPU_PER_TASK_KEY} / {@value #GPU_PER_TASK_ENV} (GPUs per task, default 1 when GPUs per
     * executor are given; GPUs per executor default to the next whole number) and {@value #GPU_DISCOVERY_KEY} /
     * {@value #GPU_DISCOVERY_ENV}, as {@code spark.executor.resource.gpu.amount},
     * {@code spark.task.resource.gpu.amount} and {@code spark.executor.resource.gpu.discoveryScript}; on
     * Kubernetes also the vendor {@code nvidia.com}. Settings already in {@code conf} are not returned, so that
     * what a user gives Spark directly wins.
     *
     * @throws ConfigException for an amount that is not a positive whole number (or a fraction ≤ 0.5 per task)
     */
    public static Map<String, String> gpuSettings(String master, Map<String, String> conf, Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        if (isLocal(master)) {
            return out;
        }
        String perExecutor = firstNonBlank(conf.get(GPUS_PER_EXECUTOR_KEY), env.get(GPUS_PER_EXECUTOR_ENV));
        String perTask = firstNonBlank(conf.get(GPU_PER_TASK_KEY), env.get(GPU_PER_TASK_ENV));
        String script = firstNonBlank(conf.get(GPU_DISCOVERY_KEY), env.get(GPU_DISCOVERY_ENV));
        if (perExecutor == null && perTask == null) {
            return out;
        }
        Integer executor = perExecutor == null ? null : wholeGpus(perExecutor,
                GPUS_PER_EXECUTOR_ENV + " / " + GPUS_PER_EXECUTOR_KEY);
        double task = perTask == null ? 1 : taskGpus(perTask);
        if (executor == null) {
            executor = (int) Math.ceil(task);
        }
        if (task > executor) {
            throw new ConfigException("GPUs per task " + perTask + " exceed the GPUs per executor " + executor
                    + "; allowed: at most " + executor);
        }
        out.put(EXECUTOR_GPU_AMOUNT, Integer.toString(executor));
        out.put(TASK_GPU_AMOUNT, task == Math.rint(task) ? Long.toString((long) task) : Double.toString(task));
        if (script != null) {
            out.put(EXECUTOR_GPU_SCRIPT, script);
        }
        if (master.startsWith("k8s://")) {
            out.put(EXECUTOR_GPU_VENDOR, "nvidia.com");
        }
        out.keySet().removeIf(conf::containsKey);
        return out;
    }

    private static int wholeGpus(String value, String name) {
        return wholeAtLeastOne(value, name, "a number of GPUs");
    }

    /**
     * {@code value} of setting {@code name} as a whole number ≥ 1.
     *
     * @throws ConfigException "NAME VALUE is not WHAT; allowed: a whole number ≥ 1"
     */
    static int wholeAtLeastOne(String value, String name, String what) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(name + " " + value + " is not " + what + "; allowed: a whole number ≥ 1");
    }

    private static double taskGpus(String value) {
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (d > 0 && (d <= 0.5 || (d >= 1 && d == Math.rint(d)))) {
            return d;
        }
        throw new ConfigException(GPU_PER_TASK_ENV + " / " + GPU_PER_TASK_KEY + " " + value
                + " is not a GPU amount per task; allowed: a whole number ≥ 1, or a fraction ≤ 0.5 to share a GPU");
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b != null && !b.isBlank() ? b.trim() : null;
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, SparkSessions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The spark-defaults file to load: system property {@value #DEFAULTS_PROPERTY}, else environment variable
     * {@value #DEFAULTS_ENV}, else {@code conf/spark-defaults.conf} of the tp-sweep checkout this code runs
     * from (the folder holding {@code bin/tp-sweep}); null when there is none.
     */
    public static Path defaultsFile() {
        String named = firstNonBlank(System.getProperty(DEFAULTS_PROPERTY), System.getenv(DEFAULTS_ENV));
        if (named != null) {
            return Path.of(named);
        }
        try {
            File self = new File(SparkSessions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            File dir = self.getParentFile();
            for (int up = 0; dir != null && up < 4; up++, dir = dir.getParentFile()) {
                File conf = new File(dir, "conf/spark-defaults.conf");
                if (conf.isFile() && new File(dir, "bin/tp-sweep").isFile()) {
                    return conf.toPath();
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException | IllegalArgumentException e) {
            // no checkout around this code
        }
        return null;
    }

    /**
     * The {@code spark.*} keys of a spark-defaults file ({@code key value} or {@code key=value} lines, as Spark
     * reads them); empty for null.
     *
     * @throws ConfigException when the named file cannot be read
     */
    public static Map<String, String> readDefaults(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (file == null) {
            return out;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("the Spark defaults file " + file + " cannot be read: " + e.getMessage()
                    + " (set " + DEFAULTS_PROPERTY + " or " + DEFAULTS_ENV + " to a readable file)", e);
        }
        new TreeMap<>(p).forEach((k, v) -> {
            String key = k.toString().trim();
            if (key.startsWith("spark.")) {
                out.put(key, v.toString().trim());
            }
        });
        return out;
    }

    /** This JVM's flags that executors need too: module opens, {@code --add-modules}, a few {@code -D…}. */
    static List<String> driverJvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                    || a.startsWith("-Djdk.") || a.startsWith("-Dio.netty") || a.startsWith("-Dlog4j2")) {
                flags.add(a);
            }
        }
        return flags;
    }

    /**
     * This application's jar and the jars in its {@code lib/} folder, minus Spark's own; only the jar itself for
     * the cluster assembly jar ({@code tp-sweep-cluster*.jar}, which holds its libraries); empty when run from
     * classes.
     */
    private static String applicationJars() {
        try {
            File self = new File(SparkSessions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!self.isFile()) {
                return "";
            }
            List<String> jars = new ArrayList<>(List.of(self.getAbsolutePath()));
            if (self.getName().startsWith("tp-sweep-cluster")) {
                return jars.get(0);
            }
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
