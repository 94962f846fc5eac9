package org.tpsweep.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** A {@link CheckpointStore} in memory, for tests: keeps the bytes of the last save, or of the first {@code keep}. */
final class MemoryCheckpointStore implements CheckpointStore {
    private final int keep;
    private byte[] bytes;
    private int saves;

    /** A store that keeps every save (the last one wins). */
    MemoryCheckpointStore() {
        this(Integer.MAX_VALUE);
    }

    /** A store that keeps only the first {@code keep} saves (later ones are counted and dropped). */
    MemoryCheckpointStore(int keep) {
        this.keep = keep;
    }

    @Override
    public InputStream open() {
        return bytes == null ? null : new ByteArrayInputStream(bytes);
    }

    @Override
    public void save(Writer writer) throws IOException {
        saves++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeTo(out);
        if (saves <= keep) {
            bytes = out.toByteArray();
        }
    }

    @Override
    public String describe() {
        return "memory";
    }

    byte[] bytes() {
        return bytes;
    }

    void setBytes(byte[] b) {
        bytes = b;
    }

    int saves() {
        return saves;
    }
}
