package org.tpsweep.cluster;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Before any trial runs on a cluster: do the executors see the driver's output folder? A local path (or a
 * {@code file:} URI) names a different folder on each machine, so executors elsewhere would commit their results
 * to their own disks, where the driver never finds them. The driver writes a probe file into the folder and one
 * task per executor slot looks for it; executors that do not see it end the run before any trial is lost.
 */
public final class SharedOutputCheck {
    private SharedOutputCheck() {
    }

    /** What one probing task found: where it ran and whether it saw the probe. */
    record Seen(String executor, boolean visible) implements Serializable {
    }

    /**
     * Checks that every executor that answers sees {@code dir}; does nothing for local masters and for file systems
     * that are not local ({@code hdfs:}, {@code s3a:} … are shared by design).
     *
     * @throws IllegalStateException naming the executors that do not see it and what to give instead
     */
    public static void check(SparkSession spark, Path dir, Configuration conf) {
        String master = spark.sparkContext().master();
        String scheme = dir.toUri().getScheme();
        if (SparkSessions.isLocal(master) || (scheme != null && !scheme.equals("file"))) {
            return;
        }
        Path probe = new Path(dir, ".tp-sweep-probe-" + UUID.randomUUID());
        try {
            FileSystem fs = probe.getFileSystem(conf);
            fs.create(probe, false).close();
            try {
                List<Seen> seen = probe(spark, probe, conf);
                TreeSet<String> blind = new TreeSet<>();
                seen.stream().filter(s -> !s.visible()).forEach(s -> blind.add(s.executor()));
                if (!blind.isEmpty()) {
                    throw new IllegalStateException("the executors " + String.join(", ", blind) + " cannot see the "
                            + "output folder " + dir.toUri().getPath() + " (a probe file the driver wrote there is "
                            + "missing on their side): with the cluster master " + master + " they would write their "
                            + "results to their own disks, which this driver cannot see. Give --out a file system "
                            + "that the driver and every executor share (hdfs://, s3a://, or a shared mount); no "
                            + "trial was run");
                }
            } finally {
                fs.delete(probe, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("probing the output folder " + dir + " failed", e);
        }
    }

    private static List<Seen> probe(SparkSession spark, Path probe, Configuration conf) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slots = Math.max(1, spark.sparkContext().defaultParallelism());
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            ids.add(i);
        }
        String file = probe.toString();
        HadoopConf shipped = new HadoopConf(conf);
        return jsc.parallelize(ids, slots).map(i -> {
            Path p = new Path(file);
            SparkEnv env = SparkEnv.get();
            String where = (env == null ? "?" : env.executorId()) + "@" + java.net.InetAddress.getLocalHost()
                    .getHostName();
            return new Seen(where, p.getFileSystem(shipped.get()).exists(p));
        }).collect();
    }
}
