package org.tpsweep.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop {@link Configuration} that Spark tasks can carry (Configuration itself is not
 * {@link Serializable}): the driver's settings are written once with {@link Configuration#write} and read back,
 * lazily, in each JVM that uses them.
 */
public final class HadoopConf implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] bytes;
    private transient Configuration conf;

    /** Captures {@code conf}'s current settings. */
    public HadoopConf(Configuration conf) {
        this.conf = conf;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            conf.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.bytes = b.toByteArray();
    }

    /** The configuration: the original on the driver, the deserialized settings elsewhere. */
    public synchronized Configuration get() {
        if (conf == null) {
            Configuration c = new Configuration(false);
            try {
                c.readFields(new DataInputStream(new ByteArrayInputStream(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            conf = c;
        }
        return conf;
    }
}
