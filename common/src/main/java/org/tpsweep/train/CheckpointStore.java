package org.tpsweep.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where one trial's checkpoint lives (a file of the sweep's output folder, or memory in tests). A save replaces
 * the previous checkpoint as a whole or not at all: a reader never sees half a checkpoint.
 */
public interface CheckpointStore {

    /** Writes one checkpoint's bytes to a stream. */
    @FunctionalInterface
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The saved checkpoint, or null when there is none. The caller closes the stream. */
    InputStream open() throws IOException;

    /** Replaces the saved checkpoint with what {@code writer} writes, atomically. */
    void save(Writer writer) throws IOException;

    /** Where the checkpoint is, for messages. */
    String describe();
}
