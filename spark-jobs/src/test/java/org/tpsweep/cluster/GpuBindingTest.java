package org.tpsweep.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.ConfigException;

/**
 * The choice of a task's device from fake Spark resource maps ({@link GpuBinding}), the binding on the CPU
 * backend of this build, and the session rules of {@link SparkSessions}: GPU resource settings only for cluster
 * masters, the spark-defaults file under explicit settings.
 */
class GpuBindingTest {
    static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    static Map<String, String[]> gpus(String... addresses) {
        return Map.of("gpu", addresses);
    }

    @Test
    void noGpuAssignedRunsOnTheCpu() {
        for (Map<String, String[]> r : List.<Map<String, String[]>>of(Map.of(), gpus(), gpus(" "),
                Map.of("fpga", new String[] {"0"}))) {
            GpuBinding.Device d = GpuBinding.chooseDevice(r, CPU_BACKEND, null);
            assertEquals("cpu", d.description());
            assertFalse(d.isGpu());
            assertEquals(-1, d.cudaOrdinal());
            assertTrue(d.reason().contains("no GPU"), d.reason());
            // On the CUDA backend ND4J keeps its own device: nothing is bound, and provenance says CUDA.
            GpuBinding.Device c = GpuBinding.chooseDevice(r, CUDA_BACKEND, null);
            assertEquals("cuda", c.description());
            assertFalse(c.isGpu());
            assertTrue(c.reason().contains("no GPU"), c.reason());
        }
        assertEquals("cpu", GpuBinding.chooseDevice(null, CPU_BACKEND, null).description());
    }

    @Test
    void aGpuOnTheCpuBackendFallsBackToTheCpuAndSaysWhy() {
        GpuBinding.Device d = GpuBinding.chooseDevice(gpus("1"), CPU_BACKEND, null);
        assertEquals("cpu", d.description());
        assertTrue(d.reason().contains(CPU_BACKEND) && d.reason().contains("cuda"), d.reason());
        assertEquals("cpu", GpuBinding.chooseDevice(gpus("1"), null, null).description());
    }

    @Test
    void aGpuOnTheCudaBackendIsTheFirstAssignedAddress() {
        GpuBinding.Device d = GpuBinding.chooseDevice(gpus("1"), CUDA_BACKEND, null);
        assertEquals("cuda:1", d.description());
        assertEquals(1, d.cudaOrdinal());
        assertTrue(d.isGpu());
        assertNull(d.reason());
        GpuBinding.Device two = GpuBinding.chooseDevice(gpus("3", "2"), CUDA_BACKEND, "");
        assertEquals("cuda:3", two.description());
        assertEquals(3, two.cudaOrdinal());
    }

    @Test
    void cudaVisibleDevicesMapsPhysicalAddressesToOrdinals() {
        assertEquals(1, GpuBinding.chooseDevice(gpus("3"), CUDA_BACKEND, "2,3").cudaOrdinal());
        assertEquals("cuda:3", GpuBinding.chooseDevice(gpus("3"), CUDA_BACKEND, "2,3").description());
        assertEquals(0, GpuBinding.chooseDevice(gpus("5"), CUDA_BACKEND, "5").cudaOrdinal());
        assertEquals(0, GpuBinding.cudaOrdinal("0", " 0 , 1"));
        // An address outside the list is an ordinal already (the executor sees a renumbered set).
        assertEquals(0, GpuBinding.cudaOrdinal("0", "4,5"));
    }

