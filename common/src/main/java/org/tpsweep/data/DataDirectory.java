package org.tpsweep.data;

import java.nio.file.Path;

/**
 * Where the data files live: system property {@code tp.data.dir}, else environment variable
 * {@code TP_DATA_DIR}, else {@code data} under the current directory.
 */
public final class DataDirectory {
    /** System property naming the data directory. */
    public static final String PROPERTY = "tp.data.dir";
    /** Environment variable naming the data directory. */
    public static final String ENV = "TP_DATA_DIR";

    private DataDirectory() {
    }

    /** The data directory as an absolute, normalised path (it need not exist). */
    public static Path resolve() {
        return Path.of(configured()).toAbsolutePath().normalize();
    }

    /**
     * The data location as configured, trimmed and otherwise unchanged: {@value #PROPERTY}, else {@value #ENV},
     * else {@code data}. It may be a Hadoop URI ({@code hdfs://…}), which {@link #resolve} does not handle.
     */
    public static String configured() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
        }
        if (dir == null || dir.isBlank()) {
            dir = "data";
        }
        return dir.trim();
    }
}
