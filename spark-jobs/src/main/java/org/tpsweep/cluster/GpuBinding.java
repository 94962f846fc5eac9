package org.tpsweep.cluster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds the ND4J work of a Spark task to the GPU that Spark assigned it ({@code TaskContext.resources()},
 * resource {@code "gpu"}). Falls back to the CPU when ND4J's backend is the CPU one (the default build; the CUDA
 * backend comes with the Maven profile {@code cuda}), and leaves ND4J's own device choice alone when the CUDA
 * backend runs a task that Spark gave no GPU (local mode, or no {@code spark.task.resource.gpu.amount}).
 *
 * <p>The choice is a pure function ({@link #chooseDevice}) of the resource addresses, the backend and
 * {@code CUDA_VISIBLE_DEVICES}; {@link #bind} only applies it. Spark's GPU addresses are what the discovery
 * script reports (physical GPU indices); CUDA numbers the visible GPUs from 0, so when the executor's
 * {@code CUDA_VISIBLE_DEVICES} lists physical ids (YARN and Kubernetes isolate GPUs that way) the address is
 * looked up in that list.
 *
 * <p>ND4J's current device is a per-thread setting ({@code AffinityManager.unsafeSetDevice}) and Spark reuses
 * executor threads, so a task binds at its start, before it allocates any array.
 */
public final class GpuBinding {
    /** Spark's resource name of GPUs. */
    public static final String GPU = "gpu";
    /** The device string of the CPU fallback. */
    public static final String CPU = "cpu";

    private GpuBinding() {
    }

    /**
     * What a task runs on.
     *
     * @param description {@code "cpu"}, {@code "cuda:<address>"} (Spark's GPU address) or, on the CUDA backend
     *                    without a GPU from Spark, {@code "cuda"} (ND4J's own choice), for provenance
     * @param cudaOrdinal the CUDA device number to bind ND4J to, or -1 to leave ND4J as it is
     * @param reason      why no GPU from Spark is bound, or null when one is
     */
    public record Device(String description, int cudaOrdinal, String reason) {
        /** Whether a GPU from Spark is bound. */
        public boolean isGpu() {
            return cudaOrdinal >= 0;
        }

        static Device cpu(String reason) {
            return new Device(CPU, -1, reason);
        }
    }

    /** Whether the ND4J backend class {@code backend} (e.g. {@code org.nd4j.linalg.jcublas.JCublasBackend}) is a CUDA one. */
    public static boolean isCudaBackend(String backend) {
        if (backend == null) {
            return false;
        }
        String b = backend.toLowerCase(java.util.Locale.ROOT);
        return b.contains("jcublas") || b.contains("cuda");
    }

    /**
     * The device for a task with {@code resources} (resource name → addresses, as Spark assigns them) on the ND4J
     * backend {@code backend} (its class name), with {@code cudaVisibleDevices} the executor's
     * {@code CUDA_VISIBLE_DEVICES} (null when unset). Pure.
     *
     * <p>The CPU when ND4J's backend is not CUDA; {@code "cuda"} (ND4J's own device) when no GPU is assigned;
     * otherwise the first assigned GPU, whose address must be a GPU index (0, 1, …); with
     * {@code CUDA_VISIBLE_DEVICES} set, the address's position in that list is the CUDA ordinal (an address not
     * in the list is taken as an ordinal already).
     *
     * @throws IllegalArgumentException when a GPU is assigned on the CUDA backend but its address is not an index
     */
    public static Device chooseDevice(Map<String, String[]> resources, String backend, String cudaVisibleDevices) {
        String[] addresses = resources == null ? null : resources.get(GPU);
        boolean assigned = addresses != null && addresses.length > 0 && addresses[0] != null && !addresses[0].isBlank();
        if (!isCudaBackend(backend)) {
            return Device.cpu(assigned ? "GPU " + addresses[0].trim() + " assigned, but ND4J's backend is " + backend
                    + " (build with the Maven profile cuda for GPUs)" : "no GPU assigned to the task");
        }
        if (!assigned) {
            return new Device("cuda", -1, "no GPU assigned to the task (spark.task.resource.gpu.amount); ND4J's "
                    + "CUDA backend uses the device it picks itself");
        }
        String address = addresses[0].trim();
        return new Device("cuda:" + address, cudaOrdinal(address, cudaVisibleDevices), null);
    }

    /**
     * The CUDA ordinal of Spark GPU address {@code address} under {@code CUDA_VISIBLE_DEVICES}
     * {@code visible} (null or blank: all GPUs visible, the address is the ordinal).
     *
     * @throws IllegalArgumentException when the address is not a GPU index
     */
    static int cudaOrdinal(String address, String visible) {
        if (visible != null && !visible.isBlank()) {
            String[] ids = visible.split(",");
            for (int i = 0; i < ids.length; i++) {
                if (ids[i].trim().equals(address)) {
                    return i;
                }
            }
        }
        try {
            int ordinal = Integer.parseInt(address);
            if (ordinal >= 0) {
                return ordinal;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("GPU address " + address + " is not a GPU index (0, 1, …); the "
                + "discovery script (spark.executor.resource.gpu.discoveryScript) must report GPU indices");
    }

    /** Spark's resources of a task as plain data: resource name → addresses. */
    public static Map<String, String[]> addresses(scala.collection.Map<String, ResourceInformation> resources) {
        if (resources == null || resources.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String[]> out = new LinkedHashMap<>();
        scala.collection.Iterator<scala.Tuple2<String, ResourceInformation>> it = resources.iterator();
        while (it.hasNext()) {
            scala.Tuple2<String, ResourceInformation> kv = it.next();
            out.put(kv._1(), kv._2().addresses());
        }
        return out;
    }

    /** The class name of ND4J's backend (loads ND4J). */
    public static String backendName() {
        return Nd4j.getBackend().getClass().getName();
    }

    /**
     * Binds ND4J in the current thread to the device chosen for {@code resources} and returns it (loads ND4J). On
     * a GPU from Spark this sets ND4J's device of this thread; otherwise it changes nothing.
     *
     * @throws IllegalStateException when the chosen GPU is not one ND4J sees
     */
    public static Device bind(Map<String, String[]> resources) {
        Device d = chooseDevice(resources, backendName(), System.getenv("CUDA_VISIBLE_DEVICES"));
        if (d.isGpu()) {
            int devices = Nd4j.getAffinityManager().getNumberOfDevices();
            if (d.cudaOrdinal() >= devices) {
                throw new IllegalStateException("Spark assigned " + d.description() + " (CUDA device "
                        + d.cudaOrdinal() + ") but ND4J sees " + devices + " GPU" + (devices == 1 ? "" : "s"));
            }
            // ND4J's device of this thread. AffinityManager is nd4j-api (a no-op on the CPU backend), so this
            // compiles and links without the CUDA backend; nothing CUDA-only (CudaEnvironment) is needed.
            Nd4j.getAffinityManager().unsafeSetDevice(d.cudaOrdinal());
        } else if (!CPU.equals(d.description())) {
            // CUDA backend, no GPU from Spark: record the device ND4J gave this thread.
            d = new Device("cuda:" + Nd4j.getAffinityManager().getDeviceForCurrentThread(), -1, d.reason());
        }
        return d;
    }

    /**
     * {@link #bind Binds} the running Spark task to its GPU (CPU when it has none, or outside a task) and returns
     * the device string for provenance: {@code "cpu"} or {@code "cuda:<address>"}. Call first in a task's body.
     */
    public static String bindFromTaskContext() {
        TaskContext tc = TaskContext.get();
        Map<String, String[]> resources = tc == null ? Collections.emptyMap() : addresses(tc.resources());
        return bind(resources).description();
    }

    /** The GPU addresses of the running task, or an empty list (outside a task or without GPUs). */
    public static List<String> taskGpus() {
        TaskContext tc = TaskContext.get();
        String[] a = tc == null ? null : addresses(tc.resources()).get(GPU);
        return a == null ? List.of() : List.of(a);
    }
}