    @Test
    void anAddressThatIsNotAnIndexIsRejectedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuBinding.chooseDevice(gpus("GPU-8f3a"), CUDA_BACKEND, null));
        assertTrue(e.getMessage().contains("GPU-8f3a") && e.getMessage().contains("discoveryScript"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GpuBinding.cudaOrdinal("-1", null));
    }

    @Test
    void backendNamesAreClassified() {
        assertTrue(GpuBinding.isCudaBackend(CUDA_BACKEND));
        assertTrue(GpuBinding.isCudaBackend("CudaBackend"));
        assertFalse(GpuBinding.isCudaBackend(CPU_BACKEND));
        assertFalse(GpuBinding.isCudaBackend(null));
    }

    @Test
    void sparkResourceMapsBecomePlainAddresses() {
        Map<String, ResourceInformation> j = new LinkedHashMap<>();
        j.put("gpu", new ResourceInformation("gpu", new String[] {"2", "3"}));
        j.put("fpga", new ResourceInformation("fpga", new String[] {"f0"}));
        Map<String, String[]> plain = GpuBinding.addresses(scala.collection.JavaConverters.mapAsScalaMap(j));
        assertEquals(List.of("gpu", "fpga"), List.copyOf(plain.keySet()));
        assertEquals(List.of("2", "3"), List.of(plain.get("gpu")));
        assertTrue(GpuBinding.addresses(null).isEmpty());
    }

    @Test
    void bindingOnThisBuildsCpuBackendUsesTheCpu() {
        assertFalse(GpuBinding.isCudaBackend(GpuBinding.backendName()), GpuBinding.backendName());
        GpuBinding.Device d = GpuBinding.bind(gpus("0"));
        assertEquals("cpu", d.description());
        assertTrue(d.reason().contains(GpuBinding.backendName()), d.reason());
        assertEquals("cpu", GpuBinding.bind(Map.of()).description());
        // Outside a Spark task there is no TaskContext: the CPU.
        assertEquals("cpu", GpuBinding.bindFromTaskContext());
        assertEquals(List.of(), GpuBinding.taskGpus());
    }

    /** The rules of SparkSessions: GPU resources only for cluster masters; defaults under explicit settings. */
    @Nested
    class SessionSettings {
        static final Map<String, String> NO_ENV = Map.of();

        Map<String, String> settings(String master, Map<String, String> given, Map<String, String> defaults,
                                     Map<String, String> env) {
            return SparkSessions.settings(master, given, defaults, env, List.of("--add-modules=jdk.incubator.vector"),
                    "/x/tp-sweep.jar");
        }

        @Test
        void gpuSettingsAreNeverMadeForLocalMasters() {
            Map<String, String> env = Map.of("TP_GPU_PER_TASK", "1", "TP_GPUS_PER_EXECUTOR", "2");
            for (String m : List.of("local", "local[*]", "local[2]", "local[2,3]", "local-cluster[2,1,1024]")) {
                assertTrue(SparkSessions.gpuSettings(m, Map.of(), env).isEmpty(), m);
                Map<String, String> s = settings(m, Map.of(), Map.of(), env);
                assertTrue(s.keySet().stream().noneMatch(k -> k.contains("resource.gpu")), m + ": " + s);
            }
        }

        @Test
        void gpuSettingsGivenForALocalMasterAreRemoved() {
            Map<String, String> given = new HashMap<>(Map.of("spark.master", "local[2]",
                    "spark.executor.resource.gpu.amount", "1", "spark.task.resource.gpu.amount", "1",
                    "spark.executor.resource.gpu.discoveryScript", "/gpus.sh", "spark.app.name", "a"));
            Map<String, String> s = settings("local[2]", given, Map.of("spark.task.resource.gpu.amount", "1"), NO_ENV);
            assertTrue(s.keySet().stream().noneMatch(k -> k.contains("resource.gpu")), s.toString());
            assertEquals("a", s.get("spark.app.name"));
            // On a cluster master the same settings stay as given.
            Map<String, String> c = settings("spark://h:7077", given, Map.of(), NO_ENV);
            assertEquals("1", c.get("spark.executor.resource.gpu.amount"));
            assertEquals("1", c.get("spark.task.resource.gpu.amount"));
            assertEquals("/gpus.sh", c.get("spark.executor.resource.gpu.discoveryScript"));
        }

        @Test
        void gpusPerTaskOnAClusterMaster() {
            assertEquals(Map.of("spark.executor.resource.gpu.amount", "1", "spark.task.resource.gpu.amount", "1"),
                    SparkSessions.gpuSettings("spark://h:7077", Map.of(), Map.of("TP_GPU_PER_TASK", "1")));
            assertEquals(Map.of("spark.executor.resource.gpu.amount", "2", "spark.task.resource.gpu.amount", "1",
                            "spark.executor.resource.gpu.discoveryScript", "/opt/gpus.sh"),
                    SparkSessions.gpuSettings("yarn", Map.of(), Map.of("TP_GPUS_PER_EXECUTOR", "2",
                            "TP_GPU_DISCOVERY_SCRIPT", "/opt/gpus.sh")));
            assertEquals(Map.of("spark.executor.resource.gpu.amount", "1", "spark.task.resource.gpu.amount", "0.25",
                            "spark.executor.resource.gpu.vendor", "nvidia.com"),
                    SparkSessions.gpuSettings("k8s://https://k:6443", Map.of("spark.tpsweep.gpuPerTask", "0.25"),
                            NO_ENV));
            assertEquals(Map.of("spark.executor.resource.gpu.amount", "2", "spark.task.resource.gpu.amount", "2"),
                    SparkSessions.gpuSettings("spark://h:7077", Map.of("spark.tpsweep.gpuPerTask", "2"), NO_ENV));
            // The conf key wins over the environment; nothing without either.
            assertEquals("4", SparkSessions.gpuSettings("spark://h:7077", Map.of("spark.tpsweep.gpusPerExecutor", "4"),
                    Map.of("TP_GPUS_PER_EXECUTOR", "1")).get("spark.executor.resource.gpu.amount"));
            assertTrue(SparkSessions.gpuSettings("spark://h:7077", Map.of(), NO_ENV).isEmpty());
        }

        @Test
        void explicitSparkGpuSettingsWin() {
            Map<String, String> given = Map.of("spark.executor.resource.gpu.amount", "4",
                    "spark.tpsweep.gpuPerTask", "1");
            assertEquals(Map.of("spark.task.resource.gpu.amount", "1"),
                    SparkSessions.gpuSettings("spark://h:7077", given, NO_ENV));
            Map<String, String> s = settings("spark://h:7077", given, Map.of(), NO_ENV);
            assertEquals("4", s.get("spark.executor.resource.gpu.amount"));
            assertEquals("1", s.get("spark.task.resource.gpu.amount"));
        }

        @Test
        void badGpuAmountsAreRejectedWithTheValue() {
            for (Map<String, String> env : List.of(Map.of("TP_GPU_PER_TASK", "0.7"), Map.of("TP_GPU_PER_TASK", "1.5"),
                    Map.of("TP_GPU_PER_TASK", "0"), Map.of("TP_GPU_PER_TASK", "one"),
                    Map.of("TP_GPUS_PER_EXECUTOR", "0"), Map.of("TP_GPUS_PER_EXECUTOR", "1.5"),
                    Map.of("TP_GPUS_PER_EXECUTOR", "1", "TP_GPU_PER_TASK", "2"))) {
                ConfigException e = assertThrows(ConfigException.class,
                        () -> SparkSessions.gpuSettings("spark://h:7077", Map.of(), env), env.toString());
                assertTrue(env.values().stream().anyMatch(v -> e.getMessage().contains(v)), e.getMessage());
                assertTrue(e.getMessage().contains("allowed"), e.getMessage());
            }
            // Local masters ignore the settings entirely (they are never applied there).
            assertTrue(SparkSessions.gpuSettings("local[*]", Map.of(), Map.of("TP_GPU_PER_TASK", "0.7")).isEmpty());
        }

        @Test
        void explicitSettingsBeatTheDefaultsFileWhichBeatsBuiltIns() {
            Map<String, String> defaults = Map.of("spark.task.cpus", "1", "spark.executorEnv.OMP_NUM_THREADS", "1",
                    "spark.sql.shuffle.partitions", "16", "spark.ui.enabled", "true");
            Map<String, String> s = settings("local[*]", Map.of("spark.ui.enabled", "false"), defaults, NO_ENV);
            assertEquals("false", s.get("spark.ui.enabled"));
            assertEquals("16", s.get("spark.sql.shuffle.partitions"));
            assertEquals("1", s.get("spark.task.cpus"));
            assertEquals("TIMESTAMP_MICROS", s.get("spark.sql.parquet.outputTimestampType"));
            assertEquals("127.0.0.1", s.get("spark.driver.bindAddress"));
            assertFalse(s.containsKey("spark.executor.extraJavaOptions"), "local: no executor JVMs");
            assertFalse(s.containsKey("spark.jars"));
            // An explicit spark.task.cpus carries OMP_NUM_THREADS with it, over the file's 1.
            Map<String, String> c = settings("spark://h:7077", Map.of("spark.task.cpus", "2"), defaults, NO_ENV);
            assertEquals("2", c.get("spark.executorEnv.OMP_NUM_THREADS"));
            assertEquals("--add-modules=jdk.incubator.vector", c.get("spark.executor.extraJavaOptions"));
            assertEquals("/x/tp-sweep.jar", c.get("spark.jars"));
            assertFalse(c.containsKey("spark.driver.bindAddress"), "a cluster's executors must reach the driver");
            assertEquals("1", settings("spark://h:7077", Map.of(), defaults, NO_ENV)
                    .get("spark.executorEnv.OMP_NUM_THREADS"));
            assertEquals("3", settings("spark://h:7077", Map.of("spark.task.cpus", "3"), Map.of(), NO_ENV)
                    .get("spark.executorEnv.OMP_NUM_THREADS"));
        }

        @Test
        void theProjectsDefaultsFileParsesWithSaneValues(@TempDir Path tmp) throws Exception {
            Path file = SparkSessions.defaultsFile();
            assertTrue(file != null && Files.isRegularFile(file), "conf/spark-defaults.conf of the checkout: " + file);
            Map<String, String> d = SparkSessions.readDefaults(file);
            assertEquals("1", d.get("spark.task.cpus"));
            assertEquals("1", d.get("spark.executorEnv.OMP_NUM_THREADS"));
            assertEquals("false", d.get("spark.speculation"));
            assertFalse(d.getOrDefault("spark.serializer", "").contains("Kryo") && !d.containsKey("spark.kryo.registrator"));
            assertTrue(d.keySet().stream().noneMatch(k -> k.contains("resource.gpu")), d.toString());
            assertTrue(d.keySet().stream().allMatch(k -> k.startsWith("spark.")));

            Path other = Files.writeString(tmp.resolve("d.conf"), "# c\nspark.a   x y \nspark.b=2\nnot.spark 3\n");
            assertEquals(Map.of("spark.a", "x y", "spark.b", "2"), SparkSessions.readDefaults(other));
            assertTrue(SparkSessions.readDefaults(null).isEmpty());
            ConfigException e = assertThrows(ConfigException.class,
                    () -> SparkSessions.readDefaults(tmp.resolve("missing.conf")));
            assertTrue(e.getMessage().contains("missing.conf"), e.getMessage());
        }

        @Test
        void aLocalSessionWithGpuSettingsRunsInsteadOfHanging() {
            String[] keys = {"spark.executor.resource.gpu.amount", "spark.task.resource.gpu.amount"};
            if (SparkSession.getDefaultSession().isDefined()) {
                SparkSession.getDefaultSession().get().stop();
            }
            try {
                for (String k : keys) {
                    System.setProperty(k, "1");
                }
                System.setProperty("spark.ui.enabled", "false");
                long n = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    SparkSession spark = SparkSessions.create("gpu-local", "local[1]");
                    try {
                        assertFalse(spark.sparkContext().conf().contains(keys[1]));
                        return JavaSparkContext.fromSparkContext(spark.sparkContext())
                                .parallelize(List.of(1, 2, 3), 3).map(i -> GpuBinding.bindFromTaskContext())
                                .filter("cpu"::equals).count();
                    } finally {
                        spark.stop();
                    }
                });
                assertEquals(3, n);
            } finally {
                for (String k : keys) {
                    System.clearProperty(k);
                }
            }
        }
    }
}
